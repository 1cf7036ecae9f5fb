"""How to reach a ServiceNow instance, from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from actions.incidents.phones import DEFAULT_REGION
from helpdesk import environment as env
from helpdesk import variables as names

# Major incidents the major incident management plugin has accepted, not yet closed.
DEFAULT_MAJOR_INCIDENT_QUERY = "major_incident_state=accepted^active=true"


@dataclass(frozen=True)
class ServiceNowConfig:
    """Where the instance is and how to reach it."""

    instance_url: str
    user: str = ""
    password: str = ""
    token: str = ""
    # OAuth 2.0 (servicenow_auth.py): with these, tokens are fetched and renewed.
    client_id: str = ""
    client_secret: str = ""
    # The region of directory numbers written without a country code.
    phone_region: str = DEFAULT_REGION
    # Which incidents are outages callers may join (SERVICENOW_MAJOR_INCIDENT_QUERY).
    major_incident_query: str = DEFAULT_MAJOR_INCIDENT_QUERY
    connect_timeout: float = 3.05
    read_timeout: float = 10.0
    retries: int = 3
    backoff_seconds: float = 0.5

    @property
    def longest_delivery(self) -> timedelta:
        """The longest an outbox delivery can take: a look-up and a create, each with
        every retry timing out and backing off; an outbox lease outlasts it twice."""
        attempts = self.retries + 1
        backoff = sum(self.backoff_seconds * 2**n for n in range(self.retries))
        request = attempts * (self.connect_timeout + self.read_timeout) + backoff
        return timedelta(seconds=2 * request)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> ServiceNowConfig | None:
        """The configuration, or None when `SERVICENOW_INSTANCE_URL` is not set."""
        url = env.url(names.SERVICENOW_INSTANCE_URL, environ=environ)
        if not url:
            return None
        defaults = cls(url)
        return cls(
            instance_url=url,
            user=env.text(names.SERVICENOW_USER, environ=environ),
            password=env.text(names.SERVICENOW_PASSWORD, environ=environ),
            token=env.text(names.SERVICENOW_TOKEN, environ=environ),
            client_id=env.text(names.SERVICENOW_CLIENT_ID, environ=environ),
            client_secret=env.text(names.SERVICENOW_CLIENT_SECRET, environ=environ),
            phone_region=env.text(names.SERVICENOW_PHONE_REGION, DEFAULT_REGION, environ),
            major_incident_query=env.text(
                names.SERVICENOW_MAJOR_INCIDENT_QUERY, DEFAULT_MAJOR_INCIDENT_QUERY, environ
            ),
            connect_timeout=env.positive(
                names.SERVICENOW_CONNECT_TIMEOUT, defaults.connect_timeout, environ
            ),
            read_timeout=env.positive(
                names.SERVICENOW_READ_TIMEOUT, defaults.read_timeout, environ
            ),
            retries=env.integer(names.SERVICENOW_RETRIES, defaults.retries, 0, environ),
        )
