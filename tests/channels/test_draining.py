"""A stopping server moves its streaming sessions: at a turn boundary, or at the end of
the drain time."""

from __future__ import annotations

import asyncio

from channels.draining import Drain


class Session:
    def __init__(self, drain: Drain, reaches_a_boundary: bool) -> None:
        self.drain = drain
        self.reaches_a_boundary = reaches_a_boundary
        self.moved_at_once = False

    def wake(self) -> None:
        if self.reaches_a_boundary:  # it ends its session itself, then is gone
            self.drain.forget(self)

    async def move_now(self) -> None:
        self.moved_at_once = True


def test_sessions_at_a_boundary_leave_and_the_rest_are_moved_when_time_is_up() -> None:
    drain = Drain()
    quick, stuck = Session(drain, True), Session(drain, False)
    drain.track(quick)
    drain.track(stuck)

    moved_at_once = asyncio.run(drain.drain(0.05))

    assert drain.active and moved_at_once == 1
    assert stuck.moved_at_once and not quick.moved_at_once


def test_a_drain_without_sessions_is_over_at_once() -> None:
    drain = Drain()
    assert asyncio.run(drain.drain(30)) == 0
