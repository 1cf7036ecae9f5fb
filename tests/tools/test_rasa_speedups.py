"""Rasa internals answer as Rasa answers, only faster: action answers, event classes."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SlotSet,
    UserUttered,
)
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig

from tools import rasa_speedups

ACTION = RemoteAction("action_open_incident", EndpointConfig("http://127.0.0.1:1/webhook"))
VALID = {
    "events": [{"event": "slot", "name": "email", "value": None}],
    "responses": [{"response": "utter_incident_opened", "incident_number": "INC0010001"}],
}
INVALID = [
    {"events": "not a list", "responses": []},
    {"events": [{"name": "email"}], "responses": []},
    {"events": [{"event": "slot", "name": "email"}], "responses": [{"text": 3}]},
]


def test_the_speed_up_is_installed_for_the_tests_as_for_the_server() -> None:
    assert rasa_speedups.installed()


def test_a_valid_answer_passes() -> None:
    assert ACTION._validate_action_result(VALID) is True
    assert rasa_speedups.original_validation(ACTION, VALID) is True


@pytest.mark.parametrize("answer", INVALID)
def test_an_invalid_answer_is_rejected_exactly_as_rasa_rejects_it(answer: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as ours:
        ACTION._validate_action_result(answer)
    with pytest.raises(ValidationError) as rasas:
        rasa_speedups.original_validation(ACTION, answer)
    assert ours.value.message == rasas.value.message
    assert list(ours.value.path) == list(rasas.value.path)


def every_event_class() -> list[type[Event]]:
    return [cls for cls in all_subclasses(Event) if getattr(cls, "type_name", None)]


def test_every_event_name_resolves_to_rasas_class() -> None:
    for cls in every_event_class():
        assert Event.resolve_by_type(cls.type_name) is rasa_speedups._ORIGINAL_RESOLVE(
            cls.type_name
        )


def test_an_unknown_event_name_is_handled_as_rasa_handles_it() -> None:
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None


def test_a_stored_conversation_reads_back_the_same() -> None:
    events = [
        UserUttered("hi", {"name": "greet", "confidence": 1.0}),
        ActionExecuted("utter_greet"),
        BotUttered("Hello", {"buttons": []}),
        SlotSet("email", "jane.doe@example.com"),
        ActiveLoop("open_incident_form"),
    ]
    assert [Event.from_parameters(event.as_dict()) for event in events] == events
