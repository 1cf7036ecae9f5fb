"""Stores come from the environment: a SQL database (a SQLite file or PostgreSQL), or
Redis shared by replicas."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import redis
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import RedisTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from helpdesk import database
from helpdesk.rasa_server.stores import (
    AtomicRedisLockStore,
    LockStoreFromEnvironment,
    TrackerStoreFromEnvironment,
    conversations_url,
    redis_settings,
)
from tests.support.redis_server import running_redis


def test_redis_urls_become_store_settings() -> None:
    assert redis_settings("rediss://:s3cret@cache.internal:6380/2") == {
        "host": "cache.internal",
        "port": 6380,
        "db": 2,
        "password": "s3cret",
        "use_ssl": True,
    }
    assert redis_settings("redis://localhost")["port"] == 6379


def test_without_redis_conversations_are_in_the_sql_database(
    conversations_in: str,
) -> None:
    store = TrackerStoreFromEnvironment(Domain.empty())
    assert isinstance(store, SQLTrackerStore)
    assert isinstance(LockStoreFromEnvironment(), InMemoryLockStore)
    # The project's engine: a bounded pool, on the database the environment names.
    assert store.engine is database.engine(conversations_url())
    tracker = DialogueStateTracker.from_events(
        "CA1",
        [
            UserUttered("my printer is jammed"),
            ActionExecuted("utter_ask_email"),
            BotUttered("What is your email address?"),
            UserUttered("kim at example dot com"),
            ActionExecuted("action_listen"),
        ],
    )
    asyncio.run(store.save(tracker))
    assert asyncio.run(store.retrieve("CA1")).latest_message.text == "kim at example dot com"


@pytest.mark.servers
def test_with_redis_both_stores_are_shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with running_redis(tmp_path) as url:
        monkeypatch.setenv("REDIS_URL", url)
        assert isinstance(TrackerStoreFromEnvironment(Domain.empty()), RedisTrackerStore)
        locks = LockStoreFromEnvironment()
        assert isinstance(locks, AtomicRedisLockStore)
        first = locks.issue_ticket("call")
        second = locks.issue_ticket("call")
        assert second == first + 1
        locks.cleanup("call", first)
        assert locks.get_lock("call") is not None
        locks.cleanup("call", second)
        assert locks.get_lock("call") is None
        assert redis.Redis.from_url(url).keys("lock:*") == []


def test_an_unreachable_conversations_database_stops_the_server_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REDIS_URL", "")
    monkeypatch.setenv("DATABASE_URL", "postgresql://desk:s3cret@127.0.0.1:1/helpdesk")
    with pytest.raises(SystemExit) as stopped:
        TrackerStoreFromEnvironment(Domain.empty())
    message = str(stopped.value)
    assert "cannot reach the conversations' database postgresql://desk:***@127.0.0.1:1" in message
    assert "(DATABASE_URL)" in message and "s3cret" not in message
