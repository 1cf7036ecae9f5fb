"""The rolling restart's caller says a line again when the moving call lost it."""

from __future__ import annotations

from typing import cast

from channels.relay_session import RECONNECTED
from tools.harness.rolling_restart import answer
from tools.phone.relay_call import RelayCall
from tools.phone.twiml import Heard

QUESTION = "What is your email address?"


class Line:
    """A phone whose caller's line hears, in turn, what the script gives."""

    def __init__(self, *heard: Heard) -> None:
        self.heard = list(heard)
        self.said = 0
        self.silences = 0

    def say(self) -> Heard:
        self.said += 1
        return self.heard.pop(0)

    def stay_silent(self) -> Heard:
        self.silences += 1
        return Heard(said=[QUESTION], relay_url="wss://example.test/relay")


def listening(*said: str) -> Heard:
    return Heard(said=list(said), relay_url="wss://example.test/relay")


def test_a_line_heard_is_said_once() -> None:
    line = Line(listening("Thanks."))
    assert answer(cast(RelayCall, line), line.say).text == "Thanks."
    assert (line.said, line.silences) == (1, 0)


def test_a_line_lost_in_silence_is_said_again_after_the_question() -> None:
    line = Line(listening(), listening("Thanks."))
    assert answer(cast(RelayCall, line), line.say).text == "Thanks."
    assert (line.said, line.silences) == (2, 1)


def test_a_line_lost_with_a_dropped_socket_is_said_again_after_the_apology() -> None:
    line = Line(listening(RECONNECTED, QUESTION), listening("Thanks."))
    assert answer(cast(RelayCall, line), line.say).text == "Thanks."
    assert (line.said, line.silences) == (2, 0)


def test_a_call_that_ended_is_not_answered_again() -> None:
    line = Line(Heard(hung_up=True))
    assert answer(cast(RelayCall, line), line.say).ended
    assert line.said == 1
