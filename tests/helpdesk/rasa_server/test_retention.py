"""Conversations are deleted after the retention period, and one caller's on request."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.tracker_store import RedisTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from helpdesk.rasa_server.retention import (
    SECONDS_PER_DAY,
    forget_caller,
    purge_expired,
    retention_days,
)
from helpdesk.rasa_server.stores import configured_tracker_store
from tests.support.redis_server import running_redis

DOMAIN = Domain.from_dict({"slots": {"email": {"type": "text", "mappings": []}}})
NOW = time.time()


def save_call(store: TrackerStore, call_sid: str, caller: str, email: str, age_days: float) -> None:
    said = NOW - age_days * SECONDS_PER_DAY
    events = [
        UserUttered("check my tickets", metadata={"From": caller}, timestamp=said),
        SlotSet("email", email, timestamp=said + 1),
    ]
    asyncio.run(store.save(DialogueStateTracker.from_events(call_sid, events, DOMAIN.slots)))


def kept(store: TrackerStore) -> list[str]:
    return sorted(asyncio.run(store.keys()))


@pytest.fixture
def sql_store(conversations_in: str) -> SQLTrackerStore:
    """The project's SQL tracker store, on SQLite and on PostgreSQL."""
    store = configured_tracker_store(DOMAIN)
    assert isinstance(store, SQLTrackerStore)
    return store


@pytest.fixture
def redis_store(tmp_path: Path) -> Iterator[RedisTrackerStore]:
    with running_redis(tmp_path) as url, pytest.MonkeyPatch.context() as environment:
        environment.setenv("REDIS_URL", url)
        store = configured_tracker_store(DOMAIN)
        assert isinstance(store, RedisTrackerStore)
        yield store


def test_conversations_past_the_retention_period_are_deleted(sql_store: SQLTrackerStore) -> None:
    save_call(sql_store, "CAold", "+15005550101", "old@example.com", age_days=31)
    save_call(sql_store, "CArecent", "+15005550102", "new@example.com", age_days=29)
    assert purge_expired(sql_store, days=30, now=NOW) == 1
    assert kept(sql_store) == ["CArecent"]


def test_forgetting_a_number_or_an_address_deletes_only_that_callers_calls(
    sql_store: SQLTrackerStore,
) -> None:
    save_call(sql_store, "CAa", "+15005550101", "mary_ann@example.com", age_days=1)
    save_call(sql_store, "CAb", "+15005550102", "maryxann@example.com", age_days=1)
    save_call(sql_store, "CAc", "+15005550103", "other@example.com", age_days=1)
    assert forget_caller(sql_store, email="Mary_Ann@example.com") == ["CAa"]
    assert forget_caller(sql_store, phone="+1500555010") == []  # a prefix of two numbers
    assert forget_caller(sql_store, phone="+15005550103") == ["CAc"]
    assert kept(sql_store) == ["CAb"]


@pytest.mark.servers
def test_redis_trackers_expire_and_can_be_forgotten(redis_store: RedisTrackerStore) -> None:
    assert redis_store.record_exp == 30 * SECONDS_PER_DAY
    save_call(redis_store, "CAa", "+15005550101", "a@example.com", age_days=0)
    save_call(redis_store, "CAb", "+15005550102", "b@example.com", age_days=0)
    assert 0 < redis_store.red.ttl(f"{redis_store.key_prefix}CAa") <= 30 * SECONDS_PER_DAY
    assert forget_caller(redis_store, phone="+15005550101") == ["CAa"]
    # Rasa's Redis store lists its keys with their prefix.
    assert kept(redis_store) == [f"{redis_store.key_prefix}CAb"]


def test_the_retention_period_comes_from_the_environment() -> None:
    assert retention_days({}) == 30
    assert retention_days({"CONVERSATION_RETENTION_DAYS": "7"}) == 7
    with pytest.raises(ValueError, match="CONVERSATION_RETENTION_DAYS=0: must be above 0"):
        retention_days({"CONVERSATION_RETENTION_DAYS": "0"})
