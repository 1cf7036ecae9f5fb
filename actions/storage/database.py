"""The database of the action server's tables: opened at start, checked against the
migrations, and used one short transaction at a time.

Migrations run as their own command (`make migrate`, `python -m
actions.storage.migrate`) before the servers of a shared database start, never from
every replica at once. SQLite files of the server's own (no DATABASE_URL: `make run`,
one process) are migrated when opened: nothing else shares them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from helpdesk import database
from helpdesk import variables as names
from helpdesk.database import DatabaseUnavailable

MIGRATIONS = Path(__file__).with_name("migrations")
# Taken by `migrate` on PostgreSQL, so that two runs at once wait for each other.
MIGRATION_LOCK = 7_263_001


class Database:
    """An engine on the action server's tables."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: URL, migrate: bool = False) -> Database:
        """The database at `url`; with `migrate`, its tables brought up to date first.

        Fails with the setting's name when it cannot be reached or is behind.
        """
        if url.drivername == "sqlite" and url.database:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        opened = cls(database.engine(url))
        try:
            if migrate:
                opened.migrate()
            current, head = opened.revision(), head_revision()
        except SQLAlchemyError as error:
            raise DatabaseUnavailable(
                f"Cannot use the database {database.masked(url)} ({names.DATABASE_URL}): "
                f"{type(error).__name__}: {database.failure(error)}"
            ) from None
        if current != head:
            raise DatabaseUnavailable(
                f"The tables of {database.masked(url)} ({names.DATABASE_URL}) are at "
                f"{current or 'no version'}, the code needs {head}: run `make migrate` "
                "(python -m actions.storage.migrate) before starting the action server."
            )
        return opened

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with self.engine.begin() as connection:
            yield connection

    @property
    def is_postgresql(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def migrate(self) -> None:
        """Upgrades the tables to the latest migration, in one transaction."""
        with self.transaction() as connection:
            if self.is_postgresql:
                connection.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK)))
            config = _config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None  # the project ships its migrations
    return head


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config
