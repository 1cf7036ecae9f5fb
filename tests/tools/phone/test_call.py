"""`make call RELAY=1`: the assistant's words are shown at the pace they are spoken, and
a line typed meanwhile talks over the rest."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator

import pytest

from tools.phone.call import played

TURN = "I heard kim at x dot com. Is that right?"


@pytest.fixture
def keyboard(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.TextIOWrapper]:
    """What the caller types, as the terminal delivers it: whole lines."""
    read, write = os.pipe()
    with os.fdopen(read) as typed, os.fdopen(write, "w") as keys:
        monkeypatch.setattr("sys.stdin", typed)
        yield keys


def test_a_turn_nobody_types_over_is_heard_to_its_end(
    keyboard: io.TextIOWrapper, capsys: pytest.CaptureFixture[str]
) -> None:
    assert played(TURN, pace=10_000.0) == (len(TURN), None)
    assert capsys.readouterr().out.strip() == TURN


def test_a_line_typed_while_the_assistant_speaks_talks_over_the_rest(
    keyboard: io.TextIOWrapper, capsys: pytest.CaptureFixture[str]
) -> None:
    keyboard.write("yes\n")
    keyboard.flush()
    # The line is already there after the first word: only that word was heard.
    assert played(TURN, pace=10_000.0) == (len("I "), "yes")
    assert capsys.readouterr().out == "I "


def test_an_empty_line_shows_the_rest_at_once(
    keyboard: io.TextIOWrapper, capsys: pytest.CaptureFixture[str]
) -> None:
    keyboard.write("\n")
    keyboard.flush()
    assert played(TURN, pace=1.0) == (len(TURN), None)
    assert capsys.readouterr().out.strip() == TURN
