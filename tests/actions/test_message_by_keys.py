"""A message for the desk by keys alone: the address question names the key, the key
leaves the message for the calling number."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.email_form import ActionAskEmail
from actions.email_repair import UNCONFIRMED
from actions.incidents.embedded import EmbeddedIncidentStore
from actions.voice_message import ValidateVoiceMessageForm
from tests.actions.conftest import make_tracker, responses

FORM = "voice_message_form"
KEYED = {"CallSid": "CA1", "From": "+19999999999", "twilio_input": "2"}
SPOKEN = {**KEYED, "twilio_input": "leave a message", "twilio_confidence": 0.9}


async def test_a_caller_pressing_keys_hears_which_key_leaves_the_message_without_an_address(
    store: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    tracker = make_tracker(active_loop=FORM, metadata=KEYED, text="/leave_message")
    await ActionAskEmail(store).run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_ask_email", "utter_message_without_address_key"]


async def test_the_key_is_offered_only_to_a_caller_on_keys_with_a_number_to_call_back(
    store: EmbeddedIncidentStore, domain: dict[str, Any]
) -> None:
    withheld = {**KEYED, "From": ""}
    cases: list[tuple[dict[str, Any], str]] = [
        (SPOKEN, FORM),
        (withheld, FORM),
        (KEYED, "open_incident_form"),
    ]
    for metadata, loop in cases:
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(active_loop=loop, metadata=metadata)
        await ActionAskEmail(store).run(dispatcher, tracker, domain)
        assert responses(dispatcher) == ["utter_ask_email"], (metadata, loop)


async def _validated(
    store: EmbeddedIncidentStore,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    metadata: dict[str, Any],
    slots: dict[str, Any] | None = None,
) -> dict[str, Any]:
    tracker = make_tracker(
        {"requested_slot": "email", **(slots or {})},
        intent="nlu_fallback",
        active_loop=FORM,
        metadata=metadata,
        text=str(metadata["twilio_input"]),
    )
    events = await ValidateVoiceMessageForm(store).run(dispatcher, tracker, domain)
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


async def test_the_key_leaves_the_message_for_the_calling_number(
    store: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    slots = await _validated(store, dispatcher, domain, {**KEYED, "twilio_input": "1"})
    assert slots["email"] == UNCONFIRMED
    assert responses(dispatcher)[0] == "utter_message_without_address"


async def test_the_key_is_no_answer_to_a_read_back_nor_said_aloud_nor_another_key(
    store: EmbeddedIncidentStore, domain: dict[str, Any]
) -> None:
    cases: list[tuple[dict[str, Any], dict[str, Any]]] = [
        ({**KEYED, "twilio_input": "1"}, {"heard_email": "kim.lee@example.com"}),
        ({**SPOKEN, "twilio_input": "1"}, {}),
        ({**KEYED, "twilio_input": "5"}, {}),
        ({**KEYED, "twilio_input": "1", "From": ""}, {}),
    ]
    for metadata, slots in cases:
        dispatcher = CollectingDispatcher()
        filled = await _validated(store, dispatcher, domain, metadata, slots)
        assert filled.get("email") != UNCONFIRMED, metadata
        assert "utter_message_without_address" not in responses(dispatcher)
