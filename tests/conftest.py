"""Fixtures shared by the test modules."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Before anything imports Rasa, as the server starts (see the module).
# isort: split
import helpdesk.rasa_server.startup_imports  # noqa: F401

# isort: split
import yaml
from rasa.core.agent import Agent
from rasa.utils.endpoints import EndpointConfig

from actions.incidents.servicenow import ServiceNowIncidents
from actions.incidents.servicenow_config import ServiceNowConfig
from actions.storage.database import Database
from helpdesk.rasa_server import speedups
from tests.support.databases import (
    BACKENDS,
    fresh_postgres_database,
    running_postgres,
    sqlite_database,
)
from tests.support.running_stack import ActionServer, RunningStack
from tools.checkout import load_environment
from tools.fakes.duckling_server import running_duckling
from tools.fakes.postgres_server import PostgresServer
from tools.fakes.servicenow_data import Faults, Tables, Tokens
from tools.fakes.servicenow_server import PASSWORD, USER, ServiceNowTestServer, running_servicenow

PROJECT_ROOT = Path(__file__).resolve().parent.parent
STACK_TESTS = PROJECT_ROOT / "tests" / "stack"
# Tests run with example.env's defaults, as `make run` does (the shared action server
# token, for one); a variable already set wins.
load_environment()
# The Rasa server of the tests runs with the same speed-ups as `make run`.
speedups.install()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tiers: tests under tests/stack/ are `stack` tests, and only they may start the
    whole stack; tests that load the trained model are `model` tests. `make unit` runs
    neither (nor `servers` tests, marked where they start Redis or Duckling)."""
    misplaced = []
    for item in items:
        in_stack_folder = Path(item.path).is_relative_to(STACK_TESTS)
        if in_stack_folder:
            item.add_marker(pytest.mark.stack)
        elif "stack" in getattr(item, "fixturenames", ()):
            misplaced.append(item.nodeid)
        if "trained_agent" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.model)
    if misplaced:
        raise pytest.UsageError(f"whole-stack tests belong in tests/stack/: {misplaced}")


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """The assistant's domain as the action server receives it."""
    with open(PROJECT_ROOT / "domain.yml", encoding="utf-8") as domain_file:
        return yaml.safe_load(domain_file)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """The whole assistant (`make run`) on free ports, started once per test session."""
    running = RunningStack(tmp_path_factory.mktemp("stack"))
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def servicenow_server() -> Iterator[ServiceNowTestServer]:
    with running_servicenow() as server:
        yield server


@pytest.fixture
def servicenow(servicenow_server: ServiceNowTestServer) -> ServiceNowTestServer:
    """The ServiceNow test instance with its seed data and no faults."""
    servicenow_server.tables = Tables()
    servicenow_server.faults = Faults()
    servicenow_server.tokens = Tokens()
    servicenow_server.requests_seen = 0
    return servicenow_server


def servicenow_config(server: ServiceNowTestServer, **overrides: Any) -> ServiceNowConfig:
    """A configuration for the test instance that retries without waiting."""
    settings: dict[str, Any] = {
        "instance_url": server.url,
        "user": USER,
        "password": PASSWORD,
        "read_timeout": 2.0,
        "backoff_seconds": 0.0,
        **overrides,
    }
    return ServiceNowConfig(**settings)


@pytest.fixture
def servicenow_backend(servicenow: ServiceNowTestServer) -> ServiceNowIncidents:
    return ServiceNowIncidents(servicenow_config(servicenow))


@pytest.fixture(scope="session")
def trained_agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Agent]:
    """The trained model, loaded once, parsing with a real Duckling and running its
    custom actions (the greeting among them) on the project's action server."""
    incidents = tmp_path_factory.mktemp("agent") / "incidents.db"
    actions = ActionServer({**os.environ, "INCIDENT_DB_PATH": str(incidents)})
    actions.start()
    bearer = {"Authorization": f"Bearer {os.environ['ACTION_SERVER_TOKEN']}"}
    try:
        with running_duckling() as duckling, pytest.MonkeyPatch.context() as environment:
            environment.setenv("RASA_DUCKLING_HTTP_URL", duckling.url)
            yield Agent.load(
                str(PROJECT_ROOT / "models" / "helpdesk.tar.gz"),
                action_endpoint=EndpointConfig(actions.url, headers=bearer),
            )
    finally:
        actions.stop()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the session (started only if a test needs it)."""
    with running_postgres() as server:
        yield server


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database of the action server: a SQLite file, then PostgreSQL."""
    if request.param == "sqlite":
        yield sqlite_database(tmp_path / "helpdesk.db")
        return
    with fresh_postgres_database(request.getfixturevalue("postgres")) as fresh:
        yield fresh
