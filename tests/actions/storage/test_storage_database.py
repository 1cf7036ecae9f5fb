"""The action server's tables come from versioned migrations: files written before them
are adopted with nothing lost, a shared database behind the code is refused by name,
and the tables the code describes are the tables the migrations make."""

from __future__ import annotations

import sqlite3
import uuid
from contextlib import closing
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import make_url

from actions.incidents import Caller
from actions.incidents.embedded import EmbeddedIncidentStore
from actions.storage.database import Database, head_revision
from actions.storage.schema import metadata
from helpdesk.database import DatabaseUnavailable
from tools.fakes.postgres_server import PostgresServer

# The embedded store's file as the first releases wrote it (no work notes, no outages).
FIRST_RELEASE = """
CREATE TABLE callers (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE COLLATE NOCASE,
                      phone TEXT NOT NULL DEFAULT '');
CREATE TABLE incidents (id INTEGER PRIMARY KEY, caller_id INTEGER NOT NULL REFERENCES callers (id),
                        title TEXT NOT NULL, description TEXT NOT NULL, priority TEXT NOT NULL,
                        state INTEGER NOT NULL, opened_at TEXT NOT NULL);
INSERT INTO callers (email, phone) VALUES ('kim@example.com', '+15005550101');
INSERT INTO incidents VALUES (1, 1, 'VPN', 'drops', 'high', 1, '2026-01-05T09:00:00+00:00');
"""


def test_a_file_of_the_first_release_is_adopted_with_its_callers_and_incidents(
    tmp_path: Path,
) -> None:
    path = tmp_path / "incidents.db"
    with closing(sqlite3.connect(path)) as connection:
        connection.executescript(FIRST_RELEASE)

    store = EmbeddedIncidentStore(Database.open(make_url(f"sqlite:///{path}"), migrate=True))

    kim = store.find_caller_by_phone("+15005550101")
    assert kim == Caller(sys_id="1", email="kim@example.com", phone="+15005550101")
    [vpn] = store.list_incidents(kim)
    assert (vpn.number, vpn.title, vpn.priority) == ("INC0010001", "VPN", "high")
    outage = store.declare_major_incident("Email is down", "ops@example.com")
    assert store.major_incidents() == [outage]


def test_the_migrations_make_the_tables_the_code_describes(database: Database) -> None:
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    # SQLite cannot tell a column's server default apart from its text; types and
    # columns are what must agree.
    assert [d for d in differences if d[0] not in ("modify_default",)] == []
    assert database.revision() == head_revision()


def test_migrating_twice_changes_nothing(database: Database) -> None:
    database.migrate()
    assert database.revision() == head_revision()


def test_a_file_of_the_servers_own_is_migrated_when_opened_a_shared_one_only_checked(
    tmp_path: Path,
) -> None:
    url = make_url(f"sqlite:///{tmp_path / 'new' / 'outbox.db'}")
    with pytest.raises(DatabaseUnavailable, match=r"at no version, the code needs .*make migrate"):
        Database.open(url)
    assert Database.open(url, migrate=True).revision() == head_revision()


@pytest.mark.servers
def test_a_shared_database_behind_the_code_is_refused_by_name(postgres: PostgresServer) -> None:
    url = make_url(postgres.create_database(f"behind_{uuid.uuid4().hex[:8]}"))
    with pytest.raises(DatabaseUnavailable) as refused:
        Database.open(url)
    assert "(DATABASE_URL)" in str(refused.value) and "make migrate" in str(refused.value)


def test_an_unreachable_database_is_named_without_its_password() -> None:
    url = make_url("postgresql://desk:s3cret-pass@127.0.0.1:1/helpdesk?connect_timeout=1")
    with pytest.raises(DatabaseUnavailable) as refused:
        Database.open(url)
    message = str(refused.value)
    assert "postgresql://desk:***@127.0.0.1:1/helpdesk" in message
    assert "(DATABASE_URL)" in message and "s3cret-pass" not in message


def test_rows_are_plain_text_and_numbers_on_every_database(database: Database) -> None:
    """The code writes ISO times as text: comparisons in the outbox's queries rely on it."""
    columns = {column.name: type(column.type) for column in metadata.tables["pending"].columns}
    assert columns["recorded_at"] is sa.Text and columns["lease_until"] is sa.Text
