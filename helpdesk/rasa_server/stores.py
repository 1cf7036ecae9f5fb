"""Tracker and lock stores chosen from the environment, named in endpoints.yml.

Without `REDIS_URL`: the SQL tracker store (SQLite by default) and an in-memory lock
store, for one server. With `REDIS_URL`: Rasa's Redis tracker and lock stores, so that
several server replicas can serve any turn of any call. Either way conversations are
deleted after `CONVERSATION_RETENTION_DAYS` (`retention`). The Redis lock store is
Rasa's with atomic changes (`atomic_redis_locks`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from rasa.core.brokers.broker import EventBroker
from rasa.core.lock_store import InMemoryLockStore, LockStore
from rasa.core.tracker_store import RedisTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from helpdesk import environment as env
from helpdesk import variables as names
from helpdesk.rasa_server.atomic_redis_locks import AtomicRedisLockStore
from helpdesk.rasa_server.retention import SECONDS_PER_DAY, PurgeWorker, retention_days


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


DEFAULT_TRACKER_DB = "var/tracker.db"
REDIS_SCHEMES = ("redis", "rediss")


def uses_sqlite_file() -> bool:
    """Whether the conversations are in a SQLite file (no Redis, the default dialect)."""
    dialect = env.text(names.TRACKER_STORE_DIALECT, "sqlite")
    return not env.text(names.REDIS_URL) and dialect == "sqlite"


def configured_tracker_store(
    domain: Domain, event_broker: EventBroker | None = None
) -> TrackerStore:
    """Redis when `REDIS_URL` is set, each tracker expiring after the retention period;
    else the SQL store of the `TRACKER_STORE_*` settings."""
    redis_url = env.url(names.REDIS_URL, schemes=REDIS_SCHEMES)
    if redis_url:
        return RedisTrackerStore(
            domain,
            event_broker=event_broker,
            record_exp=round(retention_days() * SECONDS_PER_DAY),
            **redis_settings(redis_url),
        )
    return SQLTrackerStore(
        domain,
        dialect=env.text(names.TRACKER_STORE_DIALECT, "sqlite"),
        host=env.text(names.TRACKER_STORE_HOST) or None,
        db=env.text(names.TRACKER_STORE_DB, DEFAULT_TRACKER_DB),
        username=env.text(names.TRACKER_STORE_USER) or None,
        password=env.text(names.TRACKER_STORE_PASSWORD) or None,
        event_broker=event_broker,
    )


class LockStoreFromEnvironment:
    """Redis locks when `REDIS_URL` is set, so replicas take turns on a conversation."""

    def __new__(cls, endpoint_config: EndpointConfig | None = None) -> LockStore:
        redis_url = env.url(names.REDIS_URL, schemes=REDIS_SCHEMES)
        if redis_url:
            return AtomicRedisLockStore(**redis_settings(redis_url))
        return InMemoryLockStore()
