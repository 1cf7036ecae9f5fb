"""The stack runner leaves no service behind, however it is stopped."""

from __future__ import annotations

import pytest

from tools.runner.runner_check import STOPS, leftover_services

pytestmark = pytest.mark.servers


@pytest.mark.parametrize("kind", sorted(STOPS))
def test_no_service_outlives_the_runner(kind: str) -> None:
    assert leftover_services(kind) == []
