"""Fixtures shared by the test modules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """The assistant's domain as the action server receives it."""
    with open(PROJECT_ROOT / "domain.yml", encoding="utf-8") as domain_file:
        return yaml.safe_load(domain_file)
