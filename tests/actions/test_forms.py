"""Form validation of the incident form: the opener kept as the description, priorities,
and their read-back when unsure."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.asking import ActionAskPriority
from actions.forms import ValidateOpenIncidentForm
from actions.incidents.embedded import EmbeddedIncidentStore
from tests.actions.conftest import answering_read_back, make_tracker, responses


@pytest.mark.parametrize(
    ("spoken", "slot"), [("High", "high"), ("low ", "low"), ("urgent", None), (None, None)]
)
def test_priority_must_be_low_medium_or_high(
    dispatcher: CollectingDispatcher, domain: dict[str, Any], spoken: Any, slot: Any
) -> None:
    form = ValidateOpenIncidentForm()
    assert form.validate_priority(spoken, dispatcher, make_tracker(), domain) == {"priority": slot}


SPOKEN_UNSURE = {"CallSid": "CA1", "twilio_confidence": 0.31}


def test_an_uncertain_spoken_priority_is_read_back(
    dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    tracker = make_tracker({"requested_slot": "priority"}, metadata=SPOKEN_UNSURE)
    slots = ValidateOpenIncidentForm().validate_priority("high", dispatcher, tracker, domain)
    assert slots == {"priority": None, "heard_priority": "high"}


@pytest.mark.parametrize("confidence", [0.5, 0.93])
def test_a_confident_spoken_priority_is_taken(
    dispatcher: CollectingDispatcher, domain: dict[str, Any], confidence: float
) -> None:
    tracker = make_tracker(metadata={"CallSid": "CA1", "twilio_confidence": confidence})
    slots = ValidateOpenIncidentForm().validate_priority("high", dispatcher, tracker, domain)
    assert slots == {"priority": "high"}


@pytest.mark.parametrize(
    ("intent", "entities", "expected"),
    [
        ("affirm", [], {"priority": "high"}),
        ("deny", [], {"priority": None}),
        ("inform", [{"entity": "priority", "value": "low"}], {"priority": "low"}),
        ("greet", [], {}),
    ],
)
async def test_the_answer_to_a_priority_read_back(
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    intent: str,
    entities: list[dict[str, Any]],
    expected: dict[str, Any],
) -> None:
    tracker = answering_read_back("priority", "high", intent, entities, SPOKEN_UNSURE)
    form = ValidateOpenIncidentForm()
    assert await form.extract_priority(dispatcher, tracker, domain) == expected


def test_a_confirmed_priority_is_taken_even_when_the_yes_was_unsure(
    dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    tracker = make_tracker({"heard_priority": "high"}, intent="affirm", metadata=SPOKEN_UNSURE)
    slots = ValidateOpenIncidentForm().validate_priority("high", dispatcher, tracker, domain)
    assert slots == {"priority": "high", "heard_priority": None}


@pytest.mark.parametrize(
    ("intent", "opener", "description", "title"),
    [
        (
            "open_incident",
            "hi, my vpn keeps dropping every few minutes",
            "My vpn keeps dropping every few minutes",
            "VPN keeps dropping",
        ),
        (
            "problem_email",
            "outlook keeps crashing on start",
            "Outlook keeps crashing on start",
            "Problem with email",
        ),
        ("open_incident", "I want to open an incident", None, None),
        ("password_reset", "I can't reset my password", None, "Problem resetting password"),
    ],
)
async def test_the_opener_is_kept_as_the_description_with_a_title(
    store: EmbeddedIncidentStore,
    domain: dict[str, Any],
    intent: str,
    opener: str,
    description: str | None,
    title: str | None,
) -> None:
    tracker = make_tracker(intent=intent, text=opener)
    form = ValidateOpenIncidentForm(store)
    dispatcher = CollectingDispatcher()
    said = await form.extract_problem_description(dispatcher, tracker, domain)
    named = await form.extract_incident_title(dispatcher, tracker, domain)
    assert said == ({"problem_description": description} if description else {})
    assert named == ({"incident_title": title} if title else {})


async def test_a_security_problem_is_asked_for_its_priority_with_advice(
    domain: dict[str, Any],
) -> None:
    dispatcher = CollectingDispatcher()
    slots = {"problem_description": "I clicked on a phishing link", "incident_title": "Phishing"}
    await ActionAskPriority().run(dispatcher, make_tracker(slots), domain)
    assert responses(dispatcher) == ["utter_ask_priority_security"]
    dispatcher = CollectingDispatcher()
    slots = {"problem_description": "my laptop won't boot", "incident_title": "Laptop"}
    await ActionAskPriority().run(dispatcher, make_tracker(slots), domain)
    assert responses(dispatcher) == ["utter_ask_priority"]
