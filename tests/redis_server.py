"""A real redis-server on a free loopback port, installed from Debian when missing."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from tools.stack import free_port

READY_SECONDS = 20.0


def ensure_redis_server() -> str:
    """The path of redis-server; installs Debian's package as root, else skips clearly."""
    found = shutil.which("redis-server")
    if found:
        return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip("redis-server is not installed and cannot be installed here (needs root apt)")
    subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
    installed = subprocess.run(
        ["apt-get", "install", "-y", "-qq", "redis-server"], check=False, capture_output=True
    )
    found = shutil.which("redis-server")
    if installed.returncode != 0 or found is None:
        pytest.skip(f"installing redis-server failed: {installed.stderr.decode()[-300:]}")
    return found


@contextmanager
def running_redis(directory: Path) -> Iterator[str]:
    """Serves Redis without persistence; yields its URL."""
    port = free_port()
    process = subprocess.Popen(
        [ensure_redis_server(), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(directory)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + READY_SECONDS
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("redis-server did not start") from None
            time.sleep(0.05)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
