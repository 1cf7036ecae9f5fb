"""Whole calls run on both lines a number can use, from one description of each call."""

from __future__ import annotations

import pytest

from tests.support.running_stack import LINES


@pytest.fixture(params=LINES)
def line(request: pytest.FixtureRequest) -> str:
    """The `<Gather>` line or the ConversationRelay (streaming) line."""
    return str(request.param)
