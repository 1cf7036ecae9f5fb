"""Turns chat text into sentences a caller can follow when they are spoken."""

from __future__ import annotations

import re

from helpdesk.spoken_email import say_address_part

# Twilio accepts up to 4,096 characters in one Say verb; shorter pieces also start sooner.
SAY_LIMIT = 1000

_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+")
_MARKDOWN = re.compile(r"[*_`#~]+|^\s*>+", re.MULTILINE)
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+", re.MULTILINE)
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f900-\U0001f9ff\ufe0f\u200d]+"
)
_TICKET = re.compile(r"\b([A-Z]{2,5})(\d{5,10})\b")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_SPACES = re.compile(r"[ \t]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def speakable(text: str) -> str:
    """Removes what cannot be heard and spells out ticket numbers and addresses."""
    text = _URL.sub("", text)
    text = _EMAIL.sub(lambda match: spell_email(match.group(0)), text)
    text = _TICKET.sub(lambda match: spell_ticket(match.group(1), match.group(2)), text)
    text = _BULLET.sub("", text)
    text = _MARKDOWN.sub("", text)
    text = _EMOJI.sub("", text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # A line break in chat is a pause when heard, so every line ends a sentence.
    text = " ".join(line if line[-1] in ".!?:," else f"{line}." for line in lines)
    return _SPACES.sub(" ", text).strip()


def spell_ticket(prefix: str, digits: str) -> str:
    """`INC`, `0010008` -> `I N C, 0 0 1, 0 0 0 8`: letters and digits one by one."""
    groups = [digits[: len(digits) % 4 or 4]] if len(digits) > 4 else []
    rest = digits[len(groups[0]) :] if groups else digits
    groups += [rest[i : i + 4] for i in range(0, len(rest), 4)]
    return ", ".join([" ".join(prefix), *(" ".join(group) for group in groups)])


def spell_email(address: str) -> str:
    """`jo.doe7@example.com` -> `jo dot doe 7 at example dot com`."""
    local, _, domain = address.partition("@")
    return f"{say_address_part(local)} at {say_address_part(domain)}"


def sentences(text: str) -> list[str]:
    """Text cut at its sentence ends."""
    return _SENTENCE_END.split(text)


def split_for_say(text: str, limit: int = SAY_LIMIT) -> list[str]:
    """Splits at sentence ends so that every piece fits in one Say verb."""
    pieces: list[str] = []
    current = ""
    for sentence in sentences(text):
        while len(sentence) > limit:
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            pieces.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if current and len(current) + 1 + len(sentence) > limit:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    return pieces
