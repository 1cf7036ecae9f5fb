"""A real PostgreSQL server on a free loopback port, installed from Debian when missing.

Its cluster lives in a directory of its own under the system's temporary directory
(initdb, trust authentication on the loopback only), removed by `remove`. PostgreSQL
refuses to run as root: as root it runs as Debian's `postgres` user, which owns that
directory (a test's own temporary directory is closed to other users).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg2

from tools.runner.processes import free_port

READY_SECONDS = 30.0
SUPERUSER = "helpdesk"
SERVER_USER = "postgres"


class PostgresUnavailable(RuntimeError):
    """PostgreSQL is not installed and cannot be installed here, or did not start."""


def postgres_binaries() -> Path:
    """The directory of initdb and postgres; installs Debian's package as root."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    if found:
        return found[-1].parent
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise PostgresUnavailable("PostgreSQL is not installed and cannot be installed here")
    subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
    installed = subprocess.run(
        ["apt-get", "install", "-y", "-qq", "postgresql"], check=False, capture_output=True
    )
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    if installed.returncode != 0 or not found:
        raise PostgresUnavailable(
            f"installing postgresql failed: {installed.stderr.decode()[-300:]}"
        )
    return found[-1].parent


class PostgresServer:
    """One cluster; `durable` keeps fsync on (for crash tests). It can be stopped and
    started again on the same data and port."""

    def __init__(self, durable: bool = False) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="helpdesk-postgres-"))
        self.port = free_port()
        self.durable = durable
        self.process: subprocess.Popen[bytes] | None = None
        self._as_postgres = os.geteuid() == 0

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        binaries = postgres_binaries()
        data = self.directory / "data"
        if not data.exists():
            self._own(self.directory)
            self._run(
                [str(binaries / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
                 "--encoding=UTF8", "--locale=C.UTF-8"]
            )  # fmt: skip
        fsync = "on" if self.durable else "off"
        self.process = subprocess.Popen(
            [str(binaries / "postgres"), "-D", str(data), "-p", str(self.port),
             "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={data}",
             "-c", f"fsync={fsync}", "-c", "max_connections=200"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **self._user(),
        )  # fmt: skip
        deadline = time.monotonic() + READY_SECONDS
        while True:
            try:
                psycopg2.connect(self.url(), connect_timeout=2).close()
                return
            except psycopg2.OperationalError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise PostgresUnavailable("PostgreSQL did not start") from None
                time.sleep(0.05)

    def create_database(self, name: str, template: str = "template1") -> str:
        """A new database (a copy of `template`); returns its URL."""
        connection = psycopg2.connect(self.url())
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        finally:
            connection.close()
        return self.url(name)

    def kill(self) -> None:
        """Gone at once, as a crashed or killed server is."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        """PostgreSQL's fast shutdown: open connections are ended, not waited for."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(timeout=30)

    def remove(self) -> None:
        """Stops the server and deletes its cluster."""
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def _own(self, path: Path) -> None:
        if self._as_postgres:
            entry = pwd.getpwnam(SERVER_USER)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def _user(self) -> dict[str, Any]:
        return {"user": SERVER_USER} if self._as_postgres else {}

    def _run(self, command: list[str]) -> None:
        done = subprocess.run(command, check=False, capture_output=True, **self._user())
        if done.returncode != 0:
            raise PostgresUnavailable(f"{command[0]} failed: {done.stderr.decode()[-300:]}")
