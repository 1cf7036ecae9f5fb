"""The incident number by SMS, through a local stand-in of Twilio's Messages API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.incident_actions import ActionOpenIncident
from actions.incidents.embedded import EmbeddedIncidentStore
from actions.sms import IncidentTexts, SmsSettings
from actions.verification import ATTESTED
from tests.actions.conftest import make_tracker, responses
from tools.fakes.twilio_api_server import ACCOUNT_SID, KEY_SECRET, KEY_SID, TwilioApiStandIn
from tools.runner.loopback import serving

CONFIRMED = {
    "email": "kim@example.com",
    "priority": "high",
    "problem_description": "the vpn drops",
    "incident_title": "VPN drops",
    "confirm": True,
}
CALL = {
    "CallSid": "CA" + "1" * 32,
    "From": "+15005550111",
    "To": "+18005550001",
    "StirVerstat": ATTESTED,
}


@pytest.fixture
def twilio_api() -> Iterator[TwilioApiStandIn]:
    with serving(TwilioApiStandIn()) as stand_in:
        yield stand_in


def texts(stand_in: TwilioApiStandIn, secret: str = KEY_SECRET, sender: str = "") -> IncidentTexts:
    return IncidentTexts(SmsSettings(ACCOUNT_SID, KEY_SID, secret, sender, stand_in.url))


async def open_incident(
    store: EmbeddedIncidentStore,
    sms: IncidentTexts | None,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    metadata: dict[str, str],
) -> None:
    tracker = make_tracker(CONFIRMED, metadata=metadata)
    await ActionOpenIncident(store, sms).run(dispatcher, tracker, domain)


async def test_the_caller_gets_the_number_by_text_from_the_line_they_dialled(
    store: EmbeddedIncidentStore,
    twilio_api: TwilioApiStandIn,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    await open_incident(store, texts(twilio_api), dispatcher, domain, CALL)
    [message] = twilio_api.messages
    assert (message["to"], message["from"]) == ("+15005550111", "+18005550001")
    assert "INC0010001" in message["body"] and "VPN drops" in message["body"]
    assert responses(dispatcher) == ["utter_incident_opened", "utter_incident_number_texted"]


async def test_a_configured_sender_is_used(
    store: EmbeddedIncidentStore,
    twilio_api: TwilioApiStandIn,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    await open_incident(store, texts(twilio_api, sender="+18005550999"), dispatcher, domain, CALL)
    assert twilio_api.messages[0]["from"] == "+18005550999"


async def test_an_unattested_number_gets_no_text(
    store: EmbeddedIncidentStore,
    twilio_api: TwilioApiStandIn,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CALLER_VERIFICATION", "on")
    spoofable = {key: value for key, value in CALL.items() if key != "StirVerstat"}
    await open_incident(store, texts(twilio_api), dispatcher, domain, spoofable)
    assert twilio_api.messages == []
    assert responses(dispatcher) == ["utter_incident_opened"]


async def test_a_refused_text_is_logged_and_the_incident_stands(
    store: EmbeddedIncidentStore,
    twilio_api: TwilioApiStandIn,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    await open_incident(store, texts(twilio_api, secret="wrong"), dispatcher, domain, CALL)
    assert responses(dispatcher) == ["utter_incident_opened"]
    assert "Texting incident INC0010001" in caplog.text and "+15005550111" not in caplog.text


def test_sms_confirmation_is_off_unless_asked_for() -> None:
    assert SmsSettings.from_environment({}) is None
    settings = SmsSettings.from_environment(
        {"TWILIO_SMS_CONFIRMATION": "true", "TWILIO_ACCOUNT_SID": ACCOUNT_SID}
    )
    assert settings is not None and settings.account_sid == ACCOUNT_SID
