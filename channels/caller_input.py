"""What a caller said or pressed in one turn, whichever line carried it."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Rasa reads a text that starts with `/` as `/intent{"slot": "value"}`.
_COMMAND_PREFIX = re.compile(r"^[\s/]+")
_NOT_A_KEY = re.compile(r"[^0-9*#]")
_WORD = re.compile(r"[a-z']+")
# Whole utterances (or the * key) that ask to hear the last prompt again.
REPEAT_REQUESTS = {
    "repeat", "repeat that", "repeat that please", "can you repeat that", "could you repeat that",
    "say that again", "say again", "sorry", "pardon", "come again", "what", "what did you say",
    "i didn't catch that", "one more time",
}  # fmt: skip
# Whole utterances with which a caller checks that the line is still open.
PRESENCE_CHECKS = {
    "hello", "hello hello", "are you there", "are you still there",
    "you there", "still there", "is anyone there", "is anybody there", "anyone there",
    "anybody there", "hello are you there", "hello is anyone there", "hello anyone there",
    "can you hear me", "hello can you hear me",
}  # fmt: skip
# Sounds that say "I'm thinking", not yes ("mm hmm" and "uh huh" are yes).
HESITATIONS = {"hmm", "hm", "hmmm", "um", "umm", "uh", "er", "erm", "ah", "uhm"}


def as_words(speech: str) -> str:
    """A transcript as words for the NLU, never as an intent command."""
    return _COMMAND_PREFIX.sub("", speech).strip()


def keypad_keys(digits: str) -> str:
    """Only what a phone keypad can send."""
    return _NOT_A_KEY.sub("", digits)


@dataclass(frozen=True)
class CallerInput:
    """The caller's words or keys in one turn, cleaned of what no caller sends."""

    speech: str = ""
    digits: str = ""
    # The greeting has just been said: "hello" is the caller's own greeting, not a
    # check that the line is still open.
    mid_call: bool = True

    @classmethod
    def of(cls, speech: str, digits: str, mid_call: bool = True) -> CallerInput:
        return cls(as_words(speech), keypad_keys(digits), mid_call)

    @property
    def said(self) -> str:
        """The turn's input as delivered: keys, or words."""
        return self.digits or self.speech

    @property
    def wants_repeat(self) -> bool:
        """Whether the caller asked to hear the last prompt again, or only hesitated.

        A lone "Hmm." is no answer; the classifier would read it as "mm hmm", a yes, and
        take an address read back or open an incident on it.
        """
        words = _WORD.findall(self.speech.lower())
        hesitated = bool(words) and set(words) <= HESITATIONS
        return self.digits == "*" or hesitated or " ".join(words) in REPEAT_REQUESTS

    @property
    def checks_presence(self) -> bool:
        """Whether the caller only asked if anyone is there ("hello?"), mid-call."""
        return self.mid_call and " ".join(_WORD.findall(self.speech.lower())) in PRESENCE_CHECKS
