"""Form validation: the previous-address offer, the directory check, priorities."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import (
    ActionAskEmail,
    ValidateIncidentStatusForm,
    ValidateOpenIncidentForm,
)
from actions.incidents.embedded import EmbeddedIncidentStore
from actions.incidents.servicenow import ServiceNowIncidents
from tests.actions.conftest import make_tracker, responses
from tools.servicenow_server import ServiceNowTestServer


async def test_asks_for_an_address_when_none_was_given(
    store: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    await ActionAskEmail(store).run(dispatcher, make_tracker(), domain)
    assert responses(dispatcher) == ["utter_ask_email"]


async def test_a_caller_whose_number_is_in_the_directory_is_offered_their_address(
    servicenow_backend: ServiceNowIncidents,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    tracker = make_tracker(metadata={"CallSid": "CA1", "From": "+15005550011"})
    events = await ActionAskEmail(servicenow_backend).run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_ask_use_directory_email"]
    assert dispatcher.messages[0]["previous_email"] == "abraham.lincoln@example.com"
    assert events == [SlotSet("previous_email", "abraham.lincoln@example.com")]


async def test_an_unknown_number_gets_the_plain_question(
    servicenow_backend: ServiceNowIncidents,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    tracker = make_tracker(metadata={"CallSid": "CA1", "From": "+19999999999"})
    assert await ActionAskEmail(servicenow_backend).run(dispatcher, tracker, domain) == []
    assert responses(dispatcher) == ["utter_ask_email"]


async def test_offers_the_previous_address(
    store: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    tracker = make_tracker({"previous_email": "jane.doe@example.com"})
    await ActionAskEmail(store).run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_ask_use_previous_email"]


async def test_a_known_address_is_kept_lowercase_and_remembered(
    store: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    form = ValidateOpenIncidentForm(store)
    slots = await form.validate_email(" Jane.Doe@Example.com ", dispatcher, make_tracker(), domain)
    assert slots == {"email": "jane.doe@example.com", "previous_email": "jane.doe@example.com"}
    assert dispatcher.messages == []


async def test_an_unknown_address_is_refused_with_the_original_reprompt(
    servicenow_backend: ServiceNowIncidents,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    form = ValidateOpenIncidentForm(servicenow_backend)
    slots = await form.validate_email("idontexist@example.com", dispatcher, make_tracker(), domain)
    assert slots == {"email": None}
    assert dispatcher.messages[0]["response"] == "utter_no_email"
    assert dispatcher.messages[0]["email"] == "idontexist@example.com"


async def test_a_malformed_address_is_asked_again(
    store: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    form = ValidateIncidentStatusForm(store)
    assert await form.validate_email("jane at", dispatcher, make_tracker(), domain) == {
        "email": None
    }


async def test_an_unreachable_directory_gets_an_apology(
    servicenow: ServiceNowTestServer,
    servicenow_backend: ServiceNowIncidents,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    servicenow.faults.down = True
    form = ValidateIncidentStatusForm(servicenow_backend)
    slots = await form.validate_email("jane.doe@example.com", dispatcher, make_tracker(), domain)
    assert slots == {"email": None}
    assert responses(dispatcher) == ["utter_incident_service_unavailable"]
    assert "jane.doe@example.com" not in caplog.text
    assert "j***@example.com" in caplog.text


@pytest.mark.parametrize(
    ("intent", "expected"),
    [
        ("affirm", [SlotSet("email", "jane.doe@example.com")]),
        ("deny", [SlotSet("email", None), SlotSet("previous_email", None)]),
    ],
)
async def test_yes_or_no_to_the_previous_address(
    store: EmbeddedIncidentStore,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    intent: str,
    expected: list[SlotSet],
) -> None:
    tracker = make_tracker(
        {"previous_email": "jane.doe@example.com", "requested_slot": "email"},
        intent=intent,
        active_loop="incident_status_form",
    )
    events = await ValidateIncidentStatusForm(store).run(dispatcher, tracker, domain)
    assert all(event in events for event in expected), events


async def test_yes_is_an_answer_only_to_the_previous_address_question(
    store: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    tracker = make_tracker(
        {"previous_email": "jane.doe@example.com", "requested_slot": "priority"},
        intent="affirm",
        active_loop="open_incident_form",
    )
    form = ValidateOpenIncidentForm(store)
    assert await form.extract_email(dispatcher, tracker, domain) == {}


@pytest.mark.parametrize(
    ("spoken", "slot"), [("High", "high"), ("low ", "low"), ("urgent", None), (None, None)]
)
def test_priority_must_be_low_medium_or_high(
    dispatcher: CollectingDispatcher, domain: dict[str, Any], spoken: Any, slot: Any
) -> None:
    form = ValidateOpenIncidentForm()
    assert form.validate_priority(spoken, dispatcher, make_tracker(), domain) == {"priority": slot}
