"""One webhook of a call: what the caller did, and where the call goes next."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from channels.twilio_request import SignedWebhook
from channels.voice_output import NextRequests

# Twilio's call fields passed on to actions; blanks are left out.
CALL_FIELDS = (
    "CallSid", "From", "To", "Caller", "Called", "Direction", "ForwardedFrom", "StirVerstat",
    "FromCity", "FromState", "FromZip", "FromCountry",
    "CallerCity", "CallerState", "CallerZip", "CallerCountry",
)  # fmt: skip
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
# A call has far fewer turns; a larger counter in a URL is not ours.
MAX_TURN = 10_000
# The turn and what the caller said or pressed in it, as Twilio delivered it.
TURN_METADATA_KEY = "twilio_turn"
INPUT_METADATA_KEY = "twilio_input"
# Twilio's Confidence in a spoken answer (0 to 1); the actions read uncertain ones back.
CONFIDENCE_METADATA_KEY = "twilio_confidence"


def as_words(speech: str) -> str:
    """A transcript as words for the NLU, never as an intent command."""
    return _COMMAND_PREFIX.sub("", speech).strip()


def keypad_keys(digits: str) -> str:
    """Only what a phone keypad can send."""
    return _NOT_A_KEY.sub("", digits)


class CallTurn:
    """One webhook of a call, with the turn and silence counters of its URL.

    The counters travel in the URLs of the TwiML, so any server replica can answer.
    Only the call's first webhook has no `turn`; the counters are bounded, not trusted.
    """

    def __init__(self, webhook: SignedWebhook, query: Mapping[str, str], max_silences: int) -> None:
        self.call_sid = webhook.call_sid
        self.speech = as_words(webhook.field("SpeechResult"))
        self.digits = keypad_keys(webhook.field("Digits"))
        self.first = "turn" not in query
        self.turn = _count(query.get("turn"), MAX_TURN)
        silences = _count(query.get("silence"), max_silences)
        # A later turn without input is a silence, whatever its URL says.
        self.silences = max(silences, 1) if self.kind == "silence" else silences
        self.caller_id = webhook.field("To")
        self.metadata: dict[str, Any] = {
            key: webhook.field(key) for key in CALL_FIELDS if webhook.field(key)
        }
        self.metadata[TURN_METADATA_KEY] = self.turn
        self.metadata[INPUT_METADATA_KEY] = self.said
        if self.kind == "speech":
            self.metadata[CONFIDENCE_METADATA_KEY] = _confidence(webhook.field("Confidence"))

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
        return not self.first and " ".join(_WORD.findall(self.speech.lower())) in PRESENCE_CHECKS

    @property
    def said(self) -> str:
        """The turn's input as delivered: keys, or words."""
        return self.digits or self.speech

    @property
    def kind(self) -> str:
        if self.speech or self.digits:
            return "digits" if self.digits else "speech"
        return "start" if self.first else "silence"

    def next_requests(self, fragment: str = "") -> NextRequests:
        """Relative URLs, so Twilio resolves them against whatever URL it called.

        `fragment` carries Twilio's connection overrides (`#rc=2&rt=9000`), which a
        relative URL does not inherit from the configured webhook URL.
        """
        after_silence = self.silences + 1 if self.kind == "silence" else 1
        suffix = f"#{fragment}" if fragment else ""
        return NextRequests(
            answer_url=f"webhook?turn={self.turn + 1}{suffix}",
            silence_url=f"webhook?turn={self.turn}&silence={after_silence}{suffix}",
            dial_url=f"dial?turn={self.turn + 1}{suffix}",
            record_url=f"record?turn={self.turn + 1}{suffix}",
            whisper_url=f"whisper{suffix}",
            caller_id=self.caller_id,
        )


def _count(value: str | None, ceiling: int) -> int:
    """A counter from a URL: not a number is 0, too large is the ceiling."""
    if not value or not value.isdigit():
        return 0
    return ceiling if len(value) > len(str(ceiling)) else min(int(value), ceiling)


def _confidence(value: str) -> float | None:
    """Twilio's Confidence as a number from 0 to 1; None when blank or not one."""
    try:
        confidence = float(value)
    except ValueError:
        return None
    return confidence if 0.0 <= confidence <= 1.0 else None
