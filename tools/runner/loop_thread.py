"""An event loop that runs in a thread of its own, for as long as what uses it lasts.

For the parts of a simulation that must go on while the thread that drives it is busy
elsewhere: a simulated call's socket answers the server's pings between turns (as
Twilio's side does; a loop run only during each turn would leave them unanswered, and
Sanic closes such a socket, 1011), and a server run in a test or a bench serves while
the test's own thread places calls.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")


class LoopThread:
    """Runs coroutines on one event loop that keeps running between them."""

    def __init__(self, name: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run_forever, name=name, daemon=True)
        self._thread.start()

    @property
    def closed(self) -> bool:
        return self._loop.is_closed()

    def start(self, work: Coroutine[Any, Any, T]) -> Future[T]:
        """Starts `work` on the loop without waiting for it (a server that serves until
        the loop is closed)."""
        return asyncio.run_coroutine_threadsafe(work, self._loop)

    def run(self, work: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Runs `work` on the loop and waits for its result (its exception is raised here)."""
        return self.start(work).result(timeout)

    def close(self) -> None:
        """Cancels what still runs on the loop, then stops it and its thread."""
        if self.closed:
            return
        self.run(_cancel_others())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def _run_forever(self) -> None:
        # Code that asks for "the" event loop in this thread (Sanic, Rasa) gets this one.
        asyncio.set_event_loop(self._loop)
        self._loop.run_forever()


async def _cancel_others() -> None:
    current = asyncio.current_task()
    pending = [task for task in asyncio.all_tasks() if task is not current]
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
