"""A stopping Rasa server: it takes no new streaming sessions and moves its live ones.

A `<Gather>` call survives a deploy by itself (each turn is a request any replica can
answer); a streaming call's socket lives on one replica for minutes. On SIGTERM Sanic
runs its `before_server_stop` listeners before it closes connections: the process is
marked as draining (its readiness check fails, new sockets are refused), and each live
session ends at its next turn boundary with a note that sends the call to a new
session, which the load balancer gives to a healthy replica.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

logger = logging.getLogger(__name__)


class Movable(Protocol):
    """A live session that can be asked to move to another replica."""

    def wake(self) -> None: ...

    async def move_now(self) -> None: ...


class Drain:
    """The process's live streaming sessions, and whether it is stopping."""

    def __init__(self) -> None:
        self.active = False
        self._sessions: set[Movable] = set()
        self._changed: asyncio.Event | None = None

    def track(self, session: Movable) -> None:
        self._sessions.add(session)

    def forget(self, session: Movable) -> None:
        self._sessions.discard(session)
        if self._changed is not None:
            self._changed.set()

    async def drain(self, seconds: float) -> int:
        """Moves every session at its next turn boundary, waiting at most `seconds`;
        then moves the rest at once. Returns how many had to be moved at once."""
        self.active = True
        self._changed = asyncio.Event()
        logger.info("Draining %d streaming sessions", len(self._sessions))
        for session in list(self._sessions):
            session.wake()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while self._sessions and loop.time() < deadline:
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), deadline - loop.time())
            except asyncio.TimeoutError:
                break
        late = list(self._sessions)
        for session in late:
            await session.move_now()
        return len(late)


# One per process: both voice lines' health checks and every session read it.
DRAIN = Drain()
