"""Operators' commands refuse a development environment in production and name a
missing store."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpdesk.operator_command import OperatorError, require_servers_environment, store_url

PRODUCTION = {"TWILIO_ENVIRONMENT": "production"}


@pytest.mark.parametrize("token", ["", "local-development-action-token"])
def test_production_with_example_envs_token_is_refused(token: str) -> None:
    with pytest.raises(OperatorError, match="not the servers' environment"):
        require_servers_environment({**PRODUCTION, "ACTION_SERVER_TOKEN": token})


def test_production_with_its_own_secret_and_development_with_any_run() -> None:
    require_servers_environment({**PRODUCTION, "ACTION_SERVER_TOKEN": "s3cret-of-the-deploy"})
    require_servers_environment({"ACTION_SERVER_TOKEN": "local-development-action-token"})


def test_a_store_is_read_from_its_variable_or_default_and_must_exist(tmp_path: Path) -> None:
    there = tmp_path / "there.db"
    there.write_bytes(b"")
    found = store_url("DB_PATH", "unused.db", "store", {"DB_PATH": str(there)})
    assert found.drivername == "sqlite" and found.database == str(there)
    with pytest.raises(OperatorError, match=r"No store at var/none\.db \(DB_PATH\)"):
        store_url("DB_PATH", "var/none.db", "store", {})


def test_with_a_database_url_the_store_is_in_that_database() -> None:
    shared = {"DATABASE_URL": "postgresql://desk:s3cret@db.internal:5432/helpdesk"}
    found = store_url("DB_PATH", "var/none.db", "store", shared)
    assert (found.host, found.database) == ("db.internal", "helpdesk")
