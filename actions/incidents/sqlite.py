"""A SQLite file with a schema, opened briefly for each transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import ClassVar


class SQLiteFile:
    """Creates the file and its `SCHEMA`; `_connection` commits on success and always closes.

    `ADDED_COLUMNS` ({table: {column: definition}}) are added to files written before
    the schema had them.
    """

    SCHEMA: ClassVar[str]
    ADDED_COLUMNS: ClassVar[dict[str, dict[str, str]]] = {}

    def __init__(self, path: Path) -> None:
        self._path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connection() as connection:
            connection.executescript(self.SCHEMA)
            for table, columns in self.ADDED_COLUMNS.items():
                present = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
                for column, definition in columns.items():
                    if column not in present:
                        connection.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self._path, timeout=10)) as connection, connection:
            yield connection
