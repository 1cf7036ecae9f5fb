"""The whole assistant on one PostgreSQL (DATABASE_URL): the call's conversation and its
incident are in the database server, and an action server refuses tables that are
behind its code, naming the setting."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from actions.storage.schema import callers, incidents
from helpdesk import database
from tests.support.running_stack import RunningStack
from tools.checkout import PROJECT_ROOT
from tools.fakes.postgres_server import PostgresServer

ADDRESS = "pat dot kim at example dot com"


@pytest.fixture(scope="module")
def on_postgres(
    postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningStack]:
    url = postgres.create_database(f"stack_{uuid.uuid4().hex[:8]}")
    # The stack runner migrates a shared database first, as a deploy does (make migrate).
    running = RunningStack(tmp_path_factory.mktemp("postgres"), DATABASE_URL=url)
    running.start()
    yield running
    running.stop()


def test_a_call_keeps_its_conversation_and_incident_in_postgresql(
    on_postgres: RunningStack,
) -> None:
    phone = on_postgres.call()
    phone.start()
    phone.say("my monitor is flickering")
    phone.say_address(ADDRESS)
    phone.press("2")
    phone.say("it flickers when i move it")
    opened = phone.say("yes")
    assert opened.text.startswith("Done. Your incident number is I N C,")

    engine = database.engine(make_url(on_postgres.environ["DATABASE_URL"]))
    with engine.connect() as connection:
        [(title, email)] = connection.execute(
            sa.select(incidents.c.title, callers.c.email).join(
                callers, callers.c.id == incidents.c.caller_id
            )
        ).all()
        events = connection.execute(
            sa.text("SELECT count(*) FROM events WHERE sender_id = :call"),
            {"call": phone.call_sid},
        ).scalar_one()
    assert email == "pat.kim@example.com" and "monitor" in title.lower()
    assert events > 10


def test_an_action_server_refuses_tables_behind_its_code(postgres: PostgresServer) -> None:
    url = postgres.create_database(f"behind_{uuid.uuid4().hex[:8]}")
    environ = {**os.environ, "DATABASE_URL": url, "SERVICENOW_INSTANCE_URL": ""}
    started = subprocess.run(
        [sys.executable, "-m", "actions.server", "--port", "0"],
        cwd=PROJECT_ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode != 0
    assert "The action server will not start: The tables of postgresql://helpdesk@" in (
        started.stderr
    )
    assert "(DATABASE_URL) are at no version" in started.stderr
    assert "run `make migrate`" in started.stderr
