"""Questions asked again and again offer a way out, then a person; not understood asks again."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.asking import (
    GIVE_UP_AT,
    ActionAskPriority,
    ActionNotUnderstood,
    asks_in_a_row,
    not_understood_in_a_row,
    opening_words,
)
from actions.email_repair import UNCONFIRMED
from actions.forms import ValidateIncidentStatusForm, ValidateOpenIncidentForm
from actions.incidents.embedded import EmbeddedIncidentStore
from tests.actions.conftest import make_tracker, responses


def asked(slot: str, times: int) -> list[dict[str, Any]]:
    """Events of a form that asked for `slot` `times` times in a row, after the email."""
    events: list[dict[str, Any]] = [{"event": "slot", "name": "requested_slot", "value": "email"}]
    for _ in range(times):
        events += [
            {"event": "slot", "name": "requested_slot", "value": slot},
            {"event": "user", "text": "tell me a joke"},
        ]
    return events


def test_asks_are_counted_since_the_form_last_asked_something_else() -> None:
    assert asks_in_a_row(make_tracker(events=asked("priority", 3)), "priority") == 3
    assert asks_in_a_row(make_tracker(events=asked("priority", 3)), "email") == 0
    restarted = [*asked("priority", 3), {"event": "restart"}, *asked("priority", 1)[1:]]
    assert asks_in_a_row(make_tracker(events=restarted), "priority") == 1


@pytest.mark.parametrize(
    ("times", "handoff", "expected"),
    [
        (1, "", ["utter_ask_priority"]),
        (2, "", ["utter_ask_priority"]),
        (3, "", ["utter_ask_priority", "utter_way_out"]),
        (3, "+15005550009", ["utter_ask_priority", "utter_way_out_with_person"]),
        # Without a person the form carries on before a fifth ask (CarriesOnWithoutAnswers);
        # were it asked, the caller would hear the question, never a goodbye.
        (5, "", ["utter_ask_priority", "utter_way_out"]),
        (5, "+15005550009", ["utter_transfer", None]),
    ],
)
async def test_the_third_ask_offers_a_way_out_and_the_fifth_a_person(
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    times: int,
    handoff: str,
    expected: list[str | None],
) -> None:
    monkeypatch.setenv("HANDOFF_PHONE_NUMBER", handoff)
    tracker = make_tracker(events=asked("priority", times))
    await ActionAskPriority().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == expected


async def test_not_understood_during_a_form_asks_its_question_again(
    dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    tracker = make_tracker(active_loop="open_incident_form")
    events = await ActionNotUnderstood().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_default"]
    assert events == [FollowupAction("open_incident_form")]


async def test_not_understood_outside_a_form_forgets_the_words(
    dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    events = await ActionNotUnderstood().run(dispatcher, make_tracker(), domain)
    assert events == [UserUtteranceReverted()]


def not_understood(times: int) -> list[dict[str, Any]]:
    """Turns outside a form the fallback answered `times` times in a row, then a new one."""
    events: list[dict[str, Any]] = [{"event": "action", "name": "utter_greet"}]
    for _ in range(times):
        events += [
            {"event": "action", "name": "action_listen"},
            {"event": "user", "text": "sam dot n g at fabrikam dot com"},
            {"event": "action", "name": "action_not_understood"},
            {"event": "bot", "text": "Sorry, I didn't catch that."},
            {"event": "rewind"},
        ]
    return [*events, {"event": "action", "name": "action_listen"}, {"event": "user", "text": "?"}]


@pytest.mark.parametrize(
    ("before", "handoff", "expected"),
    [
        (0, "+15005550009", ["utter_default"]),
        (1, "", ["utter_default", "utter_help"]),
        (3, "+15005550009", ["utter_default", "utter_help", "utter_person_instead"]),
    ],
)
async def test_not_understood_again_and_again_outside_a_form_says_what_works(
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    before: int,
    handoff: str,
    expected: list[str],
) -> None:
    monkeypatch.setenv("HANDOFF_PHONE_NUMBER", handoff)
    tracker = make_tracker(events=not_understood(before))
    assert not_understood_in_a_row(tracker) == before
    await ActionNotUnderstood().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == expected


@pytest.mark.parametrize(
    ("handoff", "expected"),
    [
        ("", ["utter_priority_fallback"]),
        ("+15005550009", ["utter_priority_fallback", "utter_person_instead"]),
    ],
)
async def test_a_question_that_keeps_failing_carries_on_and_a_person_is_still_offered(
    store: EmbeddedIncidentStore,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    handoff: str,
    expected: list[str],
) -> None:
    monkeypatch.setenv("HANDOFF_PHONE_NUMBER", handoff)
    slots = {"requested_slot": "priority", "email": "kim@example.com"}
    tracker = make_tracker(
        slots, events=asked("priority", GIVE_UP_AT), active_loop="open_incident_form"
    )
    events = await ValidateOpenIncidentForm(store).run(dispatcher, tracker, domain)
    assert SlotSet("priority", "medium") in events
    assert responses(dispatcher) == expected


@pytest.mark.parametrize(
    ("form", "heard", "confidence", "carries_on"),
    [
        # Something was heard: the incident is filed with it, for the desk to confirm.
        (ValidateOpenIncidentForm, "kim@exmple.com", None, True),
        # Nothing like an address, and the caller was heard clearly: a person can do more.
        (ValidateOpenIncidentForm, "", 0.9, False),
        # Nothing like an address from words the recogniser was unsure of: a noisy line.
        (ValidateOpenIncidentForm, "", 0.2, True),
        # A status check says nothing to a caller it could not identify.
        (ValidateIncidentStatusForm, "kim@exmple.com", None, False),
    ],
)
async def test_an_address_that_keeps_failing_goes_to_a_person_only_where_that_serves_better(
    store: EmbeddedIncidentStore,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    form: type[ValidateOpenIncidentForm | ValidateIncidentStatusForm],
    heard: str,
    confidence: float | None,
    carries_on: bool,
) -> None:
    monkeypatch.setenv("HANDOFF_PHONE_NUMBER", "+15005550009")
    active_loop = (
        "open_incident_form" if form is ValidateOpenIncidentForm else "incident_status_form"
    )
    # `heard`: the last reading of the address, which the caller said no to.
    slots = {"requested_slot": "email", "declined_email": heard or None}
    spoken = {} if confidence is None else {"twilio_confidence": confidence}
    tracker = make_tracker(
        slots, events=asked("email", GIVE_UP_AT), active_loop=active_loop, metadata=spoken
    )
    events = await form(store).run(dispatcher, tracker, domain)
    assert (SlotSet("email", UNCONFIRMED) in events) is carries_on
    assert responses(dispatcher) == (
        ["utter_email_unconfirmed", "utter_person_instead"] if carries_on else []
    )


async def test_a_question_asked_fewer_times_is_asked_again(
    store: EmbeddedIncidentStore,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HANDOFF_PHONE_NUMBER", "")
    slots = {"requested_slot": "priority", "email": "kim@example.com"}
    tracker = make_tracker(
        slots, events=asked("priority", GIVE_UP_AT - 1), active_loop="open_incident_form"
    )
    events = await ValidateOpenIncidentForm(store).run(dispatcher, tracker, domain)
    assert SlotSet("priority", "medium") not in events and dispatcher.messages == []


def test_the_words_that_opened_the_form_are_the_opener_not_words_during_it() -> None:
    events: list[dict[str, Any]] = [
        {
            "event": "user",
            "text": "my email is broken",
            "parse_data": {"intent": {"name": "problem_email"}},
        },
        {"event": "active_loop", "name": "open_incident_form"},
        {
            "event": "user",
            "text": "a n y t h i n g",
            "parse_data": {"intent": {"name": "open_incident"}},
        },
    ]
    assert opening_words(make_tracker(events=events)) == ("my email is broken", "problem_email")
