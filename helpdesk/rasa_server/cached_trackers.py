"""Rasa 3.6's SQL tracker store with the calls this server served last kept in memory.

Workaround: `SQLTrackerStore.retrieve` reads and deserialises every event of the call on
every turn, and `save` counts the stored events to find the new ones; under 40 calls
the two were 28 % of the Rasa server's CPU (py-spy). Here a call's tracker is kept
after it is read or saved, and used again only after one cheap read (the stored
call's newest event: id and timestamp) finds the store where this server left it.
So another replica's turn, a `make forget`, the retention purge, a save that failed
or a restart (nothing in memory) all lead to a full read, as before.

`save` writes the events after those stored, known from the read or the last save,
in one statement (a transaction when they need several) with no count query. The
tracker handed out is the one kept: it is used again only while it holds exactly the
events stored, so a turn that added events and did not save them (an error, a crash)
is read again. The memory is bounded: the least recently used calls are dropped, and
an ended call is dropped when Twilio reports it (`forget_cached`).
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.orm import Session

from helpdesk import database
from helpdesk.rasa_server.rasa_version import written_for

written_for("3.6", __name__)

DEFAULT_CACHED_CALLS = 1000
T = TypeVar("T")
NEWEST_EVENT = sa.text(
    "SELECT id, timestamp FROM events WHERE sender_id = :sender_id ORDER BY id DESC LIMIT 1"
)
# The columns Rasa's own `save` writes for an event (`_row`).
EVENT_COLUMNS = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")
# Rows per insert statement: far below the bound parameters SQLite (32,766) and
# PostgreSQL (65,535) take in one statement; a turn adds a handful.
ROWS_PER_INSERT = 500


@dataclass
class Kept:
    """A call as this server left it in the store: its tracker (None: the store has no
    event of it), how many of the tracker's events are stored, and the store's mark
    of the call's newest write (what another writer would change): the newest event's
    id and timestamp in SQL, a version number in Redis."""

    tracker: DialogueStateTracker | None
    stored: int
    newest: Hashable

    def usable(self, newest: Hashable) -> bool:
        unchanged_here = self.tracker is None or len(self.tracker.events) == self.stored
        return unchanged_here and newest == self.newest


class KeepsCalls:
    """A store's memory of the calls it served last: at most `cached_calls`, the least
    recently used dropped first."""

    def __init__(self, cached_calls: int) -> None:
        self.cached_calls = cached_calls
        self._kept: OrderedDict[str, Kept] = OrderedDict()

    def _kept_call(self, sender_id: str) -> Kept | None:
        return self._kept.get(sender_id)

    def _used(self, sender_id: str) -> None:
        self._kept.move_to_end(sender_id)

    def _taken(self, tracker: DialogueStateTracker) -> Kept | None:
        """What is kept of the call being saved, if it is this very tracker; the call
        is kept again only once it is saved."""
        kept = self._kept.pop(tracker.sender_id, None)
        return kept if kept is not None and kept.tracker is tracker else None

    def _keep(self, sender_id: str, kept: Kept) -> None:
        self._kept[sender_id] = kept
        self._kept.move_to_end(sender_id)
        while len(self._kept) > self.cached_calls:
            self._kept.popitem(last=False)

    def forget_cached(self, sender_id: str) -> None:
        self._kept.pop(sender_id, None)


class CachedSQLTrackerStore(KeepsCalls, SQLTrackerStore):
    """Rasa's SQL tracker store, reading a call in full only when it moved elsewhere."""

    def __init__(
        self, domain: Domain | None = None, cached_calls: int = DEFAULT_CACHED_CALLS, **kwargs: Any
    ) -> None:
        SQLTrackerStore.__init__(self, domain, **kwargs)
        KeepsCalls.__init__(self, cached_calls)
        self._threads: ThreadPoolExecutor | None = None

    async def _database(self, work: Callable[..., T], *args: Any) -> T:
        """Runs database work. On a database server it runs in a thread of the store's,
        so that a round trip across the network does not hold the event loop; on a
        local SQLite file in place, which `make profile` measured faster (40 calls:
        50-54 turns a second against 41-48 in threads: the hop and the GIL cost more
        than the disk's sync frees, and SQLite takes one writer at a time anyway)."""
        if self.engine.dialect.name == "sqlite":
            return work(*args)
        if self._threads is None:
            # Made on first use: the project's engine replaces Rasa's after __init__.
            self._threads = ThreadPoolExecutor(
                self.engine.pool.size(), thread_name_prefix="tracker-store"
            )
        return await asyncio.get_running_loop().run_in_executor(self._threads, work, *args)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        kept = self._kept_call(sender_id)
        if kept is not None and await self._database(self._fresh, sender_id, kept):
            self._used(sender_id)
            return kept.tracker
        tracker, newest = await self._database(self._read, sender_id)
        self._keep(sender_id, Kept(tracker, len(tracker.events) if tracker else 0, newest))
        return tracker

    def _fresh(self, sender_id: str, kept: Kept) -> bool:
        with database.autocommitted(self.engine) as connection:
            return kept.usable(self._newest(connection, sender_id))

    def _read(self, sender_id: str) -> tuple[DialogueStateTracker | None, tuple[int, float] | None]:
        """Rasa's own read of the call's latest session, and its newest row."""
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
            stored = rows.all()
        if not stored:
            return None, None
        newest = (stored[-1].id, stored[-1].timestamp)
        if not self.domain:
            return None, newest
        events = [json.loads(row.data) for row in stored]
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots), newest

    async def save(self, tracker: DialogueStateTracker) -> None:
        """The turn waits for this, holding the call's lock, so its answer never goes
        out unsaved."""
        sender_id = tracker.sender_id
        known = self._taken(tracker)
        new_events, newest = await self._database(self._write, tracker, known)
        if self.event_broker is not None:
            await self._stream_new_events(self.event_broker, new_events, sender_id)
        if tracker.events.maxlen is None:  # a capped history cannot be counted on
            self._keep(sender_id, Kept(tracker, len(tracker.events), newest))

    def _write(
        self, tracker: DialogueStateTracker, known: Kept | None
    ) -> tuple[list[Event], Hashable]:
        """Writes the events after those stored; they and the newest row. On a
        connection, not an ORM session: a session cost as much as the insert. A turn's
        events known to be new go in as one statement, atomic alone, committed as it
        runs: one round trip to a database server, not three; more go in one
        transaction."""
        if known is None:
            return self._write_counted(tracker)
        new_events = list(tracker.events)[known.stored :]
        one_statement = len(new_events) <= ROWS_PER_INSERT
        with (
            database.autocommitted(self.engine) if one_statement else self.engine.begin()
        ) as connection:
            inserted = self._insert(connection, tracker.sender_id, new_events)
        return new_events, known.newest if inserted is None else inserted

    def _write_counted(self, tracker: DialogueStateTracker) -> tuple[list[Event], Hashable]:
        """A tracker this store did not hand out (a new call's): Rasa's count of the
        stored events finds the new ones, in the insert's transaction."""
        with self.engine.begin() as connection:
            with Session(bind=connection) as session:
                new_events = list(self._additional_events(session, tracker))
            inserted = self._insert(connection, tracker.sender_id, new_events)
            newest = self._newest(connection, tracker.sender_id) if inserted is None else inserted
        return new_events, newest

    @staticmethod
    def _newest(connection: Any, sender_id: str) -> tuple[int, float] | None:
        """The call's newest stored event: one row of Rasa's index on `sender_id`,
        as plain SQL (an ORM query cost as much again to build as to run)."""
        row = connection.execute(NEWEST_EVENT, {"sender_id": sender_id}).first()
        return (row.id, row.timestamp) if row else None

    @staticmethod
    def _insert(connection: Any, sender_id: str, events: list[Event]) -> tuple[int, float] | None:
        """Inserts the events in order, a turn's in one statement; the newest one's id
        and timestamp. Plain SQL, made once per number of rows: SQLAlchemy built and
        keyed an insert of the same rows in as much time as the database ran it."""
        if not events:
            return None
        rows = [_row(sender_id, event) for event in events]
        ids: list[int] = []
        for start in range(0, len(rows), ROWS_PER_INSERT):
            chunk = rows[start : start + ROWS_PER_INSERT]
            values = {
                f"{column}_{n}": row[column]
                for n, row in enumerate(chunk)
                for column in EVENT_COLUMNS
            }
            ids.extend(connection.execute(_insert_returning_ids(len(chunk)), values).scalars())
        return max(ids), rows[-1]["timestamp"]


@functools.lru_cache(maxsize=64)
def _insert_returning_ids(rows: int) -> sa.TextClause:
    """`INSERT INTO events ... VALUES (...), (...) RETURNING id` for `rows` events
    (PostgreSQL, and SQLite from 3.35)."""
    columns = ", ".join(EVENT_COLUMNS)
    values = ", ".join(
        "(" + ", ".join(f":{column}_{n}" for column in EVENT_COLUMNS) + ")" for n in range(rows)
    )
    return sa.text(f"INSERT INTO events ({columns}) VALUES {values} RETURNING id")


def _row(sender_id: str, event: Event) -> dict[str, Any]:
    """The columns Rasa's own `save` writes for an event."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


def forget_cached(tracker_store: TrackerStore, sender_id: str) -> None:
    """Drops an ended call from the store's memory, if it keeps calls in memory."""
    store = innermost(tracker_store)
    if isinstance(store, KeepsCalls):
        store.forget_cached(sender_id)


def innermost(tracker_store: TrackerStore) -> TrackerStore:
    """The store inside Rasa's fail-safe and awaitable wrappers."""
    while isinstance(getattr(tracker_store, "_tracker_store", None), TrackerStore):
        tracker_store = tracker_store._tracker_store
    return tracker_store


def turn_was_not_saved(tracker_store: TrackerStore, sender_id: str) -> bool:
    """Whether the conversation's last turn could not be written to the tracker store.

    Rasa wraps the store in a FailSafeTrackerStore, which keeps a tracker it could not
    save in memory and goes on: the next turn would then be read from the store
    without it, and the caller's next answer would land on the previous question.
    Taken out of that memory here, so each turn is judged on its own.
    """
    fallback = getattr(tracker_store, "_fallback_tracker_store", None)
    if not isinstance(fallback, InMemoryTrackerStore):
        return False
    return fallback.store.pop(sender_id, None) is not None
