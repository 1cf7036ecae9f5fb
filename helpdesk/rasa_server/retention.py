"""How long callers' conversations are kept, and forgetting one caller on request.

A call's tracker holds what the caller said: addresses, descriptions, numbers and
where they called from. It is kept for `CONVERSATION_RETENTION_DAYS` (30) after the
call's last turn and then deleted: Redis lets each tracker expire (set when it is
saved); the SQL store is purged by `purge_expired`, which the Rasa server runs every
hour. `forget_caller` deletes every conversation of one phone number or address
(`make forget`).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from rasa.core.tracker_store import RedisTrackerStore, SQLTrackerStore, TrackerStore

from helpdesk import environment as env
from helpdesk import variables as names

logger = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 30
PURGE_EVERY_SECONDS = 3600
SECONDS_PER_DAY = 86400


def retention_days(environ: Mapping[str, str] = os.environ) -> float:
    """CONVERSATION_RETENTION_DAYS: days a conversation is kept after its last turn."""
    return env.positive(names.CONVERSATION_RETENTION_DAYS, DEFAULT_RETENTION_DAYS, environ)


def purge_expired(store: SQLTrackerStore, days: float, now: float | None = None) -> int:
    """Deletes the conversations whose last event is older than `days`; returns how many."""
    cutoff = (now or time.time()) - days * SECONDS_PER_DAY
    with store.engine.begin() as connection:
        expired = [
            row[0]
            for row in connection.execute(
                sa.text(
                    "SELECT sender_id FROM events GROUP BY sender_id"
                    " HAVING max(timestamp) < :cutoff"
                ),
                {"cutoff": cutoff},
            )
        ]
        _delete_senders(connection, expired)
    return len(expired)


def forget_caller(store: TrackerStore, phone: str = "", email: str = "") -> list[str]:
    """Deletes every conversation that came from `phone` or mentions `email`.

    Returns the deleted conversation IDs (call SIDs), for the operator's record.
    """
    needles = _needles(phone, email)
    if isinstance(store, SQLTrackerStore):
        return _forget_in_sql(store, needles)
    if isinstance(store, RedisTrackerStore):
        return _forget_in_redis(store, needles)
    raise TypeError(f"Cannot forget callers in a {type(store).__name__}")


def _needles(phone: str, email: str) -> list[str]:
    """How the caller appears in stored events: the calling number as a whole JSON value
    (a shorter number must not match a longer one), the address anywhere in a text."""
    needles = [json.dumps(phone.strip())] if phone.strip() else []
    needles += [json.dumps(email.strip().lower())[1:-1]] if email.strip() else []
    if not needles:
        raise ValueError("Give a phone number or an email address to forget")
    return needles


def _forget_in_sql(store: SQLTrackerStore, needles: Iterable[str]) -> list[str]:
    with store.engine.begin() as connection:
        senders: set[str] = set()
        for needle in needles:
            rows = connection.execute(
                sa.text(
                    "SELECT DISTINCT sender_id FROM events"
                    " WHERE lower(data) LIKE :needle ESCAPE '\\'"
                ),
                {"needle": f"%{_like_literal(needle.lower())}%"},
            )
            senders.update(row[0] for row in rows)
        _delete_senders(connection, sorted(senders))
    return sorted(senders)


def _like_literal(text: str) -> str:
    """Text matched as itself in LIKE: "mary_ann" must not match "maryxann"."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _forget_in_redis(store: RedisTrackerStore, needles: Iterable[str]) -> list[str]:
    forgotten: list[str] = []
    lowered = [needle.lower() for needle in needles]
    for key in store.red.scan_iter(f"{store.key_prefix}*"):
        serialised = _text(store.red.get(key))
        if any(needle in serialised.lower() for needle in lowered):
            store.red.delete(key)
            forgotten.append(_text(key)[len(store.key_prefix) :])
    return sorted(forgotten)


def _text(value: bytes | str | None) -> str:
    """Redis answers bytes or text, as the client was created."""
    return value.decode("utf-8") if isinstance(value, bytes) else value or ""


def _delete_senders(connection: sa.engine.Connection, senders: list[str]) -> None:
    for sender in senders:
        connection.execute(sa.text("DELETE FROM events WHERE sender_id = :s"), {"s": sender})


class PurgeWorker(threading.Thread):
    """Purges expired conversations from the SQL store in the Rasa server's background."""

    def __init__(self, store: SQLTrackerStore, days: float) -> None:
        super().__init__(name="conversation-retention", daemon=True)
        self._store = store
        self._days = days
        self._stopped = threading.Event()

    def run(self) -> None:
        while True:
            try:
                purged = purge_expired(self._store, self._days)
                if purged:
                    logger.info("Deleted %d conversations older than %g days", purged, self._days)
            except Exception:
                logger.exception("Purging expired conversations failed")
            if self._stopped.wait(PURGE_EVERY_SECONDS):
                return

    def stop(self) -> None:
        self._stopped.set()
