"""Buttons become a spoken menu answered by keypad or speech."""

from __future__ import annotations

import pytest

from channels.menu import payload_for_digits, payload_for_speech, spoken_menu

PRIORITIES = [
    {"title": "low", "payload": '/inform{"priority":"low"}'},
    {"title": "medium", "payload": '/inform{"priority":"medium"}'},
    {"title": "high", "payload": '/inform{"priority":"high"}'},
]
YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


def test_the_menu_names_choices_and_keys() -> None:
    assert spoken_menu(PRIORITIES) == "Say low, medium, or high, or press 1, 2, or 3."
    assert spoken_menu(YES_NO) == "Say Yes or No, or press 1 or 2."


@pytest.mark.parametrize(
    ("digits", "choice"), [("1", "low"), ("3", "high"), ("4", None), ("", None)]
)
def test_key_n_chooses_button_n(digits: str, choice: str) -> None:
    expected = f'/inform{{"priority":"{choice}"}}' if choice else None
    assert payload_for_digits(PRIORITIES, digits) == expected


@pytest.mark.parametrize(
    ("speech", "choice"),
    [
        ("High.", "high"),
        ("Hi.", "high"),
        ("To.", "medium"),
        ("too", "medium"),
        ("Won.", "low"),
        ("number 3", "high"),
        ("press three please", "high"),
        ("For.", None),
        ("um i guess medium please", "medium"),
        ("Lo", "low"),
        ("meedium", "medium"),
        ("medium or high", None),
        ("medium priority", "medium"),
        ("no make it high", None),
        ("it is not urgent", None),
    ],
)
def test_spoken_choices_tolerate_fillers_case_and_small_errors(speech: str, choice: str) -> None:
    expected = f'/inform{{"priority":"{choice}"}}' if choice else None
    assert payload_for_speech(PRIORITIES, speech) == expected


def test_yes_and_no_with_politeness() -> None:
    assert payload_for_speech(YES_NO, "yes please") == "/affirm"
    assert payload_for_speech(YES_NO, "no thanks") == "/deny"
    assert payload_for_speech(YES_NO, "yeah go for it") is None
    assert payload_for_speech(YES_NO, "no, make it medium") is None
    assert payload_for_speech(YES_NO, "no, change the description") is None
