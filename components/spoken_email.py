"""Finds the email address a caller spelled out in a phone transcript.

Speech recognisers write addresses as words: "j p k at bespoken dot io", "mary
underscore ann at contoso dot com", "sam four five six at g mail dot com". This
module turns such transcripts into the address the caller meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

_WRITTEN = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_TOKEN = re.compile(r"[^\s,;:!?]+")
_AT = {"at", "@"}
_DOT = {"dot", "period", "point", "."}
_SYMBOLS = {
    "underscore": "_",
    "under-score": "_",
    "dash": "-",
    "hyphen": "-",
    "minus": "-",
    "plus": "+",
}
_DIGITS = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_MULTIPLIERS = {"hundred": 100, "thousand": 1000}
# Fillers that may stand between "at" and the domain.
_DOMAIN_FILLERS = {"um", "uh", "er", "erm"}
# Words around an address that are never part of it.
_STOP = {
    "my", "email", "e-mail", "mail", "address", "is", "it's", "its", "it",
    "sure", "yes", "yeah", "yep", "ok", "okay", "so", "um", "uh", "er", "erm", "hmm",
    "well", "the", "that's", "thats", "this", "and", "please", "thanks", "thank",
    "you", "use", "try", "reach", "me", "i", "i'm", "am", "can", "be", "reached",
    "hi", "hello", "sorry", "no", "correct", "right", "actually", "like", "just",
    # Words of the sentence an address is said in: "an incident for jane dot doe at ...".
    "for", "to", "from", "of", "on", "with", "by", "about", "send", "sent", "mails",
    "emails", "incident", "ticket", "priority", "high", "medium", "low", "urgent", "open",
    "problem", "issue", "contact", "write", "writing", "changed",
}  # fmt: skip
_TLD = re.compile(r"^[a-z]{2,24}$")


@dataclass(frozen=True)
class FoundEmail:
    """An address and the span of the transcript it was read from."""

    address: str
    start: int
    end: int


def find_spoken_email(text: str) -> FoundEmail | None:
    """The first address in the transcript, written or spoken, if it is valid."""
    written = _WRITTEN.search(text)
    if written:
        address = _valid(written.group(0).strip(".'").lower())
        if address:
            return FoundEmail(address, written.start(), written.end())
    tokens = [piece for match in _TOKEN.finditer(text) for piece in _pieces(match)]
    for index, (word, _, _) in enumerate(tokens):
        if word in _AT:
            found = _around(tokens, index)
            if found:
                return found
    return None


def _pieces(match: re.Match[str]) -> list[tuple[str, int, int]]:
    """A token with its positions; `kim.lee` and `gmail.com` become word, dot, word."""
    word = match.group(0).lower().strip(".'\"")
    start = match.start() + match.group(0).lower().index(word) if word else match.start()
    pieces: list[tuple[str, int, int]] = []
    for index, part in enumerate(word.split(".")):
        if index:
            pieces.append((".", start - 1, start))
        pieces.append((part, start, start + len(part)))
        start += len(part) + 1
    return [piece for piece in pieces if piece[0]]


def _around(tokens: list[tuple[str, int, int]], at: int) -> FoundEmail | None:
    local_words = _local_part_words(tokens, at)
    domain_words, last = _domain_words(tokens, at)
    if not local_words or not domain_words:
        return None
    local = _spell([word for word, _, _ in local_words])
    domain = _domain([word for word, _, _ in domain_words])
    address = _valid(f"{local}@{domain}") if local and domain else None
    if address is None:
        return None
    return FoundEmail(address, local_words[0][1], tokens[last][2])


def _local_part_words(tokens: list[tuple[str, int, int]], at: int) -> list[tuple[str, int, int]]:
    """Words before "at", back to the first word that cannot belong to an address."""
    start = at
    while start > 0 and _may_precede(tokens, start - 1, at):
        start -= 1
    words = tokens[start:at]
    while words and (words[0][0] in _DOT or words[0][0] in _SYMBOLS):
        words.pop(0)
    return words


def _may_precede(tokens: list[tuple[str, int, int]], index: int, at: int) -> bool:
    word = tokens[index][0]
    if word in _AT:
        return False
    if word not in _STOP:
        return True
    # "lee plus it", "it dot support": joined to the address by a symbol word.
    before = tokens[index - 1][0] if index > 0 else ""
    after = tokens[index + 1][0] if index + 1 < at else ""
    if {before, after} & (_DOT | set(_SYMBOLS)):
        return True
    # "b r i a n": a letter inside a spelled-out run of letters.
    return len(word) == 1 and len(before) == 1 and len(after) == 1


def _domain_words(
    tokens: list[tuple[str, int, int]], at: int
) -> tuple[list[tuple[str, int, int]], int]:
    """Words up to the last label after a dot: `example dot co dot uk thanks` stops at uk."""
    words: list[tuple[str, int, int]] = []
    last = at
    index = at + 1
    while index < len(tokens):
        word = tokens[index][0]
        if word in _DOT:
            following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
            if not _TLD.match(following) and not following.isalnum():
                break
            words.extend([tokens[index], tokens[index + 1]])
            last = index + 1
            index += 2
            continue
        if any(dot[0] in _DOT for dot in words) or word in _AT:
            break
        if word not in _DOMAIN_FILLERS:
            words.append(tokens[index])
        last = index
        index += 1
    return (words, last) if any(word[0] in _DOT for word in words) else ([], at)


def _domain(words: list[str]) -> str:
    labels: list[list[str]] = [[]]
    for word in words:
        if word in _DOT:
            labels.append([])
        else:
            labels[-1].append(word)
    return ".".join(_spell(label) for label in labels)


def _spell(words: list[str]) -> str:
    """Joins spoken pieces: letters, names, digits, number words and symbol words."""
    pieces: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        if word in _DOT:
            pieces.append(".")
        elif word in _SYMBOLS:
            pieces.append(_SYMBOLS[word])
        elif word == "double" and index + 1 < len(words) and words[index + 1] in ("u", "you"):
            pieces.append("w")
            index += 1
        elif word == "double" and index + 1 < len(words) and len(words[index + 1]) == 1:
            pieces.append(words[index + 1] * 2)
            index += 1
        elif word in _DIGITS or word in _MULTIPLIERS:
            number, index = _number(words, index)
            pieces.append(number)
            continue
        else:
            pieces.append(re.sub(r"[^\w.+-]", "", word))
        index += 1
    return "".join(pieces)


def _number(words: list[str], index: int) -> tuple[str, int]:
    """Reads a run of number words: "four five six" is 456, "twenty one" 21, "two thousand"
    2000, and "nineteen eighty four" 1984, as people say years and numbers."""
    start = index
    while index < len(words) and (words[index] in _DIGITS or words[index] in _MULTIPLIERS):
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


def _valid(address: str) -> str | None:
    try:
        return validate_email(address, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None
