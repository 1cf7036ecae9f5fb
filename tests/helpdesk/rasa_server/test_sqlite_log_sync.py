"""A turn's SQLite commit is on the disk before the turn goes on, with one sync of the
log for the turns that commit meanwhile, run off the event loop."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpdesk.rasa_server.sqlite_log_sync import LogSync


class HeldDisk:
    """fdatasync that waits, for each sync in turn, until the test lets it finish."""

    def __init__(self) -> None:
        self.started = [threading.Event() for _ in range(3)]
        self.finish = [threading.Event() for _ in range(3)]
        self.failure: OSError | None = None
        self._count = 0

    def __call__(self, fd: int) -> None:
        number, self._count = self._count, self._count + 1
        self.started[number].set()
        self.finish[number].wait(timeout=30)
        if self.failure is not None:
            raise self.failure
        os.fdatasync(fd)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    """A SQLite file in write-ahead-log mode, with a committed row in its log."""
    path = str(tmp_path / "tracker.db")
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("CREATE TABLE events (data TEXT)")
    connection.execute("INSERT INTO events VALUES ('said')")
    connection.commit()
    yield path
    connection.close()


async def started(event: threading.Event) -> None:
    assert await asyncio.get_running_loop().run_in_executor(None, event.wait, 30)


def test_the_log_is_synced_before_the_turn_goes_on(database: str) -> None:
    log = LogSync(database)
    asyncio.run(log.durable())
    assert log.syncs == 1 and os.path.exists(log.log_path)


async def test_turns_that_commit_during_a_sync_share_the_next_one(database: str) -> None:
    disk = HeldDisk()
    log = LogSync(database, sync=disk)
    first = asyncio.ensure_future(log.durable())
    await started(disk.started[0])
    # Committed while the first sync runs: it may not cover them; the next one does.
    second, third = asyncio.ensure_future(log.durable()), asyncio.ensure_future(log.durable())
    disk.finish[0].set()
    await first
    await started(disk.started[1])
    assert not second.done() and not third.done()
    disk.finish[1].set()
    await asyncio.gather(second, third)
    assert log.syncs == 2


async def test_a_failed_sync_fails_its_turns_and_the_next_turn_syncs_again(
    database: str,
) -> None:
    disk = HeldDisk()
    log = LogSync(database, sync=disk)
    disk.failure = OSError(5, "Input/output error")
    disk.finish[0].set()
    with pytest.raises(OSError, match="Input/output error"):
        await log.durable()
    disk.failure = None
    disk.finish[1].set()
    await log.durable()
    assert log.syncs == 1


def test_a_log_checkpointed_away_needs_no_sync(tmp_path: Path) -> None:
    log = LogSync(str(tmp_path / "tracker.db"))
    asyncio.run(log.durable())
    assert log.syncs == 0
