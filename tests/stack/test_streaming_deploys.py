"""A deploy drops no streaming call: a stopping server moves its calls to another."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.running_stack import RELAY, RunningStack
from tools.phone.relay_call import RelayCall

ASK_EMAIL = "What is your email address?"


@pytest.fixture(scope="module")
def shared_state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("two-servers")


def running(state: Path) -> RunningStack:
    stack = RunningStack(state)
    stack.start()
    return stack


@pytest.fixture(scope="module")
def staying(shared_state: Path) -> Iterator[RunningStack]:
    """The replica that stays up; it shares the conversations' store with the other."""
    stack = running(shared_state)
    yield stack
    stack.stop()


def test_a_stopping_server_moves_its_call_to_the_next_at_the_same_question(
    shared_state: Path, staying: RunningStack
) -> None:
    leaving = running(shared_state)
    phone = leaving.call(line=RELAY)
    assert isinstance(phone, RelayCall)
    phone.start()
    assert phone.say("check my incidents").text == ASK_EMAIL

    leaving.stop()  # SIGTERM, as a rolling deploy stops a task
    # The load balancer sends Twilio's action callback and the new socket elsewhere.
    phone.server_url = phone.public_url = staying.url
    read_back = phone.say("nobody dot here at example dot com")

    assert read_back.text.startswith("I heard nobody dot here at example dot com.")
    assert any(
        frame.get("type") == "end" and '"moved"' in str(frame.get("handoffData"))
        for frame in phone.frames
    )
    assert not any("Traceback" in line for line in leaving.output)
