"""An event loop in a thread of its own keeps running between the coroutines it is given."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
import websockets
from websockets.legacy.server import WebSocketServerProtocol

from tools.runner.loop_thread import LoopThread


def test_the_server_s_ping_is_answered_while_the_caller_does_nothing_on_the_line() -> None:
    answered = threading.Event()

    async def pinging(socket: WebSocketServerProtocol) -> None:
        pong = await socket.ping()
        await asyncio.wait_for(pong, timeout=30)
        answered.set()
        await socket.wait_closed()

    server_side, caller_side = LoopThread("server"), LoopThread("caller")
    server: Any = server_side.run(_serve(pinging))
    port = server.sockets[0].getsockname()[1]
    socket = caller_side.run(_connect(f"ws://127.0.0.1:{port}"))
    # The caller's thread is busy elsewhere (speaking, recognising): nothing runs on
    # the line from here, yet its loop answers the ping.
    assert answered.wait(timeout=30)
    caller_side.run(socket.close())
    caller_side.close()
    server.close()
    server_side.run(server.wait_closed())
    server_side.close()


def test_a_failure_on_the_line_is_raised_to_the_caller() -> None:
    async def refused() -> None:
        raise ConnectionRefusedError("nobody listens")

    line = LoopThread("test-loop")
    with pytest.raises(ConnectionRefusedError, match="nobody listens"):
        line.run(refused())
    line.close()
    assert line.closed


def test_closing_the_line_cancels_what_still_waits_on_it() -> None:
    line = LoopThread("test-loop")
    waiting: list[asyncio.Task[bool]] = []

    async def leave_waiting() -> None:
        waiting.append(asyncio.get_running_loop().create_task(asyncio.Event().wait()))

    line.run(leave_waiting())
    line.close()
    assert waiting[0].cancelled()
    line.close()
    assert line.closed


async def _serve(handler: Any) -> Any:
    return await websockets.serve(handler, "127.0.0.1", 0, ping_interval=None)  # type: ignore[attr-defined]


async def _connect(url: str) -> Any:
    return await websockets.connect(url, ping_interval=None)  # type: ignore[attr-defined]


def test_work_started_without_waiting_goes_on_while_other_work_is_run() -> None:
    line = LoopThread("test-loop")
    opened: list[asyncio.Event] = []

    async def open_gate() -> None:
        opened.append(asyncio.Event())

    async def wait_at_gate() -> str:
        await opened[0].wait()
        return "through"

    async def lift() -> None:
        opened[0].set()

    line.run(open_gate())
    waiting = line.start(wait_at_gate())
    assert not waiting.done()
    line.run(lift(), timeout=10)
    assert waiting.result(timeout=10) == "through"
    line.close()
