"""A call's outcome, read from its conversation when it ends."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActiveLoop, BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels.metrics import call_outcome


def spoken(*responses: str) -> list[Event]:
    return [BotUttered("...", metadata={"utter_action": name}) for name in responses]


def tracker(events: list[Event]) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("CA1", [UserUttered("hi"), *events])


@pytest.mark.parametrize(
    ("events", "status", "outcome"),
    [
        (
            spoken("utter_greet", "utter_incident_opened", "utter_anything_else"),
            "completed",
            "incident_opened",
        ),
        (spoken("utter_incident_recorded"), "completed", "incident_opened"),
        (spoken("utter_no_incidents"), "completed", "status_given"),
        (spoken("utter_incident_opened", "utter_transfer"), "completed", "transferred"),
        (
            [*spoken("utter_ask_email"), ActiveLoop("incident_status_form")],
            "completed",
            "abandoned",
        ),
        (spoken("utter_help", "utter_goodbye"), "completed", "other"),
        ([], "busy", "failed"),
    ],
)
def test_a_calls_outcome(events: list[Event], status: str, outcome: str) -> None:
    assert call_outcome(tracker(events), status) == outcome
