"""OAuth 2.0 against the test instance: tokens fetched, renewed before expiry and on 401."""

from __future__ import annotations

import pytest

from actions.incidents import IncidentServiceError
from actions.incidents.servicenow import ServiceNowIncidents
from actions.incidents.servicenow_auth import OAuthClient, OAuthToken
from tests.conftest import servicenow_config
from tools.fakes.servicenow_server import (
    CLIENT_ID,
    CLIENT_SECRET,
    PASSWORD,
    USER,
    ServiceNowTestServer,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def oauth_backend(servicenow: ServiceNowTestServer, **login: str) -> ServiceNowIncidents:
    settings = {"user": "", "password": "", **login}
    config = servicenow_config(
        servicenow, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, **settings
    )
    return ServiceNowIncidents(config)


@pytest.mark.parametrize(
    ("login", "grant"),
    [({}, "client_credentials"), ({"user": USER, "password": PASSWORD}, "password")],
)
def test_a_token_is_fetched_once_and_used_for_every_request(
    servicenow: ServiceNowTestServer, login: dict[str, str], grant: str
) -> None:
    backend = oauth_backend(servicenow, **login)
    assert backend.find_caller_by_email("jane.doe@example.com") is not None
    assert backend.find_caller_by_email("abraham.lincoln@example.com") is not None
    assert servicenow.tokens.grants == [grant]


def test_a_token_is_renewed_with_its_refresh_token_a_minute_before_it_expires(
    servicenow: ServiceNowTestServer,
) -> None:
    clock = Clock()
    token = OAuthToken(OAuthClient(servicenow.url, CLIENT_ID, CLIENT_SECRET), clock=clock)
    first = token.header()
    clock.now += servicenow.tokens.lifetime_seconds - 61
    assert token.header() == first
    clock.now += 2
    renewed = token.header()
    assert renewed != first
    assert servicenow.tokens.grants == ["client_credentials", "refresh_token"]


def test_a_refused_token_is_replaced_and_the_request_tried_once_more(
    servicenow: ServiceNowTestServer,
) -> None:
    backend = oauth_backend(servicenow)
    assert backend.find_caller_by_email("jane.doe@example.com") is not None
    servicenow.tokens.revoke_all()  # as an instance does when a token is revoked early
    assert backend.find_caller_by_email("abraham.lincoln@example.com") is not None
    assert servicenow.tokens.grants == ["client_credentials", "refresh_token"]


def test_wrong_client_credentials_are_an_error_for_the_log(
    servicenow: ServiceNowTestServer,
) -> None:
    config = servicenow_config(servicenow, client_id=CLIENT_ID, client_secret="wrong")
    with pytest.raises(IncidentServiceError, match="refused a token: 401"):
        ServiceNowIncidents(config).find_caller_by_email("jane.doe@example.com")
