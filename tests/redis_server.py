"""Redis for the tests: the project's redis-server runner, skipped clearly where impossible."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tools.redis_server import RedisServer, RedisUnavailable


@contextmanager
def running_redis(directory: Path) -> Iterator[str]:
    """Serves Redis without persistence; yields its URL."""
    server = RedisServer(directory)
    try:
        server.start()
    except RedisUnavailable as error:
        pytest.skip(str(error))
    try:
        yield server.url
    finally:
        server.stop()
