"""Makes a turn's SQLite commit durable off the event loop, one sync for concurrent turns.

With `synchronous=FULL` SQLite syncs its write-ahead log inside every commit: 4 ms on
this project's test disk, during which the Rasa server's event loop runs nothing
(at 20 calls a fifth of its time). A turn's transaction is instead committed with
`synchronous=NORMAL` (no sync) and the turn then waits here, before its answer goes
out, for a `fdatasync` of the log in a thread of its own. That is what FULL does
(SQLite's own sync of the log is an `fdatasync` too), so a turn a caller was answered
on survives a power cut as before; but the loop serves other calls meanwhile, and one
sync covers every commit made before it started: turns that commit while a sync runs
share the next one.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor


class LogSync:
    """The syncs of one SQLite database's write-ahead log (`<database>-wal`)."""

    def __init__(self, database_path: str, sync: Callable[[int], None] = os.fdatasync) -> None:
        self.log_path = f"{database_path}-wal"
        self.syncs = 0
        self._sync_file = sync
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="sqlite-log-sync")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._running: asyncio.Future[None] | None = None
        self._next: asyncio.Future[None] | None = None

    async def durable(self) -> None:
        """Returns once every commit made before this call is on the disk.

        A sync already running may have started before the caller's commit, so the
        caller waits for the next one, which every caller meanwhile shares."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (tests, a restarted server)
            self._loop, self._running, self._next = loop, None, None
        if self._next is None:
            self._next = asyncio.ensure_future(self._sync_after_running())
        await asyncio.shield(self._next)

    async def _sync_after_running(self) -> None:
        if self._running is not None:
            with contextlib.suppress(OSError):  # its own waiters were told
                await self._running
        # From here, a commit needs a sync that has not started yet.
        self._next = None
        self._running = asyncio.get_running_loop().run_in_executor(self._thread, self._sync)
        await self._running

    def _sync(self) -> None:
        try:
            log = os.open(self.log_path, os.O_RDONLY)
        except FileNotFoundError:
            return  # checkpointed and removed: SQLite synced the database file itself
        try:
            self._sync_file(log)
            self.syncs += 1
        finally:
            os.close(log)
