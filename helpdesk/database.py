"""Where the servers keep their data: the database of `DATABASE_URL`, or, without it,
SQLite files of their own (`make run` needs no database server).

One URL (a SQLAlchemy URL, `postgresql://user:secret@host:5432/helpdesk?sslmode=require`
or `sqlite:///var/helpdesk.db`) selects the database of the conversations, the outbox,
the embedded store and the verification bindings. Its password never reaches a log
(`masked`), and every engine has a bounded pool and connection timeouts.
"""

from __future__ import annotations

import contextlib
import functools
import os
import time
from collections.abc import Iterator, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from helpdesk import environment as env
from helpdesk import variables as names

DRIVERS = ("postgresql", "postgresql+psycopg2", "sqlite")
DEFAULT_POOL_SIZE = 5
DEFAULT_TIMEOUT_SECONDS = 5.0
# A pooled connection idle this long is pinged before use.
IDLE_CHECK_SECONDS = 10.0


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached, or its tables are not the code's."""


def configured_url(default_file: str, environ: Mapping[str, str] = os.environ) -> URL:
    """DATABASE_URL, else the SQLite file `default_file`."""
    value = env.text(names.DATABASE_URL, environ=environ)
    if not value:
        return make_url(f"sqlite:///{default_file}")
    try:
        url = make_url(value)
    except ArgumentError:
        raise env.InvalidSetting(f"{names.DATABASE_URL}: not a database URL") from None
    if url.drivername not in DRIVERS:
        raise env.InvalidSetting(
            f"{names.DATABASE_URL}: a {' or '.join(DRIVERS)} URL is needed, not {url.drivername}"
        )
    if url.drivername != "sqlite" and not (url.host and url.database):
        raise env.InvalidSetting(f"{names.DATABASE_URL}: the URL needs a host and a database")
    return url


def shared(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether DATABASE_URL names the database (else each server has its own files)."""
    return bool(env.text(names.DATABASE_URL, environ=environ))


def failure(error: SQLAlchemyError) -> str:
    """What went wrong, in the driver's words (the URL is not in them), for one line."""
    return str(getattr(error, "orig", None) or error).strip()[:200]


def masked(url: URL | str) -> str:
    """The URL for a log line: the password as `***`."""
    return make_url(url).render_as_string(hide_password=True)


@functools.cache
def engine(url: URL) -> Engine:
    """One engine per database and process: its pool is bounded (DATABASE_POOL_SIZE,
    as many again in overflow), waits at most DATABASE_TIMEOUT_SECONDS for a connection
    or a lock, and checks a pooled connection that sat idle before use (a restarted
    server, `_checked_when_idle`)."""
    timeout = env.positive(names.DATABASE_TIMEOUT_SECONDS, DEFAULT_TIMEOUT_SECONDS)
    size = env.integer(names.DATABASE_POOL_SIZE, DEFAULT_POOL_SIZE, minimum=1)
    if url.drivername == "sqlite":
        return _sqlite_engine(url, size, timeout)
    options: dict[str, Any] = {
        "pool_size": size,
        "max_overflow": size,
        "pool_timeout": timeout,
        # Seconds, as libpq counts them; TLS (`sslmode`) comes from the URL's query.
        "connect_args": {"connect_timeout": max(1, round(timeout))},
    }
    return _checked_when_idle(sa.create_engine(url, future=True, **options))


@contextlib.contextmanager
def autocommitted(engine: Engine) -> Iterator[Connection]:
    """A pooled connection for statements that are atomic alone, each committed as it
    runs: on a database server no BEGIN before and no COMMIT or ROLLBACK after, two
    round trips fewer for a read or a one-statement write.

    The driver's own autocommit flag is set for the block and cleared after it. On
    psycopg2 that is a flag in the client, where SQLAlchemy's `isolation_level=
    "AUTOCOMMIT"` also sends `SET default_transaction_isolation` when it hands the
    connection back (pg_stat_statements: one statement a use). A driver without the
    flag (SQLite's, which begins nothing for a read) runs the block in a transaction
    committed at its end.
    """
    with engine.begin() as connection:
        driver = connection.connection.dbapi_connection
        if engine.dialect.name == "sqlite" or not hasattr(driver, "autocommit"):
            yield connection
            return
        driver.autocommit = True
        try:
            yield connection
        finally:
            if not driver.closed:
                driver.autocommit = False


def _checked_when_idle(created: Engine) -> Engine:
    """A pooled connection idle for IDLE_CHECK_SECONDS is pinged before use, and
    replaced if the server no longer knows it.

    SQLAlchemy's `pool_pre_ping` pings at every checkout: a round trip more for every
    query a turn makes (a Rasa turn checks out three connections), 1 ms each on a
    network (`make bench` behind a latency proxy). A connection in use is checked by
    its use: a lost one fails that statement (the caller hears the apology and the
    same question), and the pool then replaces every connection made before it.
    """

    @sa.event.listens_for(created, "checkin")
    def idle_from_now(_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @sa.event.listens_for(created, "checkout")
    def ping_if_idle(connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("idle_since", time.monotonic()) < IDLE_CHECK_SECONDS:
            return
        try:
            with contextlib.closing(connection.cursor()) as cursor:
                cursor.execute("SELECT 1")
            connection.rollback()
        except Exception as error:  # the pool makes a new connection instead
            raise sa.exc.DisconnectionError(str(error)) from error

    return created


def _sqlite_engine(url: URL, size: int, timeout: float) -> Engine:
    """A SQLite file with its connections kept (SQLAlchemy 1.4 opens one per use) and
    in write-ahead-log mode: a commit appends to the log and syncs it once, where the
    default rollback journal is written, synced and deleted around every commit (a
    third of the cost of saving a turn, py-spy). As durable: SQLite syncs the log on
    every commit (synchronous FULL). The connections are handed to one thread at a
    time by the pool, which is what `check_same_thread` guards against."""
    created = sa.create_engine(
        url,
        future=True,
        poolclass=sa.pool.QueuePool,
        pool_size=size,
        max_overflow=size,
        pool_timeout=timeout,
        connect_args={"timeout": timeout, "check_same_thread": False},
    )

    @sa.event.listens_for(created, "connect")
    def write_ahead_log(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    return created
