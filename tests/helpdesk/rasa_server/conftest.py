"""The conversations' database for the store tests: a SQLite file, then PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from helpdesk import database
from tests.support.databases import BACKENDS


@pytest.fixture(params=BACKENDS)
def conversations_in(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """Sets the environment as a deploy would (`TRACKER_STORE_DB`, or `DATABASE_URL`)
    and yields where the conversations are."""
    monkeypatch.setenv("REDIS_URL", "")
    if request.param == "sqlite":
        monkeypatch.setenv("DATABASE_URL", "")
        monkeypatch.setenv("TRACKER_STORE_DB", str(tmp_path / "tracker.db"))
        yield str(tmp_path / "tracker.db")
        return
    server = request.getfixturevalue("postgres")
    url = server.create_database(f"conversations_{uuid.uuid4().hex[:12]}")
    monkeypatch.setenv("DATABASE_URL", url)
    yield url
    database.engine(make_url(url)).dispose()
