"""Answers kept for a while, so that one call does not ask ServiceNow the same twice."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class TimedCache(Generic[Value]):
    """At most `size` answers by key, each for `seconds`; the oldest go first."""

    def __init__(
        self, seconds: float, size: int = 1024, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._seconds = seconds
        self._size = size
        self._clock = clock
        self._kept: OrderedDict[str, tuple[float, Value]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Value | None:
        with self._lock:
            kept = self._kept.get(key)
            if kept is None or self._clock() - kept[0] >= self._seconds:
                self._kept.pop(key, None)
                return None
            return kept[1]

    def put(self, key: str, value: Value) -> None:
        with self._lock:
            self._kept[key] = (self._clock(), value)
            self._kept.move_to_end(key)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
