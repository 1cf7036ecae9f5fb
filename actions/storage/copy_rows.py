"""Moving what an action server kept in its own SQLite files into the shared database.

Used once, when a deployment moves to DATABASE_URL (`make migrate COPY_FROM=...`). The
outbox is what matters: its entries were promised to callers and are delivered from
the new database. The embedded store's callers and incidents keep their ids, because
callers were told incident numbers made from them. A row whose key the new database
already holds is left as it is there, so running the copy twice copies nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from actions.storage.database import Database
from actions.storage.schema import callers, incidents, pending

# Parents before the rows that refer to them.
TABLES = (pending, callers, incidents)


@dataclass(frozen=True)
class Copied:
    table: str
    found: int
    copied: int

    def __str__(self) -> str:
        kept = self.found - self.copied
        return f"{self.table}: {self.copied} of {self.found} rows copied ({kept} already there)"


def copy_rows(old: Database, new: Database) -> list[Copied]:
    """Copies every row of `old` into `new`, in one transaction of `new`; both are
    migrated (so a file of any release is read alike)."""
    report = []
    with old.engine.connect() as reading, new.transaction() as writing:
        for table in TABLES:
            rows = [dict(row._mapping) for row in reading.execute(sa.select(table))]
            copied = _insert_missing(writing, table, _in_id_order(table, rows))
            report.append(Copied(table.name, len(rows), copied))
        if new.is_postgresql:
            _advance_ids(writing)
    return report


def _in_id_order(table: sa.Table, rows: list[dict]) -> list[dict]:
    """Incidents refer to their parent incident: parents (lower ids) go first."""
    return sorted(rows, key=lambda row: row["id"]) if table is incidents else rows


def _insert_missing(connection: Connection, table: sa.Table, rows: Iterable[dict]) -> int:
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    copied = 0
    for row in rows:
        result = connection.execute(insert(table).values(**row).on_conflict_do_nothing())
        copied += result.rowcount
    return copied


def _advance_ids(connection: Connection) -> None:
    """PostgreSQL's id sequences do not see ids inserted explicitly: moved past them, the
    next caller or incident gets a new id instead of failing on a copied one."""
    for table in (callers, incidents):
        connection.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            )
        )
