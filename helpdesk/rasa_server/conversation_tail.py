"""Reading a conversation from Rasa 3.6's tracker stores without loading all of it.

Workaround: Rasa's `TrackerStore.retrieve` reads and deserialises every event of a
conversation. A channel that needs only the last exchange reads the newest rows of
`SQLTrackerStore`'s events table instead. It reaches inside Rasa's `FailSafeTrackerStore`
and `AwaitableTrackerStore` wrappers (their private `_tracker_store` and
`_fallback_tracker_store`), which is why the Rasa version is checked.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.events import Event, SessionStarted, UserUttered

from helpdesk.rasa_server.rasa_version import written_for

written_for("3.6", __name__)

# A turn seldom leaves more than a handful of events; past this many, the whole
# tracker is read.
TAIL_EVENTS = 50


def tail_of_conversation(tracker_store: TrackerStore, sender_id: str) -> list[Event] | None:
    """The conversation's events back to its latest user turn or session start, read
    from the end of the SQL events table; None where that cannot be done (another
    store, a longer tail, a failing database): read the whole tracker then.

    Rasa reads and deserialises every event of the call for the turn itself; reading
    them all once more for a channel cost 13 % of the server's CPU under 40 calls (py-spy).
    """
    store = _innermost(tracker_store)
    if not isinstance(store, SQLTrackerStore):
        return None
    try:
        with store.session_scope() as session:
            rows = (
                session.query(store.SQLEvent.data)
                .filter(store.SQLEvent.sender_id == sender_id)
                .order_by(store.SQLEvent.id.desc())
                .limit(TAIL_EVENTS)
                .all()
            )
    except Exception:  # the wrapped store reports and handles its own failures
        return None
    return _back_to_last_turn([json.loads(row.data) for row in rows], len(rows) < TAIL_EVENTS)


def _back_to_last_turn(
    newest_first: Sequence[dict[str, Any]], complete: bool
) -> list[Event] | None:
    tail: list[Event] = []
    for serialised in newest_first:
        if serialised.get("event") == SessionStarted.type_name:
            return tail
        event = Event.from_parameters(serialised)
        if event is not None:
            tail.insert(0, event)
        if isinstance(event, UserUttered):
            return tail
    return tail if complete else None


def _innermost(tracker_store: TrackerStore) -> TrackerStore:
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
