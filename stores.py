"""Tracker and lock stores chosen from the environment, named in endpoints.yml.

Without `REDIS_URL`: the SQL tracker store (SQLite by default) and an in-memory lock
store, for one server. With `REDIS_URL`: Rasa's Redis tracker and lock stores, so that
several server replicas can serve any turn of any call. Either way conversations are
deleted after `CONVERSATION_RETENTION_DAYS` (retention.py).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import redis
from rasa.core.brokers.broker import EventBroker
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.tracker_store import RedisTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from retention import SECONDS_PER_DAY, PurgeWorker, retention_days


def redis_settings(url: str) -> dict[str, Any]:
    """`redis://:secret@host:6380/2` -> host, port, db, password and TLS for Rasa's stores."""
    parsed = urlparse(url)
    return {
        "host": parsed.hostname or "localhost",
        "port": parsed.port or 6379,
        "db": int(parsed.path.lstrip("/") or 0),
        "password": parsed.password,
        "use_ssl": parsed.scheme == "rediss",
    }


class TrackerStoreFromEnvironment:
    """Rasa instantiates this by module path; it hands back the configured store."""

    def __new__(
        cls,
        domain: Domain,
        event_broker: EventBroker | None = None,
        **_endpoint_settings: Any,
    ) -> TrackerStore:
        store = configured_tracker_store(domain, event_broker)
        if isinstance(store, SQLTrackerStore):
            PurgeWorker(store, retention_days()).start()
        return store


def configured_tracker_store(
    domain: Domain, event_broker: EventBroker | None = None
) -> TrackerStore:
    """Redis when `REDIS_URL` is set, each tracker expiring after the retention period;
    else the SQL store of the `TRACKER_STORE_*` settings."""
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url:
        return RedisTrackerStore(
            domain,
            event_broker=event_broker,
            record_exp=round(retention_days() * SECONDS_PER_DAY),
            **redis_settings(redis_url),
        )
    return SQLTrackerStore(
        domain,
        dialect=os.environ.get("TRACKER_STORE_DIALECT", "sqlite"),
        host=os.environ.get("TRACKER_STORE_HOST") or None,
        db=os.environ.get("TRACKER_STORE_DB", "var/tracker.db"),
        username=os.environ.get("TRACKER_STORE_USER") or None,
        password=os.environ.get("TRACKER_STORE_PASSWORD") or None,
        event_broker=event_broker,
    )


class LockStoreFromEnvironment:
    """Redis locks when `REDIS_URL` is set, so replicas take turns on a conversation."""

    def __new__(cls, endpoint_config: EndpointConfig | None = None) -> LockStore:
        redis_url = os.environ.get("REDIS_URL", "")
        if redis_url:
            return AtomicRedisLockStore(**redis_settings(redis_url))
        return InMemoryLockStore()


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's Redis lock store with every change to a lock made atomically.

    Rasa 3.6 reads a lock, changes it and writes it back. Two replicas doing that at
    once can hand out the same ticket or drop each other's, and then both process one
    conversation and one of them overwrites the other's turn (seen in
    tests/test_scale_out.py). Here each change runs in a Redis WATCH/MULTI transaction.
    """

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        issued: list[int] = []

        def issue(lock: TicketLock | None) -> TicketLock:
            lock = lock or TicketLock(conversation_id)
            issued.append(lock.issue_ticket(lock_lifetime))
            return lock

        self._change(conversation_id, issue)
        return issued[-1]

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> TicketLock | None:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._change(conversation_id, _without_ticket(ticket_number, keep_when_idle=True))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        self._change(conversation_id, _without_ticket(ticket_number, keep_when_idle=False))

    def _change(
        self, conversation_id: str, change: Callable[[TicketLock | None], TicketLock | None]
    ) -> None:
        """Applies `change` to the stored lock, retrying when another replica got there first."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(stored)) if stored else None
                    changed = change(lock)
                    pipe.multi()
                    if changed is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, changed.dumps())
                    pipe.execute()
                    return
                except redis.WatchError:
                    continue


def _without_ticket(
    ticket_number: int, keep_when_idle: bool
) -> Callable[[TicketLock | None], TicketLock | None]:
    def remove(lock: TicketLock | None) -> TicketLock | None:
        if lock is None:
            return None
        lock.remove_ticket_for(ticket_number)
        return lock if keep_when_idle or lock.is_someone_waiting() else None

    return remove
