"""Settings: the environment wins over .env, which wins over example.env."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tools import checkout


def test_environment_then_dotenv_then_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("FROM_DOTENV=dotenv\nIN_BOTH=dotenv\nIN_ALL=dotenv\n")
    (tmp_path / "example.env").write_text("IN_BOTH=example\nIN_ALL=example\nDEFAULT=example\n")
    monkeypatch.setattr(checkout, "PROJECT_ROOT", tmp_path)
    monkeypatch.setenv("IN_ALL", "process")
    for name in ("FROM_DOTENV", "IN_BOTH", "DEFAULT"):
        # Set, then deleted: monkeypatch then removes what load_environment adds.
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)

    checkout.load_environment()

    assert os.environ["IN_ALL"] == "process"
    assert os.environ["IN_BOTH"] == "dotenv"
    assert os.environ["FROM_DOTENV"] == "dotenv"
    assert os.environ["DEFAULT"] == "example"
