"""`make soak` says where the conversations are and how big they grew, on Redis too."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.redis_server import running_redis
from tools.harness.soak import conversations_megabytes, conversations_place


@pytest.mark.servers
def test_conversations_in_redis_are_named_without_the_password_and_weighed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", "rediss://:secret@redis.internal:6380/2")
    assert conversations_place() == "Redis at redis.internal:6380/2"

    with running_redis(tmp_path) as url:
        monkeypatch.setenv("REDIS_URL", url)
        assert conversations_megabytes() > 0


def test_conversations_in_a_sqlite_file_are_weighed_by_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", "")
    monkeypatch.setenv("DATABASE_URL", "")
    monkeypatch.setenv("TRACKER_STORE_DB", str(tmp_path / "tracker.db"))
    (tmp_path / "tracker.db").write_bytes(b"\0" * 2_000_000)

    assert conversations_megabytes() == 2.0
    assert conversations_place().endswith("tracker.db")
