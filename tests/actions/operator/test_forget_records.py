"""What the action server keeps of one caller is forgotten from its image: the outbox's
entries with ServiceNow, the directory entry and incidents with the embedded store."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from actions.incidents import Caller, Reported
from actions.incidents.embedded import EmbeddedIncidentStore
from actions.incidents.outbox import Outbox, PendingIncident
from actions.operator import forget_records
from actions.storage.database import Database
from helpdesk.operator_command import run

KIM = "kim@example.com"


@pytest.fixture(autouse=True)
def development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_ENVIRONMENT", "development")


def pointed_at(database: Database, variable: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's environment names the database: its own file, or DATABASE_URL."""
    url = database.engine.url
    if url.drivername == "sqlite":
        monkeypatch.setenv("DATABASE_URL", "")
        monkeypatch.setenv(variable, str(url.database))
    else:
        monkeypatch.setenv("DATABASE_URL", url.render_as_string(hide_password=False))


def embedded(database: Database, monkeypatch: pytest.MonkeyPatch) -> EmbeddedIncidentStore:
    monkeypatch.setenv("SERVICENOW_INSTANCE_URL", "")
    pointed_at(database, "INCIDENT_DB_PATH", monkeypatch)
    return EmbeddedIncidentStore(database)


def file_for(store: EmbeddedIncidentStore, email: str, title: str, phone: str = "") -> None:
    caller = store.find_caller_by_email(email)
    assert caller is not None
    if phone:
        store.bind_phone(caller, phone)
    store.create_incident(caller, title, f"Reported by phone from {phone or 'nowhere'}.", "low")


def titles(store: EmbeddedIncidentStore, email: str) -> list[str]:
    caller = store.find_caller_by_email(email)
    assert caller is not None
    return [incident.title for incident in store.list_incidents(caller)]


def test_the_embedded_store_forgets_the_callers_entry_and_incidents(
    database: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = embedded(database, monkeypatch)
    file_for(store, KIM, "VPN down", "+15005550101")
    file_for(store, "jo@example.com", "Printer jams")
    file_for(store, "", "Call back about incident status", "+15005550101")  # for no one
    outage = store.declare_major_incident("Email is down", "it-operations@localhost")
    assert run(forget_records.main, ["--phone", "+15005550101"]) == 0
    assert capsys.readouterr().out == "Deleted 2 incidents and the caller's directory entry.\n"
    assert store.find_caller_by_phone("+15005550101") is None
    assert titles(store, KIM) == []  # a new, empty entry: the old one is gone
    assert titles(store, "jo@example.com") == ["Printer jams"]
    assert titles(store, "") == []
    assert store.major_incidents() == [outage]


def test_with_servicenow_the_outbox_forgets_the_address(
    database: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SERVICENOW_INSTANCE_URL", "https://example.service-now.com")
    pointed_at(database, "OUTBOX_DB_PATH", monkeypatch)
    outbox = Outbox(database)
    when = datetime.now(timezone.utc)
    outbox.add(PendingIncident("c1", Caller("s1", KIM), "VPN", "down", "high", when, Reported()))
    assert run(forget_records.main, ["--email", KIM]) == 0
    assert "Deleted 1 incidents waiting in the outbox" in capsys.readouterr().out
    assert outbox.pending() == []


@pytest.mark.parametrize(
    ("servicenow", "variable"),
    [("", "INCIDENT_DB_PATH"), ("https://example.service-now.com", "OUTBOX_DB_PATH")],
)
def test_a_missing_store_is_named_not_counted_as_empty(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    servicenow: str,
    variable: str,
) -> None:
    monkeypatch.setenv("SERVICENOW_INSTANCE_URL", servicenow)
    monkeypatch.setenv(variable, str(tmp_path / "not-here.db"))
    assert run(forget_records.main, ["--email", KIM]) == 2
    assert f"at {tmp_path / 'not-here.db'} ({variable})" in capsys.readouterr().err
