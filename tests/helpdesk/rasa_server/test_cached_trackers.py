"""A call's tracker is served from memory only while the store holds exactly what this
server left there: across two replicas, after a failed save, a restart, `forget` and
the retention purge, the stored conversation is what a turn gets, in a SQLite file,
PostgreSQL or Redis. Saving to SQL writes only the new events, without counting the
stored ones."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import redis
import sqlalchemy as sa
from rasa.core.tracker_store import AwaitableTrackerStore, FailSafeTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from helpdesk.rasa_server import cached_trackers
from helpdesk.rasa_server.cached_trackers import (
    CachedSQLTrackerStore,
    KeepsCalls,
    forget_cached,
    turn_was_not_saved,
)
from helpdesk.rasa_server.retention import forget_caller, purge_expired
from helpdesk.rasa_server.stores import configured_tracker_store

DOMAIN = Domain.from_dict({"slots": {"email": {"type": "text", "mappings": []}}})
CALL = "CA" + "1" * 32


def store_on(conversations_in: str, cached_calls: int = 10) -> CachedSQLTrackerStore:
    """A Rasa server's store on the test database (each call: another replica)."""
    store = kept_on(conversations_in, cached_calls)
    assert isinstance(store, CachedSQLTrackerStore)
    return store


def kept_on(calls_kept_in: str, cached_calls: int = 10) -> Any:
    """A Rasa server's store, SQL or Redis, as the environment says (each call:
    another replica)."""
    store = configured_tracker_store(DOMAIN)
    assert isinstance(store, KeepsCalls)
    store.cached_calls = cached_calls
    return store


@pytest.fixture
def store(conversations_in: str) -> CachedSQLTrackerStore:
    return store_on(conversations_in)


def turn(said: str, asked: str) -> list[Event]:
    return [
        UserUttered(said, metadata={"From": "+15005550101"}),
        ActionExecuted("utter_ask"),
        BotUttered(asked),
        ActionExecuted("action_listen"),
    ]


def take_turn(store: TrackerStore, said: str, asked: str) -> DialogueStateTracker:
    """What Rasa does for a turn: retrieve (or start) the tracker, add, save."""
    tracker = asyncio.run(store.retrieve(CALL)) or store.init_tracker(CALL)
    for event in turn(said, asked):
        tracker.update(event)
    asyncio.run(store.save(tracker))
    return tracker


def stored_texts(store: TrackerStore) -> list[str]:
    """The call as the store holds it, read without any memory."""
    fresh = kept_on("", cached_calls=0)
    tracker = asyncio.run(fresh.retrieve(CALL))
    return [e.text for e in tracker.events if isinstance(e, UserUttered)] if tracker else []


@contextmanager
def statements(store: CachedSQLTrackerStore) -> Iterator[list[str]]:
    """The SQL statements the store sends meanwhile."""
    sent: list[str] = []

    def record(*args: object) -> None:
        sent.append(str(args[2]))

    sa.event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", record)


def test_the_next_turn_on_the_same_server_costs_one_indexed_read(
    store: CachedSQLTrackerStore,
) -> None:
    saved = take_turn(store, "my printer is jammed", "What is your email?")

    with statements(store) as sent:
        retrieved = asyncio.run(store.retrieve(CALL))

    assert retrieved is saved
    assert len(sent) == 1 and "ORDER BY id DESC LIMIT 1" in sent[0]


def test_saving_writes_only_the_new_events_without_counting(
    store: CachedSQLTrackerStore,
) -> None:
    take_turn(store, "my printer is jammed", "What is your email?")
    tracker = asyncio.run(store.retrieve(CALL))
    assert tracker is not None
    for event in turn("kim at example dot com", "Is that right?"):
        tracker.update(event)

    with statements(store) as sent:
        asyncio.run(store.save(tracker))

    assert not [s for s in sent if "count(" in s.lower()]
    assert len(sent) == 1 and sent[0].startswith("INSERT INTO events")
    assert stored_texts(store) == ["my printer is jammed", "kim at example dot com"]
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM events")).scalar() == 8


def test_a_long_save_goes_in_several_inserts_in_order(
    store: CachedSQLTrackerStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cached_trackers, "ROWS_PER_INSERT", 3)
    take_turn(store, "my printer is jammed", "What is your email?")
    tracker = asyncio.run(store.retrieve(CALL))
    assert tracker is not None
    for said in ("kim at example dot com", "yes"):
        for event in turn(said, "Is that right?"):
            tracker.update(event)

    with statements(store) as sent:
        asyncio.run(store.save(tracker))

    assert len(sent) == 3 and all(s.startswith("INSERT INTO events") for s in sent)
    assert stored_texts(store) == ["my printer is jammed", "kim at example dot com", "yes"]
    # The newest row the save found is the stored one: the next turn is served from memory.
    assert asyncio.run(store.retrieve(CALL)) is tracker


def test_a_turn_taken_by_another_replica_is_read_in_full(calls_kept_in: str) -> None:
    first, second = kept_on(calls_kept_in), kept_on(calls_kept_in)
    take_turn(first, "my printer is jammed", "What is your email?")
    take_turn(second, "kim at example dot com", "Is that right?")

    tracker = take_turn(first, "yes", "How urgent is this?")

    said = [e.text for e in tracker.events if isinstance(e, UserUttered)]
    assert said == ["my printer is jammed", "kim at example dot com", "yes"]
    assert stored_texts(first) == said


def test_a_turn_that_was_not_saved_is_not_served_from_memory(
    calls_kept_in: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = kept_on(calls_kept_in)
    take_turn(store, "my printer is jammed", "What is your email?")
    wrapped = FailSafeTrackerStore(AwaitableTrackerStore(store))

    def database_gone(*args: object) -> None:
        raise sa.exc.OperationalError("INSERT", {}, Exception("server closed the connection"))

    def redis_gone(*args: object, **kwargs: object) -> None:
        raise redis.exceptions.ConnectionError("Connection reset by peer")

    tracker = asyncio.run(wrapped.retrieve(CALL))
    assert tracker is not None
    for event in turn("kim at example dot com", "Is that right?"):
        tracker.update(event)
    with monkeypatch.context() as broken:
        if isinstance(store, CachedSQLTrackerStore):
            broken.setattr(store, "_insert", database_gone)
        else:  # Redis: the transaction that writes the call and its version
            broken.setattr(store.red, "pipeline", redis_gone)
        asyncio.run(wrapped.save(tracker))
    assert turn_was_not_saved(wrapped, CALL)

    again = asyncio.run(wrapped.retrieve(CALL))

    assert again is not tracker
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["my printer is jammed"]


def test_events_added_and_not_saved_are_not_served_again(calls_kept_in: str) -> None:
    store = kept_on(calls_kept_in)
    take_turn(store, "my printer is jammed", "What is your email?")
    abandoned = asyncio.run(store.retrieve(CALL))
    assert abandoned is not None
    abandoned.update(SlotSet("email", "kim@example.com"))  # then the turn failed

    again = asyncio.run(store.retrieve(CALL))

    assert again is not None and again is not abandoned
    assert again.get_slot("email") is None


def test_a_restarted_server_reads_the_call_from_the_store(calls_kept_in: str) -> None:
    take_turn(kept_on(calls_kept_in), "my printer is jammed", "What is your email?")

    tracker = take_turn(kept_on(calls_kept_in), "kim at example dot com", "Is that right?")

    assert len([e for e in tracker.events if isinstance(e, UserUttered)]) == 2
    assert stored_texts(kept_on(calls_kept_in)) == [
        "my printer is jammed",
        "kim at example dot com",
    ]


def test_a_forgotten_caller_is_never_served_from_memory(calls_kept_in: str) -> None:
    serving, operator = kept_on(calls_kept_in), kept_on(calls_kept_in)
    take_turn(serving, "my printer is jammed", "What is your email?")

    assert forget_caller(operator, phone="+15005550101") == [CALL]

    assert asyncio.run(serving.retrieve(CALL)) is None


def test_a_purged_call_is_never_served_from_memory(store: CachedSQLTrackerStore) -> None:
    take_turn(store, "my printer is jammed", "What is your email?")

    assert purge_expired(store, days=1, now=10**10) == 1

    assert asyncio.run(store.retrieve(CALL)) is None


def test_memory_keeps_the_calls_served_last_and_drops_an_ended_call(
    calls_kept_in: str,
) -> None:
    store = kept_on(calls_kept_in, cached_calls=2)
    wrapped = FailSafeTrackerStore(AwaitableTrackerStore(store))
    trackers = {}
    for call in ("CA-a", "CA-b", "CA-c"):
        tracker = DialogueStateTracker.from_events(call, turn("hello", "Hi."), DOMAIN.slots)
        asyncio.run(store.save(tracker))
        trackers[call] = tracker

    assert asyncio.run(store.retrieve("CA-a")) is not trackers["CA-a"]  # dropped: oldest
    assert asyncio.run(store.retrieve("CA-c")) is trackers["CA-c"]
    forget_cached(wrapped, "CA-c")
    assert asyncio.run(store.retrieve("CA-c")) is not trackers["CA-c"]
