"""Moving to DATABASE_URL loses nothing: the old files' outbox entries are delivered from
the new database, incidents keep the numbers callers were told, and a copy run twice
copies nothing twice."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
import sqlalchemy as sa

from actions.incidents import Caller
from actions.incidents.embedded import EmbeddedIncidentStore
from actions.incidents.outbox import Outbox
from actions.storage import migrate
from actions.storage.copy_rows import copy_rows
from actions.storage.database import Database
from actions.storage.schema import pending
from tests.support.databases import sqlite_database

# An outbox file as the release before migrations wrote it: one entry promised to a caller.
OLD_OUTBOX = """
CREATE TABLE pending (correlation_id TEXT PRIMARY KEY, caller_sys_id TEXT NOT NULL,
  caller_email TEXT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL,
  priority TEXT NOT NULL, recorded_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0);
INSERT INTO pending VALUES ('CA1-1', 'sys-kim', 'kim@example.com', 'VPN', 'drops hourly',
  'high', '2026-11-30T09:00:00.000001+00:00', 2);
"""


def old_outbox(tmp_path: Path) -> Path:
    path = tmp_path / "outbox.db"
    with closing(sqlite3.connect(path)) as connection:
        connection.executescript(OLD_OUTBOX)
    return path


def old_embedded_store(tmp_path: Path) -> Path:
    """Kim, bound to her number, with two incidents filed by the embedded store itself."""
    path = tmp_path / "incidents.db"
    store = EmbeddedIncidentStore(sqlite_database(path))
    kim = store.find_caller_by_email("kim@example.com")
    assert kim is not None
    kim = store.bind_phone(kim, "+15005550101")
    store.create_incident(kim, "VPN", "drops hourly", "high")
    store.create_incident(kim, "Printer", "jams", "low")
    return path


def test_an_old_outbox_entry_is_delivered_from_the_new_database(
    tmp_path: Path, database: Database
) -> None:
    old = sqlite_database(old_outbox(tmp_path))

    [copied, *_] = copy_rows(old, database)

    assert (copied.table, copied.found, copied.copied) == ("pending", 1, 1)
    [entry] = Outbox(database).pending()
    assert (entry.correlation_id, entry.caller.email, entry.description) == (
        "CA1-1",
        "kim@example.com",
        "drops hourly",
    )


def test_incidents_keep_their_numbers_and_new_ones_follow_them(
    tmp_path: Path, database: Database
) -> None:
    old = sqlite_database(old_embedded_store(tmp_path))

    copy_rows(old, database)

    store = EmbeddedIncidentStore(database)
    kim = store.find_caller_by_phone("+15005550101")
    assert isinstance(kim, Caller)
    assert [i.number for i in store.list_incidents(kim)] == ["INC0010002", "INC0010001"]
    assert store.create_incident(kim, "Email", "bounces", "medium").number == "INC0010003"
    lee = store.find_caller_by_email("lee@example.com")
    assert lee is not None and lee.sys_id == "2"


def test_copying_twice_copies_nothing_twice(tmp_path: Path, database: Database) -> None:
    old = sqlite_database(old_outbox(tmp_path))
    copy_rows(old, database)

    again = copy_rows(old, database)

    assert [(c.found, c.copied) for c in again] == [(1, 0), (0, 0), (0, 0)]
    with database.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(pending)).scalar() == 1


def test_the_command_migrates_then_copies_and_names_a_missing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "shared.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{target}")
    monkeypatch.setenv("SERVICENOW_INSTANCE_URL", "https://example.service-now.com")

    assert migrate.main(["--copy-from", str(old_outbox(tmp_path))]) == 0
    assert "pending: 1 of 1 rows copied (0 already there)" in capsys.readouterr().out
    assert [e.correlation_id for e in Outbox(sqlite_database(target)).pending()] == ["CA1-1"]

    assert migrate.main(["--copy-from", str(tmp_path / "gone.db")]) == 2
    assert "No SQLite file at" in capsys.readouterr().err
