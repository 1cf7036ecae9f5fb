"""Rasa 3.6's Redis tracker store with the calls this server served last kept in memory.

Workaround: `RedisTrackerStore.retrieve` reads and deserialises the whole call on every
turn, and `save` reads and deserialises it once more to merge it before writing it
back. Rasa's format, one value a call, leaves no way to write only what is new, but
the reads can go: every save also increments the call's version key, in the same
transaction, and a turn uses the tracker this server kept only after one round trip
finds that version where this server left it and the call still stored. So another
replica's turn, `make forget`, the call's expiry, a save that failed or a restart
(nothing in memory) all lead to a full read, as before.

A call with more than one conversation session is not kept: Rasa hands out its last
session, and `save` reads the earlier ones back to merge them, as Rasa's does.
"""

from __future__ import annotations

import itertools
from typing import Any

from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import (
    DialogueStateTracker,
    get_trackers_for_conversation_sessions,
)

from helpdesk.rasa_server.cached_trackers import DEFAULT_CACHED_CALLS, KeepsCalls, Kept
from helpdesk.rasa_server.rasa_version import written_for

written_for("3.6", __name__)

# Outside Rasa's "tracker:" keys, which its `keys()` and the operator's `forget` list.
VERSION_PREFIX = "tracker_version:"


class CachedRedisTrackerStore(KeepsCalls, RedisTrackerStore):
    """Rasa's Redis tracker store, reading a call in full only when it moved elsewhere."""

    def __init__(
        self, domain: Domain | None = None, cached_calls: int = DEFAULT_CACHED_CALLS, **kwargs: Any
    ) -> None:
        RedisTrackerStore.__init__(self, domain, **kwargs)
        KeepsCalls.__init__(self, cached_calls)

    def version_key(self, sender_id: str) -> str:
        return VERSION_PREFIX + self.key_prefix + sender_id

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        key, version_key = self.key_prefix + sender_id, self.version_key(sender_id)
        kept = self._kept_call(sender_id)
        if kept is not None:
            checking = self.red.pipeline(transaction=False).get(version_key).exists(key)
            version, stored = checking.execute()
            if stored and kept.usable(int(version) if version is not None else None):
                self._used(sender_id)
                return kept.tracker
        serialised, version = (
            self.red.pipeline(transaction=True).get(key).get(version_key).execute()
        )
        tracker = self.deserialise_tracker(sender_id, serialised) if serialised else None
        if tracker is None:
            return None
        if not one_session(tracker):
            return get_trackers_for_conversation_sessions(tracker)[-1]  # Rasa's last session
        if version is not None:
            self._keep(sender_id, Kept(tracker, len(tracker.events), int(version)))
        return tracker

    async def save(self, tracker: DialogueStateTracker, timeout: float | None = None) -> None:
        """Rasa's save, without reading the call back when this server knows what is
        stored: the tracker it handed out, with the stored events first."""
        sender_id = tracker.sender_id
        known = self._taken(tracker)
        timeout = timeout or self.record_exp
        merged = tracker
        if known is None:
            await self.stream_events(tracker)
            stored = self.red.get(self.key_prefix + sender_id)
            prior = self.deserialise_tracker(sender_id, stored) if stored else None
            merged = self._merge_trackers(prior, tracker) if prior else tracker
        elif self.event_broker is not None:
            new_events = list(tracker.events)[known.stored :]
            await self._stream_new_events(self.event_broker, new_events, sender_id)
        writing = self.red.pipeline(transaction=True)
        writing.set(self.key_prefix + sender_id, self.serialise_tracker(merged), ex=timeout)
        writing.incr(self.version_key(sender_id))
        if timeout:
            writing.expire(self.version_key(sender_id), int(timeout))
        version = writing.execute()[1]
        if merged is tracker and tracker.events.maxlen is None and one_session(tracker):
            self._keep(sender_id, Kept(tracker, len(tracker.events), int(version)))


def one_session(tracker: DialogueStateTracker) -> bool:
    """Whether the tracker holds one conversation session, as Rasa splits them: no
    session starts after its first event."""
    return not any(
        isinstance(event, ActionExecuted) and event.action_name == ACTION_SESSION_START_NAME
        for event in itertools.islice(tracker.events, 1, None)
    )
