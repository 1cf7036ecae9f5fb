"""A `requests` session for a ServiceNow instance: its authentication, headers and retries."""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from actions.incidents.servicenow_auth import OAuthClient, OAuthToken
from actions.incidents.servicenow_config import ServiceNowConfig


class ServiceNowRetry(Retry):
    """Retries reads on 429 and 5xx; a create only on 429, which ServiceNow did not process."""

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if method == "POST" and status_code != 429:
            return False
        return super().is_retry(method, status_code, has_retry_after)


def servicenow_session(config: ServiceNowConfig) -> tuple[requests.Session, OAuthToken | None]:
    """The session, and the OAuth token source when OAuth is configured (its header is
    added to each request, so that an expired token is renewed)."""
    session = requests.Session()
    oauth: OAuthToken | None = None
    if config.client_id and config.client_secret:
        oauth = OAuthToken(
            OAuthClient(
                config.instance_url,
                config.client_id,
                config.client_secret,
                config.user,
                config.password,
                config.read_timeout,
            )
        )
    elif config.token:
        session.headers["Authorization"] = f"Bearer {config.token}"
    else:
        session.auth = (config.user, config.password)
    session.headers["Accept"] = "application/json"
    retry = ServiceNowRetry(
        total=config.retries,
        connect=config.retries,
        read=0,
        status=config.retries,
        backoff_factor=config.backoff_seconds,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET", "POST"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session.mount(config.instance_url, HTTPAdapter(max_retries=retry))
    return session, oauth
