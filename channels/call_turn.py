"""One webhook of a call: what the caller did, and where the call goes next."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from channels.caller_input import CallerInput
from channels.twilio_request import SignedWebhook
from channels.voice_output import NextRequests
from helpdesk.turn_metadata import CONFIDENCE_KEY, INPUT_KEY, TURN_KEY

# Twilio's call fields passed on to actions; blanks are left out.
CALL_FIELDS = (
    "CallSid", "From", "To", "Caller", "Called", "Direction", "ForwardedFrom", "StirVerstat",
    "FromCity", "FromState", "FromZip", "FromCountry",
    "CallerCity", "CallerState", "CallerZip", "CallerCountry",
)  # fmt: skip
# A call has far fewer turns; a larger counter in a URL is not ours.
MAX_TURN = 10_000


class CallTurn:
    """One webhook of a call, with the turn and silence counters of its URL.

    The counters travel in the URLs of the TwiML, so any server replica can answer.
    Only the call's first webhook has no `turn`; the counters are bounded, not trusted.
    """

    def __init__(self, webhook: SignedWebhook, query: Mapping[str, str], max_silences: int) -> None:
        self.call_sid = webhook.call_sid
        self.first = "turn" not in query
        self.input = CallerInput.of(
            webhook.field("SpeechResult"), webhook.field("Digits"), mid_call=not self.first
        )
        self.speech, self.digits = self.input.speech, self.input.digits
        self.turn = _count(query.get("turn"), MAX_TURN)
        silences = _count(query.get("silence"), max_silences)
        # A later turn without input is a silence, whatever its URL says.
        self.silences = max(silences, 1) if self.kind == "silence" else silences
        self.caller_id = webhook.field("To")
        self.metadata: dict[str, Any] = {
            key: webhook.field(key) for key in CALL_FIELDS if webhook.field(key)
        }
        self.metadata[TURN_KEY] = self.turn
        self.metadata[INPUT_KEY] = self.said
        if self.kind == "speech":
            self.metadata[CONFIDENCE_KEY] = _confidence(webhook.field("Confidence"))

    @property
    def said(self) -> str:
        """The turn's input as delivered: keys, or words."""
        return self.input.said

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
