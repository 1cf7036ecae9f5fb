"""The call's last exchange reads the same from the end of the SQL events table as
from the whole tracker."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.core.tracker_store import (
    AwaitableTrackerStore,
    FailSafeTrackerStore,
    InMemoryTrackerStore,
    SQLTrackerStore,
    TrackerStore,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from channels.call_history import LastExchange, last_exchange
from helpdesk.turn_metadata import INPUT_KEY, TURN_KEY

DOMAIN = Domain.from_dict({"slots": {"email": {"type": "text", "mappings": []}}})
CALL = "CA" + "0" * 32


def caller(turn: int, said: str) -> UserUttered:
    return UserUttered(said, metadata={TURN_KEY: turn, INPUT_KEY: said})


def bot(text: str, response: str, **data: object) -> BotUttered:
    return BotUttered(text, data=data, metadata={"utter_action": response})


FIRST_TURNS: list[Event] = [
    SessionStarted(),
    ActionExecuted("action_listen"),
    bot("Hello.", "utter_greet"),
    caller(1, "my password expired"),
    SlotSet("email", None),
    bot("What is your email?", "utter_ask_email"),
    caller(2, "jane at example dot com"),
    SlotSet("email", "jane@example.com"),
    bot("Priority?", "utter_ask_priority", buttons=[{"title": "high", "payload": "/high"}]),
    bot("Say high, medium or low.", "utter_priority_hint"),
]
NEW_SESSION: list[Event] = [SessionStarted(), bot("Welcome back.", "utter_greet")]
LONG_TAIL: list[Event] = [SlotSet("email", f"a{n}@example.com") for n in range(80)]


def exchange_in(store: TrackerStore, events: list[Event]) -> LastExchange:
    tracker = DialogueStateTracker.from_events(CALL, events, DOMAIN.slots)
    asyncio.run(store.save(tracker))
    return asyncio.run(last_exchange(store, CALL))


@pytest.fixture
def sql_store(tmp_path: Path) -> SQLTrackerStore:
    return SQLTrackerStore(DOMAIN, db=str(tmp_path / "tracker.db"))


@pytest.mark.parametrize(
    "events",
    [FIRST_TURNS, FIRST_TURNS + NEW_SESSION, FIRST_TURNS + LONG_TAIL, FIRST_TURNS[:3]],
    ids=["after a turn", "new session", "longer than the tail", "greeting only"],
)
def test_the_sql_tail_gives_what_the_whole_tracker_gives(
    sql_store: SQLTrackerStore, events: list[Event]
) -> None:
    from_tail = exchange_in(sql_store, events)
    # What Rasa reads for the turn: the SQL store's own tracker, its latest session.
    read_by_rasa = asyncio.run(sql_store.retrieve(CALL))
    assert read_by_rasa is not None
    whole = exchange_in(InMemoryTrackerStore(DOMAIN), list(read_by_rasa.events))

    assert from_tail == whole
    assert from_tail.bot_turn  # the comparison is of something


def test_the_latest_turn_its_input_and_offered_buttons(sql_store: SQLTrackerStore) -> None:
    exchange = exchange_in(sql_store, FIRST_TURNS)

    assert exchange.answered(2, "jane at example dot com")
    assert [m["response"] for m in exchange.bot_turn] == [
        "utter_ask_priority",
        "utter_priority_hint",
    ]
    assert exchange.buttons == [{"title": "high", "payload": "/high"}]


def test_behind_rasas_wrappers_only_the_tail_is_read(
    sql_store: SQLTrackerStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrapped = FailSafeTrackerStore(AwaitableTrackerStore(sql_store))
    asyncio.run(wrapped.save(DialogueStateTracker.from_events(CALL, FIRST_TURNS, DOMAIN.slots)))

    async def whole_tracker_read(sender_id: str) -> None:
        raise AssertionError(f"the whole tracker of {sender_id} was read")

    monkeypatch.setattr(sql_store, "retrieve", whole_tracker_read)

    assert asyncio.run(last_exchange(wrapped, CALL)).user_turn == 2


def test_a_call_the_store_does_not_know_has_no_exchange(sql_store: SQLTrackerStore) -> None:
    assert asyncio.run(last_exchange(sql_store, CALL)) == LastExchange()
