"""Event names resolve to Rasa's own classes, each looked up once."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SlotSet,
    UserUttered,
)
from rasa.shared.utils.common import all_subclasses

from helpdesk.rasa_server import event_class_lookup


def every_event_class() -> list[type[Event]]:
    return [cls for cls in all_subclasses(Event) if getattr(cls, "type_name", None)]


def test_every_event_name_resolves_to_rasas_class() -> None:
    for cls in every_event_class():
        assert Event.resolve_by_type(cls.type_name) is event_class_lookup.ORIGINAL_RESOLVE(
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
