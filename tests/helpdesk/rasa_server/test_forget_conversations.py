"""One caller's conversations are forgotten from the Rasa server's image, and a store
that is not there is named rather than counted as empty."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from helpdesk.operator_command import run
from helpdesk.rasa_server import forget_conversations
from helpdesk.rasa_server.stores import configured_tracker_store
from tests.helpdesk.rasa_server.test_retention import DOMAIN, kept, save_call


@pytest.fixture
def sqlite_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REDIS_URL", "")
    monkeypatch.setenv("DATABASE_URL", "")
    monkeypatch.setenv("TRACKER_STORE_DB", str(tmp_path / "tracker.db"))
    monkeypatch.setenv("TWILIO_ENVIRONMENT", "development")
    return tmp_path / "tracker.db"


def test_a_callers_conversations_are_deleted(
    conversations_in: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TWILIO_ENVIRONMENT", "development")
    save_call(configured_tracker_store(DOMAIN), "CAa", "+15005550101", "kim@example.com", 1)
    save_call(configured_tracker_store(DOMAIN), "CAb", "+15005550102", "jo@example.com", 1)
    assert run(forget_conversations.main, ["--email", "kim@example.com"]) == 0
    assert capsys.readouterr().out == "Deleted 1 conversations.\n"
    assert kept(configured_tracker_store(DOMAIN)) == ["CAb"]


def test_a_missing_conversation_store_is_named(
    sqlite_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(forget_conversations.main, ["--phone", "+15005550101"]) == 2
    error = capsys.readouterr().err
    assert f"No conversation store at {sqlite_store} (TRACKER_STORE_DB)" in error
    assert not sqlite_store.exists()


def test_production_refuses_the_development_environment(
    sqlite_store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    save_call(configured_tracker_store(DOMAIN), "CAa", "+15005550101", "kim@example.com", 1)
    monkeypatch.setenv("TWILIO_ENVIRONMENT", "production")
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "local-development-action-token")
    assert run(forget_conversations.main, ["--email", "kim@example.com"]) == 2
    assert "not the servers' environment" in capsys.readouterr().err
    assert asyncio.run(configured_tracker_store(DOMAIN).retrieve("CAa")) is not None
