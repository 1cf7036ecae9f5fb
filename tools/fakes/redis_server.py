"""A real redis-server on a free loopback port, installed from Debian when missing."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import redis

from tools.runner.processes import free_port

READY_SECONDS = 20.0


class RedisUnavailable(RuntimeError):
    """redis-server is not installed and cannot be installed here."""


def ensure_redis_server() -> str:
    """The path of redis-server; installs Debian's package when running as root."""
    found = shutil.which("redis-server")
    if found:
        return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise RedisUnavailable("redis-server is not installed and cannot be installed here")
    subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
    installed = subprocess.run(
        ["apt-get", "install", "-y", "-qq", "redis-server"], check=False, capture_output=True
    )
    found = shutil.which("redis-server")
    if installed.returncode != 0 or found is None:
        raise RedisUnavailable(
            f"installing redis-server failed: {installed.stderr.decode()[-300:]}"
        )
    return found


class RedisServer:
    """redis-server in a directory; with `durable`, every write survives a SIGKILL."""

    def __init__(self, directory: Path, durable: bool = False) -> None:
        self.directory = directory
        self.port = free_port()
        self.durable = durable
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        persistence = ["--appendonly", "yes", "--appendfsync", "always"] if self.durable else [
            "--appendonly", "no"
        ]  # fmt: skip
        self.process = subprocess.Popen(
            [ensure_redis_server(), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             *persistence, "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + READY_SECONDS
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RedisUnavailable("redis-server did not start") from None
                time.sleep(0.05)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
