"""Buttons as a spoken menu: read them out, and map keypad digits or speech to a choice."""

from __future__ import annotations

import difflib
import re
from typing import Any

Button = dict[str, Any]

_FILLERS = {
    "um", "uh", "er", "erm", "hmm", "mm", "please", "thanks", "thank", "you", "i",
    "think", "guess", "say", "said", "would", "d", "id", "it", "its", "s", "is",
    "let", "lets", "go", "with", "the", "option", "just", "oh", "well", "so",
}  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+")
# A choice's number as recognisers write it when it is said alone: "won", "to", "for".
_SPOKEN_DIGITS = {
    "1": "1", "one": "1", "won": "1",
    "2": "2", "two": "2", "to": "2", "too": "2",
    "3": "3", "three": "3", "tree": "3", "free": "3",
    "4": "4", "four": "4", "for": "4", "fore": "4",
    "5": "5", "five": "5",
    "6": "6", "six": "6",
    "7": "7", "seven": "7",
    "8": "8", "eight": "8", "ate": "8",
    "9": "9", "nine": "9",
}  # fmt: skip
# Choice words as recognisers write them when they are said alone.
_HOMOPHONES = {"hi": "high", "hai": "high", "lo": "low", "media": "medium", "mediums": "medium"}
_NUMBER_WORDS = {"number", "press", "pressing", "option", "choice", "pick", "choose"}
# How close a misrecognised answer must be to a title ("meedium" for "medium" is 0.92).
_CLOSE_ENOUGH = 0.75
MAX_WORDS_AROUND_A_CHOICE = 2


def spoken_menu(buttons: list[Button]) -> str:
    """Reads the choices out: `Say low, medium, or high, or press 1, 2, or 3.`"""
    titles = [str(button.get("title", "")) for button in buttons]
    digits = [str(number) for number in range(1, len(buttons) + 1)]
    return f"Say {_spoken_list(titles)}, or press {_spoken_list(digits)}."


def _spoken_list(items: list[str]) -> str:
    if len(items) <= 2:
        return " or ".join(items)
    return f"{', '.join(items[:-1])}, or {items[-1]}"


def payload_for_digits(buttons: list[Button], digits: str) -> str | None:
    """Button N's payload for keypad input N, if there is such a button."""
    if digits.isdigit() and 1 <= int(digits) <= len(buttons):
        return str(buttons[int(digits) - 1].get("payload"))
    return None


def payload_for_speech(buttons: list[Button], speech: str) -> str | None:
    """The payload of the button the caller named or whose number they said, tolerating
    fillers, homophones ("Hi." for high, "to" for 2) and small errors."""
    spoken = _meaningful_words(speech)
    if not spoken:
        return None
    titles = {" ".join(_meaningful_words(str(b.get("title", "")))): b for b in buttons}
    phrase = " ".join(spoken)
    if phrase in titles:
        return str(titles[phrase].get("payload"))
    number = [word for word in spoken if word not in _NUMBER_WORDS]
    if len(number) == 1 and number[0] in _SPOKEN_DIGITS:
        return payload_for_digits(buttons, _SPOKEN_DIGITS[number[0]])
    # "medium priority" names a choice; "no, make it high" says more than a choice,
    # so the NLU reads the whole of it.
    named = [title for title in titles if title and title in spoken]
    if len(named) == 1 and len(spoken) <= MAX_WORDS_AROUND_A_CHOICE:
        return str(titles[named[0]].get("payload"))
    close = difflib.get_close_matches(phrase, list(titles), n=2, cutoff=_CLOSE_ENOUGH)
    if len(close) == 1:
        return str(titles[close[0]].get("payload"))
    return None


def _meaningful_words(text: str) -> list[str]:
    words = [word for word in _WORD.findall(text.lower()) if word not in _FILLERS]
    return [_HOMOPHONES.get(word, word) for word in words]
