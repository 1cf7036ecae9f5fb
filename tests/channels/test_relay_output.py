"""Bot messages spoken on the socket as they come: the disclosure heard in full, nothing
after a hang-up, and the turn's waits timed."""

from __future__ import annotations

import asyncio
import json

import pytest

from channels import relay_output
from channels.relay_output import RelayOutput


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        self.now += 0.01  # every reading is 10 ms after the one before
        return self.now


def spoken(frames: list[str]) -> list[tuple[str, bool, bool]]:
    messages = [json.loads(frame) for frame in frames]
    return [(m["token"], m["last"], m.get("interruptible", True)) for m in messages]


def test_the_greetings_disclosure_is_heard_in_full_and_nothing_after_a_hang_up() -> None:
    frames: list[str] = []

    async def send(frame: str) -> None:
        frames.append(frame)

    async def turn() -> None:
        output = RelayOutput(send, disclosure=True)
        await output.send_text_message("CA1", "Hello, this is the automated assistant.")
        await output.send_text_message("CA1", "How can I help?")
        await output.send_custom_json("CA1", {"hangup": True})
        await output.send_text_message("CA1", "Never heard.")
        await output.say("", last=True)
        assert len(output.messages) == 4 and output.sentences_sent == 2

    asyncio.run(turn())
    assert spoken(frames) == [
        ("Hello, this is the automated assistant.", False, False),
        ("How can I help?", False, True),
        ("", True, True),
    ]


def test_a_prompted_turn_times_its_first_and_last_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(relay_output.time, "monotonic", Clock())

    async def send(frame: str) -> None:
        return None

    async def turn() -> dict[str, int]:
        output = RelayOutput(send, prompted_at=50.0)
        await output.send_text_message("CA1", "One.")
        await output.send_text_message("CA1", "Two.")
        await output.say("", last=True)
        return output.timings()

    assert asyncio.run(turn()) == {"first_text_ms": 10, "last_text_ms": 30}


def test_a_turn_nobody_prompted_has_no_timings() -> None:
    async def send(frame: str) -> None:
        return None

    async def turn() -> dict[str, int]:
        output = RelayOutput(send)
        await output.say("Sorry, I didn't hear anything.", last=True)
        return output.timings()

    assert asyncio.run(turn()) == {}
