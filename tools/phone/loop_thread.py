"""An event loop that runs in a thread of its own for as long as a simulated call lasts.

Twilio's side of a socket answers the server's pings at any time, also while the caller
is quiet or the spoken caller is busy synthesising and recognising speech. A loop run
only during each turn would leave the pings unanswered between turns, and Sanic closes
such a socket (1011) after its ping timeout: a fault of the simulator, not of the line.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class LoopThread:
    """Runs coroutines on one event loop that keeps running between them."""

    def __init__(self, name: str = "simulated-line") -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=name, daemon=True)
        self._thread.start()

    @property
    def closed(self) -> bool:
        return self._loop.is_closed()

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Runs `work` on the loop and waits for its result (its exception is raised here)."""
        return asyncio.run_coroutine_threadsafe(work, self._loop).result()

    def close(self) -> None:
        """Cancels what still runs on the loop, then stops it and its thread."""
        if self.closed:
            return
        self.run(_cancel_others())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()


async def _cancel_others() -> None:
    current = asyncio.current_task()
    pending = [task for task in asyncio.all_tasks() if task is not current]
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
