"""DATABASE_URL: one setting for every store, checked at start, its secret never shown,
its TLS options passed to the driver."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from psycopg2.extensions import TRANSACTION_STATUS_IDLE
from sqlalchemy.engine import make_url

from helpdesk import database
from helpdesk.environment import InvalidSetting
from tools.fakes.postgres_server import PostgresServer

SECRET = "s3cret-pass"


def test_without_it_each_server_has_its_own_file() -> None:
    url = database.configured_url("var/outbox.db", {})
    assert (url.drivername, url.database) == ("sqlite", "var/outbox.db")
    assert not database.shared({})


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("mysql://u:p@db/helpdesk", r"a postgresql or postgresql\+psycopg2 or sqlite URL"),
        ("postgresql:///helpdesk", "needs a host and a database"),
        ("not a url at all", "not a database URL"),
    ],
)
def test_a_url_it_cannot_use_is_refused_by_name_without_its_secret(
    value: str, problem: str
) -> None:
    with pytest.raises(InvalidSetting, match=problem) as refused:
        database.configured_url("unused.db", {"DATABASE_URL": value.replace("p@", f"{SECRET}@")})
    assert "DATABASE_URL" in str(refused.value) and SECRET not in str(refused.value)


def test_the_password_never_reaches_a_log_line() -> None:
    url = f"postgresql://desk:{SECRET}@db.internal:5432/helpdesk?sslmode=verify-full"
    assert database.masked(url) == (
        "postgresql://desk:***@db.internal:5432/helpdesk?sslmode=verify-full"
    )


def test_a_server_database_gets_a_bounded_pool_and_timeouts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_POOL_SIZE", "3")
    monkeypatch.setenv("DATABASE_TIMEOUT_SECONDS", "2")
    engine = database.engine(make_url(f"postgresql://desk@db-{uuid.uuid4().hex}.test/helpdesk"))
    assert (engine.pool.size(), engine.pool._max_overflow, engine.pool._timeout) == (3, 3, 2)
    assert not engine.pool._pre_ping  # a round trip per query: idle ones are checked instead


def end_the_servers_sessions(postgres: PostgresServer, name: str) -> None:
    """What a database restart does to every pooled connection."""
    with database.engine(make_url(postgres.url())).connect() as admin:
        admin.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )


@pytest.mark.servers
def test_a_connection_that_sat_idle_is_checked_and_replaced(
    postgres: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = f"idle_{uuid.uuid4().hex[:8]}"
    engine = database.engine(make_url(postgres.create_database(name)))
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))
    end_the_servers_sessions(postgres, name)
    monkeypatch.setattr(database, "IDLE_CHECK_SECONDS", 0.0)

    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT 2")).scalar_one() == 2


@pytest.mark.servers
def test_a_connection_lost_while_busy_fails_once_then_all_are_replaced(
    postgres: PostgresServer,
) -> None:
    name = f"busy_{uuid.uuid4().hex[:8]}"
    engine = database.engine(make_url(postgres.create_database(name)))
    with engine.connect() as first, engine.connect() as second:
        first.execute(sa.text("SELECT 1"))
        second.execute(sa.text("SELECT 1"))
    end_the_servers_sessions(postgres, name)

    with pytest.raises(sa.exc.OperationalError), engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))
    for _ in range(2):  # both pooled connections were made before the loss
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT 3")).scalar_one() == 3


@pytest.mark.servers
def test_tls_options_in_the_url_reach_the_driver(postgres: PostgresServer) -> None:
    """The test server speaks no TLS: a URL that requires it must fail to connect."""
    plain = make_url(postgres.create_database(f"tls_{uuid.uuid4().hex[:8]}"))
    with database.engine(plain).connect() as connection:
        assert connection.execute(sa.text("SELECT 1")).scalar_one() == 1
    required = plain.update_query_dict({"sslmode": "require"})
    with pytest.raises(sa.exc.OperationalError, match="does not support SSL"):
        database.engine(required).connect()


def test_statements_atomic_alone_on_a_file_are_committed_with_the_block(tmp_path: Path) -> None:
    engine = database.engine(make_url(f"sqlite:///{tmp_path / 'notes.db'}"))
    with engine.begin() as setup:
        setup.execute(sa.text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
    with database.autocommitted(engine) as connection:
        connection.execute(sa.text("INSERT INTO notes (body) VALUES ('kept')"))
    with engine.connect() as other:
        assert other.execute(sa.text("SELECT body FROM notes")).scalars().all() == ["kept"]


@pytest.mark.servers
def test_statements_atomic_alone_open_no_transaction_on_a_server(
    postgres: PostgresServer,
) -> None:
    """No BEGIN, COMMIT or ROLLBACK round trip: each statement commits as it runs, and
    the pool gets the connection back as it handed it out."""
    engine = database.engine(make_url(postgres.create_database(f"auto_{uuid.uuid4().hex[:8]}")))
    with engine.begin() as setup:
        setup.execute(sa.text("CREATE TABLE notes (id serial PRIMARY KEY, body text)"))
    with database.autocommitted(engine) as connection:
        connection.execute(sa.text("INSERT INTO notes (body) VALUES ('kept')"))
        driver = connection.connection.dbapi_connection
        assert driver.info.transaction_status == TRANSACTION_STATUS_IDLE
        with engine.connect() as other:
            assert other.execute(sa.text("SELECT body FROM notes")).scalars().all() == ["kept"]
    assert not driver.autocommit

    with pytest.raises(sa.exc.ProgrammingError), database.autocommitted(engine) as connection:
        driver = connection.connection.dbapi_connection
        connection.execute(sa.text("SELECT body FROM no_such_table"))
    assert not driver.autocommit
