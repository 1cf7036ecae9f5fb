"""Fixtures shared by the test modules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Before Rasa imports TensorFlow, or importing skops takes 8 s (see tools/rasa_cli.py).
import skops.io  # noqa: F401
import yaml

from tests.running_stack import RunningStack

PROJECT_ROOT = Path(__file__).resolve().parent.parent


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
