"""A streaming line set up by an operator: a session where nothing happens is ended,
and callers hear who processes their speech."""

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
        TWILIO_RELAY_PROVIDERS_NOTICE="true",
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


def test_callers_hear_who_processes_their_speech_before_the_greeting(
    quick_to_idle: RunningStack,
) -> None:
    phone = quick_to_idle.call(line=RELAY)
    assert isinstance(phone, RelayCall)
    greeting = phone.start()
    notice = (
        "Your words are transcribed by Deepgram, and the assistant's voice comes from "
        "Amazon, through Twilio."
    )
    assert greeting.said[0] == notice
    assert greeting.said[1].startswith("Hello, this is the I T help desk's automated assistant.")
    first = phone.frames[0]
    assert first["token"] == notice and first["interruptible"] is False
    phone.hang_up()
