"""Recogniser habits undone, keeping positions."""

from __future__ import annotations

import pytest

from helpdesk.recogniser_habits import undo_habits


@pytest.mark.parametrize(
    ("heard", "undone"),
    [
        ("K-I-M-L-E-E-4-5-6 at", "K I M L E E 4 5 6 at"),
        ("J.P.K. at", "J P K  at"),
        ("dot i.e.", "dot i e "),
        ("b-o-b-200 at", "b o b 200 at"),
        ("DA-L-O-B-E at", "DA L O B E at"),
    ],
)
def test_spelled_letters_are_apart_again(heard: str, undone: str) -> None:
    assert undo_habits(heard) == undone
    assert len(undo_habits(heard)) == len(heard)


@pytest.mark.parametrize(
    "kept", ["mary-ann at", "co-op", "bt.co.uk", "jane.doe@example.com", "it.support", "x-y"]
)
def test_words_and_domains_are_kept(kept: str) -> None:
    assert undo_habits(kept) == kept


def test_dashed_letters_with_a_dot_between_runs_keep_the_dot() -> None:
    assert undo_habits("B-E-S-P-O-K-E-N.I-O.") == "b e s p o k e n.i o."
    assert undo_habits("mary-ann at bt.co.uk") == "mary-ann at bt.co.uk"


def test_double_inside_dashed_letters_stays_a_word() -> None:
    assert undo_habits("K-I-M-L-double-E-4-5-6") == "K I M L double E 4 5 6"
