"""No streaming session outlives its use: a session where nothing happens is ended."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.running_stack import RELAY, RunningStack
from tools.harness.load import scrape
from tools.phone.relay_call import RelayCall

IDLE_SECONDS = 3


@pytest.fixture(scope="module")
def quick_to_idle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    stack = RunningStack(
        tmp_path_factory.mktemp("idle"),
        TWILIO_INPUT_TIMEOUT="1",
        TWILIO_RELAY_IDLE_SECONDS=str(IDLE_SECONDS),
    )
    stack.start()
    yield stack
    stack.stop()


def test_a_session_stuck_with_the_caller_talking_is_ended_politely(
    quick_to_idle: RunningStack,
) -> None:
    idle = ("helpdesk_relay_sessions_total", (("ending", "idle"),))
    before = scrape(quick_to_idle.metrics_port).get(idle, 0)
    phone = quick_to_idle.call(line=RELAY)
    assert isinstance(phone, RelayCall)
    phone.start()

    # Twilio said the caller started talking, and then nothing more ever came.
    phone.start_speaking()
    ended = phone.stay_silent()

    assert ended.hung_up
    assert ended.text == "I can't hear anything on the line, so I'll end the call now. Goodbye."
    assert scrape(quick_to_idle.metrics_port).get(idle, 0) == before + 1
