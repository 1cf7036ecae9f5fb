"""Redis for the tests: the project's redis-server runner; a clear failure where it cannot run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tools.fakes.redis_server import RedisServer, RedisUnavailable


@contextmanager
def running_redis(directory: Path) -> Iterator[str]:
    """Serves Redis without persistence; yields its URL."""
    server = RedisServer(directory)
    try:
        server.start()
    except RedisUnavailable as error:
        pytest.fail(f"{error}: make test installs Debian's redis-server when run as root")
    try:
        yield server.url
    finally:
        server.stop()
