"""Letters as callers spell them: "a as in apple", "alpha bravo", "capital j".

Callers asked to spell use the spelling alphabet or an example word, and recognisers
write what they hear. Every change here keeps the text's length (the letter, then
spaces), so that positions found in the result are positions in the transcript.
"""

from __future__ import annotations

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
# Said between the letters of a spelled address: "alpha dot bravo".
_BETWEEN_LETTERS = {"dot", "underscore", "dash", "hyphen", "at"}


def letters_said(text: str) -> str:
    """The text with spelled letters as letters: "alpha bravo" -> "a     b    ".

    A spelling-alphabet word counts as a letter only next to another letter or
    spelling-alphabet word, so that "mike dot jones" stays a name.
    """
    text = _AS_IN.sub(lambda match: match.group(1) + " " * len(match.group(2)), text)
    text = _CASE.sub(lambda match: " " * len(match.group(0)), text)
    words = [w for w in _WORD.finditer(text) if w.group(0).lower() not in _BETWEEN_LETTERS]
    spelled = text
    for index, word in enumerate(words):
        letter = NATO.get(word.group(0).lower())
        if letter is None:
            continue
        neighbours = [
            words[i].group(0).lower() for i in (index - 1, index + 1) if 0 <= i < len(words)
        ]
        if any(other in NATO or len(other) == 1 for other in neighbours):
            start, end = word.span()
            spelled = spelled[:start] + letter + " " * (end - start - 1) + spelled[end:]
    return spelled
