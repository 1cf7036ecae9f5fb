"""With Redis, a turn on the server that kept the call reads no call; expiry applies to
everything written; a call of several sessions keeps them all. (What every store does:
test_cached_trackers.py.)"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from helpdesk.rasa_server.cached_redis_trackers import CachedRedisTrackerStore
from helpdesk.rasa_server.stores import configured_tracker_store
from tests.helpdesk.rasa_server.test_cached_trackers import CALL, DOMAIN, take_turn, turn
from tests.support.redis_server import running_redis

pytestmark = pytest.mark.servers


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_redis(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def replicas(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Makes the stores of Rasa servers sharing the test Redis (each: another replica)."""
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("CONVERSATION_RETENTION_DAYS", "30")
    redis.Redis.from_url(redis_url).flushdb()

    def replica(cached_calls: int = 10) -> CachedRedisTrackerStore:
        store = configured_tracker_store(DOMAIN)
        assert isinstance(store, CachedRedisTrackerStore)
        store.cached_calls = cached_calls
        return store

    yield replica


def commands_since_reset(client: redis.Redis) -> dict[str, int]:
    """The commands Redis ran since its statistics were reset, as it counts them."""
    stats = client.info("commandstats")
    return {
        name.removeprefix("cmdstat_").upper(): int(stat["calls"])
        for name, stat in stats.items()
        if not name.removeprefix("cmdstat_").startswith(("config", "info"))
    }


def stored_texts(replica: Any) -> list[str]:
    tracker = asyncio.run(replica(cached_calls=0).retrieve(CALL))
    return [e.text for e in tracker.events if isinstance(e, UserUttered)] if tracker else []


def test_the_next_turn_on_the_same_server_reads_no_call(replicas: Any) -> None:
    store = replicas()
    saved = take_turn(store, "my printer is jammed", "What is your email?")
    store.red.config_resetstat()

    retrieved = asyncio.run(store.retrieve(CALL))
    assert retrieved is saved
    for event in turn("kim at example dot com", "Is that right?"):
        retrieved.update(event)
    asyncio.run(store.save(retrieved))

    # The version and whether the call is stored, then one write: no GET of the call.
    assert commands_since_reset(store.red) == {
        "GET": 1,
        "EXISTS": 1,
        "MULTI": 1,
        "SET": 1,
        "INCRBY": 1,
        "EXPIRE": 1,
        "EXEC": 1,
    }
    assert stored_texts(replicas) == ["my printer is jammed", "kim at example dot com"]


def test_an_expired_call_is_never_served_from_memory(replicas: Any) -> None:
    serving = replicas()
    take_turn(serving, "my printer is jammed", "What is your email?")
    serving.red.delete(serving.key_prefix + CALL)  # what Redis does when it expires
    assert asyncio.run(serving.retrieve(CALL)) is None


def test_every_write_expires_with_the_call(replicas: Any) -> None:
    store = replicas()
    take_turn(store, "my printer is jammed", "What is your email?")

    ttls = [store.red.ttl(store.key_prefix + CALL), store.red.ttl(store.version_key(CALL))]

    assert all(29 * 86400 < ttl <= 30 * 86400 for ttl in ttls)


def test_a_call_of_two_sessions_keeps_both_when_saved(replicas: Any) -> None:
    store = replicas()
    earlier = DialogueStateTracker.from_events(CALL, turn("hello", "Hi."), DOMAIN.slots)
    earlier.update(ActionExecuted(ACTION_SESSION_START_NAME))
    earlier.update(SessionStarted())
    for event in turn("my printer is jammed", "What is your email?"):
        earlier.update(event)
    asyncio.run(store.save(earlier))

    tracker = take_turn(store, "kim at example dot com", "Is that right?")

    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == [
        "my printer is jammed",
        "kim at example dot com",
    ]
    full = asyncio.run(store.retrieve_full_tracker(CALL))
    assert full is not None
    assert [e.text for e in full.events if isinstance(e, UserUttered)] == [
        "hello",
        "my printer is jammed",
        "kim at example dot com",
    ]


def test_the_version_key_is_no_conversation(replicas: Any) -> None:
    store = replicas()
    take_turn(store, "my printer is jammed", "What is your email?")

    assert list(asyncio.run(store.keys())) == [store.key_prefix + CALL]
