"""Where the store tests keep conversations: a SQLite file, PostgreSQL, and Redis."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy.engine import make_url

from helpdesk import database
from tests.support.databases import BACKENDS
from tests.support.redis_server import running_redis


@pytest.fixture(params=BACKENDS)
def conversations_in(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """Sets the environment as a deploy would (`TRACKER_STORE_DB`, or `DATABASE_URL`)
    and yields where the conversations are."""
    yield from conversations_on(request.param, request, tmp_path, monkeypatch)


def conversations_on(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    monkeypatch.setenv("REDIS_URL", "")
    if backend == "sqlite":
        monkeypatch.setenv("DATABASE_URL", "")
        monkeypatch.setenv("TRACKER_STORE_DB", str(tmp_path / "tracker.db"))
        yield str(tmp_path / "tracker.db")
        return
    server = request.getfixturevalue("postgres")
    url = server.create_database(f"conversations_{uuid.uuid4().hex[:12]}")
    monkeypatch.setenv("DATABASE_URL", url)
    yield url
    database.engine(make_url(url)).dispose()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Redis for the session (started only if a test needs it)."""
    with running_redis(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(params=[*BACKENDS, pytest.param("redis", marks=pytest.mark.servers)])
def calls_kept_in(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """Sets the environment for the conversations in a SQLite file, PostgreSQL or an
    emptied Redis, as a deploy would, and yields which."""
    monkeypatch.setenv("CONVERSATION_RETENTION_DAYS", "30")
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        redis.Redis.from_url(url).flushdb()
        monkeypatch.setenv("REDIS_URL", url)
        yield "redis"
        return
    yield from conversations_on(request.param, request, tmp_path, monkeypatch)
