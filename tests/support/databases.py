"""The databases the stores are tested on: a SQLite file, and a real PostgreSQL server
(one per test session, a fresh database per test, copied from a migrated template)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from actions.storage.database import Database
from tools.fakes.postgres_server import PostgresServer, PostgresUnavailable

TEMPLATE = "helpdesk_template"
# Every store test runs on both; PostgreSQL's are `servers` tests (make integration).
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.servers)]


def sqlite_database(path: Path) -> Database:
    """A migrated SQLite file (as the action server's own file is at start)."""
    return Database.open(make_url(f"sqlite:///{path}"), migrate=True)


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """PostgreSQL with a migrated template database; a clear failure where it cannot run."""
    server = PostgresServer()
    try:
        server.start()
        template = Database.open(make_url(server.create_database(TEMPLATE)), migrate=True)
        # A template being copied may have no open connection.
        template.engine.dispose()
    except PostgresUnavailable as error:
        server.remove()
        pytest.fail(f"{error}: make test installs Debian's postgresql when run as root")
    try:
        yield server
    finally:
        server.remove()


@contextmanager
def fresh_postgres_database(server: PostgresServer) -> Iterator[Database]:
    """A new database with the latest tables; its connections closed afterwards."""
    url = server.create_database(f"test_{uuid.uuid4().hex[:12]}", template=TEMPLATE)
    database = Database.open(make_url(url))
    try:
        yield database
    finally:
        database.engine.dispose()
