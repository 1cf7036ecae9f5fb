"""The call's last exchange: the caller's latest turn, its input, and what the bot said
after it, in the latest session."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.core.tracker_store import TrackerStore
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
from helpdesk.rasa_server.cached_trackers import CachedSQLTrackerStore
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


def exchange_in(store: TrackerStore, events: list[Event]) -> LastExchange:
    tracker = DialogueStateTracker.from_events(CALL, events, DOMAIN.slots)
    asyncio.run(store.save(tracker))
    return asyncio.run(last_exchange(store, CALL))


@pytest.fixture
def store(tmp_path: Path) -> TrackerStore:
    """The SQL store the server uses: it reads a call's latest session."""
    return CachedSQLTrackerStore(DOMAIN, db=str(tmp_path / "tracker.db"))


def test_the_latest_turn_its_input_and_offered_buttons(store: TrackerStore) -> None:
    exchange = exchange_in(store, FIRST_TURNS)

    assert exchange.answered(2, "jane at example dot com")
    assert [m["response"] for m in exchange.bot_turn] == [
        "utter_ask_priority",
        "utter_priority_hint",
    ]
    assert exchange.buttons == [{"title": "high", "payload": "/high"}]


def test_a_new_session_starts_a_new_exchange(store: TrackerStore) -> None:
    exchange = exchange_in(store, FIRST_TURNS + NEW_SESSION)

    assert exchange == LastExchange([{"text": "Welcome back.", "response": "utter_greet"}])


def test_the_greeting_alone_has_no_turn_of_the_caller(store: TrackerStore) -> None:
    exchange = exchange_in(store, FIRST_TURNS[:3])

    assert exchange.user_turn is None and [m["response"] for m in exchange.bot_turn] == [
        "utter_greet"
    ]


def test_a_call_the_store_does_not_know_has_no_exchange(store: TrackerStore) -> None:
    assert asyncio.run(last_exchange(store, CALL)) == LastExchange()
