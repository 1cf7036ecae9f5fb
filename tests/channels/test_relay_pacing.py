"""A streaming call's clock: silences after the caller heard the assistant out, idle
sessions, and calls that go on too long."""

from __future__ import annotations

import pytest

from channels import relay_pacing
from channels.relay_pacing import IDLE, SILENCE, TOO_LONG, RelayPacing


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(relay_pacing.time, "monotonic", fake)
    return fake


def test_silence_is_timed_from_when_the_caller_heard_the_turn(clock: Clock) -> None:
    pacing = RelayPacing(input_timeout=5, idle_seconds=120, longest_call_seconds=3600)
    pacing.spoke(140)  # about 10 s of speech
    assert pacing.deadline() == (1015.0, SILENCE)
    clock.now = 1003.0
    pacing.heard()  # Twilio: played (the caller cut it short)
    assert pacing.deadline() == (1008.0, SILENCE) and pacing.heard_confirmed


def test_a_long_turn_is_estimated_at_no_more_than_thirty_seconds(clock: Clock) -> None:
    pacing = RelayPacing(input_timeout=5, idle_seconds=120, longest_call_seconds=3600)
    pacing.spoke(10_000)
    assert pacing.deadline() == (1035.0, SILENCE)


def test_while_the_caller_talks_only_idleness_is_timed(clock: Clock) -> None:
    pacing = RelayPacing(input_timeout=5, idle_seconds=120, longest_call_seconds=3600)
    pacing.spoke(14)
    clock.now = 1002.0
    pacing.speaking(True)
    assert pacing.deadline() == (1122.0, IDLE)
    pacing.answered()
    assert pacing.deadline() == (1122.0, IDLE)  # nothing to time until the next turn


def test_no_call_outlives_its_longest(clock: Clock) -> None:
    pacing = RelayPacing(input_timeout=5, idle_seconds=120, longest_call_seconds=600)
    clock.now = 1590.0
    pacing.spoke(14)
    assert pacing.deadline() == (1596.0, SILENCE)  # 1 s of speech, then 5 s
    clock.now = 1597.0
    pacing.speaking(True)
    assert pacing.deadline() == (1600.0, TOO_LONG)
