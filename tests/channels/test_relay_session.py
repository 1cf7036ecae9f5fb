"""What a caller heard before talking over the streaming line: a read-back's details."""

from __future__ import annotations

import pytest

from channels.relay_session import details_before_the_question, heard_in_full
from channels.spoken_turn import Reply, spoken_turn

YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
READ_BACK = Reply([{"text": "I heard kim.lee@example.com. Is that right?", "buttons": YES_NO}])


def test_a_read_backs_details_are_what_comes_before_its_question_and_menu() -> None:
    assert details_before_the_question(spoken_turn(READ_BACK)) == (
        "I heard kim dot lee at example dot com."
    )


def test_a_lone_question_has_no_details() -> None:
    turn = spoken_turn(Reply([{"text": "How urgent is this?", "buttons": YES_NO}]))
    assert details_before_the_question(turn) == ""


@pytest.mark.parametrize(
    ("heard", "in_full"),
    [
        ("I heard kim dot lee at example dot com. Is", True),
        ("i heard kim dot lee at example dot com", True),
        ("I heard kim dot lee at exa", False),
        ("I heard", False),
        ("", False),
        ("something else entirely", False),
    ],
)
def test_details_count_as_heard_only_when_all_of_them_were_played(
    heard: str, in_full: bool
) -> None:
    assert heard_in_full(heard, "I heard kim dot lee at example dot com.") is in_full


def test_a_turn_without_details_was_heard_whenever_it_was_cut() -> None:
    assert heard_in_full("How", "")
