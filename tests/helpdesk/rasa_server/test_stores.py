"""Stores come from the environment: SQLite alone, Redis shared by replicas."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import RedisTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain

from helpdesk.rasa_server.stores import (
    AtomicRedisLockStore,
    LockStoreFromEnvironment,
    TrackerStoreFromEnvironment,
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


def test_without_redis_one_server_keeps_conversations_in_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("TRACKER_STORE_DIALECT", "sqlite")
    monkeypatch.setenv("TRACKER_STORE_DB", str(tmp_path / "tracker.db"))
    assert isinstance(TrackerStoreFromEnvironment(Domain.empty()), SQLTrackerStore)
    assert isinstance(LockStoreFromEnvironment(), InMemoryLockStore)


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
