"""Numbers as callers say them inside addresses: digit by digit, in pairs, or whole."""

from __future__ import annotations

_DIGITS = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_MULTIPLIERS = {"hundred": 100, "thousand": 1000}


def is_number(word: str) -> bool:
    """Whether a word is a spoken number word ("four", "thousand", "oh")."""
    return word in _DIGITS or word in _MULTIPLIERS


def is_number_word(words: list[str], index: int) -> bool:
    """Whether the word at `index` is part of a spoken number."""
    return 0 <= index < len(words) and is_number(words[index])


def read_number(words: list[str], index: int) -> tuple[str, int]:
    """Reads a run of number words: "four five six" is 456, "twenty one" 21, "two thousand"
    2000, and "nineteen eighty four" 1984, as people say years and numbers."""
    start = index
    while is_number_word(words, index):
        index += 1
    run = words[start:index]
    if any(word in _MULTIPLIERS for word in run):
        return str(_cardinal(run)), index
    chunks: list[str] = []
    position = 0
    while position < len(run):
        value = _DIGITS[run[position]]
        following = _DIGITS.get(run[position + 1], 10) if position + 1 < len(run) else 10
        if value >= 20 and 0 < following < 10:
            chunks.append(str(value + following))
            position += 2
        else:
            chunks.append(str(value))
            position += 1
    return "".join(chunks), index


def _cardinal(run: list[str]) -> int:
    total = current = 0
    for word in run:
        if word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total += max(current, 1) * 1000
            current = 0
        else:
            current += _DIGITS[word]
    return total + current
