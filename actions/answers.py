"""Reads a caller's utterance the way a helpdesk agent would, during a form.

Callers describe problems in words that look like answers to other questions ("it
crashes whenever I open an invite" holds a low-priority word, "the help button does
nothing" reads as a request for help). A free-text answer is therefore taken as the
caller's words unless the whole utterance is an explicit request to do something
else, and another slot changes only when the caller names it as a correction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"[a-z']+")
_FILLERS = {
    "um", "uh", "er", "erm", "hmm", "oh", "ok", "okay", "so", "well", "please", "just",
    "actually", "i", "we", "want", "to", "would", "like", "let", "me", "lets", "let's",
    "the", "a", "an", "now", "sorry", "hey", "can", "could", "you", "i'd", "i'm",
}  # fmt: skip
# Whole utterances that interrupt a question instead of answering it.
_INTERRUPTION_PHRASES = (
    # cancel
    "cancel", "cancel that", "cancel it", "stop", "stop it", "never mind", "nevermind",
    "forget it", "forget about it", "quit", "abort", "i changed my mind", "cancel everything",
    # start over
    "start over", "start again", "restart", "begin again", "start from the beginning",
    # a person
    "person", "human", "agent", "operator", "representative", "a real person",
    "talk to a person", "talk to a human", "talk to an agent", "talk to someone",
    "speak to a person", "speak to a human", "speak to an agent", "speak to someone",
    "let me talk to a person", "i want to talk to a human", "transfer me",
    # help and digressions
    "help", "help me", "what can you do", "what can i say", "what are my options",
    "are you a bot", "are you a robot", "are you human", "are you a real person",
    "is this a robot", "am i talking to a robot", "am i talking to a bot",
    # goodbye
    "bye", "goodbye", "good bye", "bye bye", "hang up",
)  # fmt: skip
# Words with which callers correct what they said earlier.
_CORRECTION = re.compile(
    r"\b(no,? |sorry,? )?(actually|change|correct(ion)?|instead|i meant|make it|meant to say|wrong|"
    r"not (low|medium|high)|my (email|address) is|the (email|address) is|should be)\b"
)
_NAMES_DESCRIPTION = re.compile(r"\b(description|describe|problem|issue)\b")
_NAMES_EMAIL = re.compile(r"\b(email|e mail|address)\b")
_NAMES_TITLE = re.compile(r"\b(title|name|called)\b")
_NAMES_PRIORITY = re.compile(r"\b(priority|urgency|urgent|make it (low|medium|high))\b")
# Words of a request to open an incident, left out of a description said with it.
_REQUEST = re.compile(
    r"\b(open|create|raise|log|file|submit|new|an?|incident|ticket|case|request|please|"
    r"priority|for|i|want|to|need|would|like|can|you|um|uh|low|medium|high|urgent|my|"
    r"email|e mail|address|is|it's|and|me)\b"
)
_CLAUSE = re.compile(r"[,;:.!?]|\bbecause\b|\bsince\b")
MIN_DESCRIPTION_WORDS = 3


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _meaning(text: str) -> str:
    return " ".join(word for word in words(text) if word not in _FILLERS)


_INTERRUPTIONS = {_meaning(phrase) for phrase in _INTERRUPTION_PHRASES}


def is_interruption(text: str) -> bool:
    """Whether the whole utterance asks for something else instead of answering."""
    meaning = _meaning(text)
    return not meaning or meaning in _INTERRUPTIONS


def starts_as_correction(text: str) -> bool:
    """Whether the utterance opens by correcting ("actually, ...", "no, make it ...")."""
    return bool(_CORRECTION.match(text.lower().lstrip(" ,.")))


def is_correction(text: str) -> bool:
    """Whether the caller says they are changing an earlier answer."""
    return bool(_CORRECTION.search(text.lower()))


def names_description(text: str) -> bool:
    return bool(_NAMES_DESCRIPTION.search(text.lower()))


def names_title(text: str) -> bool:
    return bool(_NAMES_TITLE.search(text.lower()))


def names_priority(text: str) -> bool:
    return bool(_NAMES_PRIORITY.search(text.lower()))


def names_email(text: str) -> bool:
    return bool(_NAMES_EMAIL.search(text.lower()))


def description_said_with_request(text: str, mentioned: Iterable[str]) -> str | None:
    """The problem a caller described while asking for an incident, if they did.

    "open a high priority incident for jane dot doe at example dot com, outlook
    crashes on start" -> "outlook crashes on start": a clause after the request that
    is neither request words nor the parts already taken as other answers
    (`mentioned`). A request alone ("i can't reset my password") describes nothing
    yet: the caller is asked.
    """
    lowered = text.lower()
    for part in mentioned:
        lowered = lowered.replace(part.lower(), " , ")
    clauses = [clause.strip() for clause in _CLAUSE.split(lowered) if clause and clause.strip()]
    described = [
        clause
        for clause in clauses[1:]
        if len(words(_REQUEST.sub(" ", clause))) >= MIN_DESCRIPTION_WORDS - 1
        and len(words(clause)) >= MIN_DESCRIPTION_WORDS
    ]
    return max(described, key=len) if described else None
