"""Letters as callers spell them."""

from __future__ import annotations

import pytest

from helpdesk.spelling import letters_said


@pytest.mark.parametrize(
    ("said", "letters"),
    [
        ("juliet alpha november echo", "j a n e"),
        ("a as in apple b for bravo", "a b"),
        ("c like charlie dot d", "c dot d"),
        ("Capital J a n e", "J a n e"),
        ("x-ray yankee zulu", "x y z"),
        ("alpha dot bravo", "a dot b"),
    ],
)
def test_spelled_letters_become_letters(said: str, letters: str) -> None:
    spelled = letters_said(said)
    assert len(spelled) == len(said)  # positions stay positions in the transcript
    assert spelled.split() == letters.split()


@pytest.mark.parametrize("said", ["mike dot jones", "oscar at example dot com", "golf clubs"])
def test_a_spelling_word_alone_stays_a_word(said: str) -> None:
    assert letters_said(said) == said


@pytest.mark.parametrize(
    ("heard", "letters"),
    [
        ("Foxtrot alphabravo Romeo", "f a b r"),  # glued by the recogniser
        ("oscar dot bravo romeo nia echo november", "o dot b r i e n"),  # "india" misheard
    ],
)
def test_the_spelling_alphabet_as_recognisers_write_it(heard: str, letters: str) -> None:
    spelled = letters_said(heard)
    assert len(spelled) == len(heard) and spelled.split() == letters.split()
