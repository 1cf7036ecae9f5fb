"""OAuth 2.0 for ServiceNow: a token fetched when needed and refreshed before it expires.

With `SERVICENOW_CLIENT_ID` and `SERVICENOW_CLIENT_SECRET`, the assistant asks the
instance's token endpoint (`/oauth_token.do`) for an access token: the password grant
when `SERVICENOW_USER` and `SERVICENOW_PASSWORD` are set too, else client credentials.
The token is renewed a minute before it expires (with the refresh token when the
instance gave one), and at once when ServiceNow answers 401.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from actions.incidents import IncidentServiceError

RENEW_BEFORE_EXPIRY_SECONDS = 60.0
TOKEN_PATH = "/oauth_token.do"


@dataclass(frozen=True)
class OAuthClient:
    """The instance's token endpoint and what to present there."""

    instance_url: str
    client_id: str
    client_secret: str
    user: str = ""
    password: str = ""
    timeout: float = 10.0


class OAuthToken:
    """The current access token, renewed before it expires or when it was refused."""

    def __init__(self, client: OAuthClient, clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._clock = clock
        self._lock = threading.Lock()
        self._access = ""
        self._refresh = ""
        self._renew_at = 0.0

    def header(self) -> str:
        """`Bearer <token>`, fetching a new token when the current one is about to expire."""
        with self._lock:
            if not self._access or self._clock() >= self._renew_at:
                self._fetch()
            return f"Bearer {self._access}"

    def refused(self) -> None:
        """ServiceNow answered 401: the next request fetches a new token."""
        with self._lock:
            self._access = ""

    def _fetch(self) -> None:
        grant = self._grant()
        try:
            reply = requests.post(
                f"{self._client.instance_url}{TOKEN_PATH}", data=grant, timeout=self._client.timeout
            )
        except requests.RequestException as error:
            raise IncidentServiceError(f"ServiceNow's token endpoint failed: {error}") from error
        if reply.status_code != 200:
            self._refresh = ""  # a refused refresh token: the next try uses the grant itself
            raise IncidentServiceError(f"ServiceNow refused a token: {reply.status_code}")
        token = reply.json()
        self._access = str(token["access_token"])
        self._refresh = str(token.get("refresh_token") or "")
        lifetime = float(token.get("expires_in") or 0)
        self._renew_at = self._clock() + max(lifetime - RENEW_BEFORE_EXPIRY_SECONDS, 0.0)

    def _grant(self) -> dict[str, Any]:
        client = {"client_id": self._client.client_id, "client_secret": self._client.client_secret}
        if self._refresh:
            return {**client, "grant_type": "refresh_token", "refresh_token": self._refresh}
        if self._client.user and self._client.password:
            return {
                **client,
                "grant_type": "password",
                "username": self._client.user,
                "password": self._client.password,
            }
        return {**client, "grant_type": "client_credentials"}
