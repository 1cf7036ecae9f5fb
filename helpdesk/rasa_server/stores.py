"""Tracker and lock stores chosen from the environment, named in endpoints.yml.

Without `REDIS_URL`: Rasa's SQL tracker store on `DATABASE_URL` (a SQLite file,
`TRACKER_STORE_DB`, without it), keeping the calls it served last in memory
(`cached_trackers`), and an in-memory lock store, for one server. With
`REDIS_URL`: Rasa's Redis tracker and lock stores, so that several server replicas can
serve any turn of any call, the tracker store keeping calls in memory the same way
(`cached_redis_trackers`); `REDIS_URL` wins over `DATABASE_URL` for conversations.
Either way conversations are deleted after `CONVERSATION_RETENTION_DAYS` (`retention`).
The Redis lock store is Rasa's with atomic changes (`atomic_redis_locks`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from rasa.core.brokers.broker import EventBroker
from rasa.core.lock_store import InMemoryLockStore, LockStore
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from helpdesk import database
from helpdesk import environment as env
from helpdesk import variables as names
from helpdesk.rasa_server.atomic_redis_locks import AtomicRedisLockStore
from helpdesk.rasa_server.cached_redis_trackers import CachedRedisTrackerStore
from helpdesk.rasa_server.cached_trackers import DEFAULT_CACHED_CALLS, CachedSQLTrackerStore
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


def conversations_url() -> URL | None:
    """The database of the conversations; None when they live in Redis."""
    if env.text(names.REDIS_URL):
        return None
    return database.configured_url(env.text(names.TRACKER_STORE_DB, DEFAULT_TRACKER_DB))


def configured_tracker_store(
    domain: Domain, event_broker: EventBroker | None = None
) -> TrackerStore:
    """Redis when `REDIS_URL` is set, each tracker expiring after the retention period;
    else the SQL store on `DATABASE_URL` or the `TRACKER_STORE_DB` file."""
    redis_url = env.url(names.REDIS_URL, schemes=REDIS_SCHEMES)
    if redis_url:
        return CachedRedisTrackerStore(
            domain,
            cached_calls=cached_calls(),
            event_broker=event_broker,
            record_exp=round(retention_days() * SECONDS_PER_DAY),
            **redis_settings(redis_url),
        )
    url = conversations_url()
    assert url is not None
    reachable(url)
    store = CachedSQLTrackerStore(
        domain,
        cached_calls=cached_calls(),
        dialect=url.get_backend_name(),
        host=url.host,
        port=url.port,
        db=url.database or DEFAULT_TRACKER_DB,
        username=url.username,
        password=url.password,
        query=dict(url.query),
        event_broker=event_broker,
    )
    # Rasa's engine keeps up to 150 connections a process; the project's is bounded,
    # times out and checks a pooled connection before use (helpdesk/database.py).
    store.engine.dispose()
    store.engine = database.engine(url)
    store.sessionmaker = sessionmaker(bind=store.engine)
    return store


def cached_calls() -> int:
    """TRACKER_CACHE_CALLS: how many calls a server keeps in memory between turns."""
    return env.integer(names.TRACKER_CACHE_CALLS, DEFAULT_CACHED_CALLS, minimum=0)


def reachable(url: URL) -> None:
    """Stops the server, naming the setting, when the conversations' database cannot be
    reached: Rasa would otherwise retry forever, or (on an error it does not expect)
    fall back to keeping conversations in memory, where a restart loses them. SystemExit
    is the one error Rasa's store creation does not catch."""
    try:
        with database.engine(url).connect():
            return
    except SQLAlchemyError as error:
        raise SystemExit(
            f"The Rasa server will not start: cannot reach the conversations' database "
            f"{database.masked(url)} ({names.DATABASE_URL}): {database.failure(error)}"
        ) from None


class LockStoreFromEnvironment:
    """Redis locks when `REDIS_URL` is set, so replicas take turns on a conversation."""

    def __new__(cls, endpoint_config: EndpointConfig | None = None) -> LockStore:
        redis_url = env.url(names.REDIS_URL, schemes=REDIS_SCHEMES)
        if redis_url:
            return AtomicRedisLockStore(**redis_settings(redis_url))
        return InMemoryLockStore()
