"""Outages are declared, listed and ended from the action server's image."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.incidents.embedded import EmbeddedIncidentStore
from actions.operator import outage
from helpdesk.operator_command import run
from tests.support.databases import sqlite_database


def test_outages_are_declared_listed_and_ended(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("INCIDENT_DB_PATH", str(tmp_path / "incidents.db"))
    monkeypatch.setenv("SERVICENOW_INSTANCE_URL", "")
    EmbeddedIncidentStore(sqlite_database(tmp_path / "incidents.db"))  # as the server left it

    assert outage.main(["--declare", "Email is down"]) == 0
    declared = capsys.readouterr().out
    assert "Declared INC0010001: Email is down" in declared
    assert "  INC0010001: Email is down" in declared
    assert outage.main(["--end", "INC0010001"]) == 0
    assert capsys.readouterr().out.splitlines() == ["Ended INC0010001", "No open outages."]
    with pytest.raises(SystemExit):
        outage.main(["--end", "INC0010001"])


def test_a_missing_store_is_named_not_taken_for_no_outages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("INCIDENT_DB_PATH", str(tmp_path / "elsewhere.db"))
    monkeypatch.setenv("SERVICENOW_INSTANCE_URL", "")
    assert run(outage.main, []) == 2
    error = capsys.readouterr().err
    assert f"No embedded incident store at {tmp_path / 'elsewhere.db'} (INCIDENT_DB_PATH)" in error
    assert not (tmp_path / "elsewhere.db").exists()
