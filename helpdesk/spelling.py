"""Letters as callers spell them: "a as in apple", "alpha bravo", "capital j".

Callers asked to spell use the spelling alphabet or an example word, and recognisers
write what they hear. Every change here keeps the text's length (the letter, then
spaces), so that positions found in the result are positions in the transcript.
"""

from __future__ import annotations

import difflib
import re

NATO = {
    "alpha": "a", "alfa": "a", "bravo": "b", "charlie": "c", "delta": "d", "echo": "e",
    "foxtrot": "f", "golf": "g", "hotel": "h", "india": "i", "juliet": "j", "juliett": "j",
    "kilo": "k", "lima": "l", "mike": "m", "november": "n", "oscar": "o", "papa": "p",
    "quebec": "q", "romeo": "r", "sierra": "s", "tango": "t", "uniform": "u",
    "victor": "v", "whiskey": "w", "whisky": "w", "x-ray": "x", "xray": "x",
    "yankee": "y", "zulu": "z",
}  # fmt: skip
# "a as in apple", "b for bravo", "c like charlie": the letter, then its example.
_AS_IN = re.compile(r"\b([a-z])(,?\s+(?:as\s+in|for|like)\s+[a-z-]+)\b", re.IGNORECASE)
# "capital j", "lowercase k": addresses have no case.
_CASE = re.compile(r"\b(?:capital|upper\s*case|lower\s*case|small)\s+(?=[a-z]\b)", re.I)
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?", re.IGNORECASE)
# Spelling-alphabet words a recogniser glued together: "alphabravo", "foxtrotalpha".
_ONE_WORD = re.compile("|".join(sorted(NATO, key=len, reverse=True)), re.IGNORECASE)
_GLUED = re.compile(rf"\b(?:{_ONE_WORD.pattern}){{2,}}\b", re.IGNORECASE)
# How alike a misheard word must be to a spelling-alphabet word between two others
# ("romeo nia echo": india) to count as it.
_MISHEARD_LETTER_WORD = 0.6
# Said between the letters of a spelled address: "alpha dot bravo".
_BETWEEN_LETTERS = {"dot", "underscore", "dash", "hyphen", "at"}


def letters_said(text: str) -> str:
    """The text with spelled letters as letters: "alpha bravo" -> "a     b    ".

    A spelling-alphabet word counts as a letter only next to another letter or
    spelling-alphabet word, so that "mike dot jones" stays a name.
    """
    text = _AS_IN.sub(lambda match: match.group(1) + " " * len(match.group(2)), text)
    text = _CASE.sub(lambda match: " " * len(match.group(0)), text)
    text = _GLUED.sub(_unglued, text)
    words = [w for w in _WORD.finditer(text) if w.group(0).lower() not in _BETWEEN_LETTERS]
    said = [word.group(0).lower() for word in words]
    spelled = text
    for index, word in enumerate(words):
        letter = _letter(said, index)
        if letter is not None:
            start, end = word.span()
            spelled = spelled[:start] + letter + " " * (end - start - 1) + spelled[end:]
    return spelled


def _letter(said: list[str], index: int) -> str | None:
    """The letter a word at `index` spells, if it is one in a spelled run."""
    neighbours = [said[i] for i in (index - 1, index + 1) if 0 <= i < len(said)]
    word = said[index]
    if word in NATO:
        return NATO[word] if any(n in NATO or len(n) == 1 for n in neighbours) else None
    if len(neighbours) == 2 and all(n in NATO for n in neighbours) and len(word) > 2:
        close = difflib.get_close_matches(word, NATO, n=1, cutoff=_MISHEARD_LETTER_WORD)
        return NATO[close[0]] if close else None
    return None


def _unglued(match: re.Match[str]) -> str:
    """Glued spelling-alphabet words as their letters, keeping the length:
    "alphabravo" -> "a    b    "."""
    pieces = _ONE_WORD.findall(match.group(0))
    return "".join(NATO[piece.lower()] + " " * (len(piece) - 1) for piece in pieces)
