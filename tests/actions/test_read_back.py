"""A read-back answered with neither yes nor no is asked again, says so, and does not
stand forever: after four such answers the form carries on as with any question."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.asking import ActionAskPriority
from actions.email_form import ActionAskEmail
from actions.email_repair import UNCONFIRMED
from actions.forms import ValidateOpenIncidentForm
from actions.incidents.embedded import EmbeddedIncidentStore
from actions.read_back import (
    answer_to_read_back,
    heard_for_sure,
    not_caught,
    unanswered_read_backs,
)
from tests.actions.conftest import make_tracker, responses

HEARD = "kim@exmple.com"


def read_back_then(*answers: str, changes: bool = False) -> list[dict[str, Any]]:
    """The address read back, then the caller's answers, each followed by the read-back
    again; `changes`: the last answer's turn set the slot."""
    events: list[dict[str, Any]] = [
        {"event": "user", "text": "kim at exmple dot com"},
        {"event": "slot", "name": "heard_email", "value": HEARD},
    ]
    for number, answer in enumerate(answers):
        events += [
            {
                "event": "bot",
                "text": "I heard ...",
                "metadata": {"utter_action": "utter_ask_heard_email"},
            },
            {"event": "action", "name": "action_listen"},
            {"event": "user", "text": answer},
        ]
        if changes and number == len(answers) - 1:
            events.append({"event": "slot", "name": "email", "value": None})
    return events


def test_answers_that_changed_nothing_are_counted_since_the_read_back() -> None:
    assert unanswered_read_backs(make_tracker(events=read_back_then()), "email") == 0
    assert unanswered_read_backs(make_tracker(events=read_back_then("no nam nam")), "email") == 1
    garbled = read_back_then("no nam nam", "itude itude", "ivan")
    assert unanswered_read_backs(make_tracker(events=garbled), "email") == 3
    answered = read_back_then("no nam nam", "no", changes=True)
    assert unanswered_read_backs(make_tracker(events=answered), "email") == 0
    assert unanswered_read_backs(make_tracker(events=garbled), "priority") == 0


async def test_a_read_back_asked_again_says_it_did_not_catch_the_answer(
    store: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    slots = {"requested_slot": "email", "heard_email": HEARD}
    await ActionAskEmail(store).run(
        dispatcher, make_tracker(slots, events=read_back_then("no nam nam")), domain
    )
    assert responses(dispatcher) == ["utter_not_caught", "utter_ask_heard_email"]


async def test_the_first_read_back_says_nothing_before_it(
    dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    slots = {"requested_slot": "priority", "heard_priority": "high"}
    await ActionAskPriority().run(dispatcher, make_tracker(slots, events=[]), domain)
    assert responses(dispatcher) == ["utter_ask_heard_priority"]


@pytest.mark.parametrize(("answers", "carries_on"), [(3, False), (4, True)])
async def test_a_read_back_never_answered_ends_as_an_unconfirmed_address(
    store: EmbeddedIncidentStore,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    answers: int,
    carries_on: bool,
) -> None:
    monkeypatch.setenv("HANDOFF_PHONE_NUMBER", "+15005550009")
    slots = {"requested_slot": "email", "heard_email": HEARD}
    events = read_back_then(*["no nam nam"] * answers)
    tracker = make_tracker(slots, events=events, active_loop="open_incident_form")
    validated = await ValidateOpenIncidentForm(store).run(dispatcher, tracker, domain)
    assert (SlotSet("email", UNCONFIRMED) in validated) is carries_on
    assert (SlotSet("heard_email", None) in validated) is carries_on


def test_no_second_apology_when_the_turn_already_said_sorry() -> None:
    events = read_back_then("no itude itude")
    assert not_caught(make_tracker(events=events), "email")
    apologised = [*events, {"event": "bot", "metadata": {"utter_action": "utter_default"}}]
    assert not not_caught(make_tracker(events=apologised), "email")


@pytest.mark.parametrize(
    ("interruption", "confirms"),
    [
        (None, True),
        ({"heard": "I heard kim dot lee at example dot com.", "details_heard": True}, True),
        ({"heard": "I heard kim", "details_heard": False}, False),
    ],
)
def test_a_yes_over_a_read_back_confirms_only_what_was_heard(
    interruption: dict[str, Any] | None, confirms: bool
) -> None:
    metadata = {"relay_interrupted": interruption} if interruption else {}
    tracker = make_tracker(
        {"heard_email": "kim.lee@example.com"}, intent="affirm", metadata=metadata
    )
    expected = {"email": "kim.lee@example.com"} if confirms else {}
    assert answer_to_read_back(tracker, "email", None) == expected


def test_the_same_address_said_over_the_read_back_still_confirms_it() -> None:
    interruption = {"heard": "I heard", "details_heard": False}
    tracker = make_tracker(
        {"heard_email": "kim.lee@example.com"}, metadata={"relay_interrupted": interruption}
    )
    assert answer_to_read_back(tracker, "email", "kim.lee@example.com") == {
        "email": "kim.lee@example.com"
    }


@pytest.mark.parametrize(
    ("metadata", "sure"),
    [
        ({}, True),  # typed
        ({"twilio_confidence": 0.9}, True),
        ({"twilio_confidence": 0.2}, False),
        ({"twilio_confidence": None}, False),  # spoken on the streaming line: unknown
    ],
)
def test_only_an_answer_known_to_be_heard_right_is_sure(
    metadata: dict[str, Any], sure: bool
) -> None:
    assert heard_for_sure(make_tracker(metadata=metadata)) is sure
