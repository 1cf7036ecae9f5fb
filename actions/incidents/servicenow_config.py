"""How to reach a ServiceNow instance, from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from actions.incidents.phones import DEFAULT_REGION

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

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> ServiceNowConfig | None:
        """The configuration, or None when `SERVICENOW_INSTANCE_URL` is not set."""
        url = environ.get("SERVICENOW_INSTANCE_URL", "").strip().rstrip("/")
        if not url:
            return None
        return cls(
            instance_url=url,
            user=environ.get("SERVICENOW_USER", ""),
            password=environ.get("SERVICENOW_PASSWORD", ""),
            token=environ.get("SERVICENOW_TOKEN", ""),
            client_id=environ.get("SERVICENOW_CLIENT_ID", ""),
            client_secret=environ.get("SERVICENOW_CLIENT_SECRET", ""),
            phone_region=environ.get("SERVICENOW_PHONE_REGION") or DEFAULT_REGION,
            major_incident_query=environ.get("SERVICENOW_MAJOR_INCIDENT_QUERY")
            or DEFAULT_MAJOR_INCIDENT_QUERY,
            connect_timeout=float(environ.get("SERVICENOW_CONNECT_TIMEOUT") or 3.05),
            read_timeout=float(environ.get("SERVICENOW_READ_TIMEOUT") or 10),
            retries=int(environ.get("SERVICENOW_RETRIES") or 3),
        )
