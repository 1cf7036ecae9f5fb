"""When a streaming call's caller has heard the assistant out, and how long silence,
idleness and the call itself may last.

Twilio sends nothing while a caller is silent, so the session keeps its own clock:
the silence timer starts when Twilio reports the assistant's speech played
(`agentSpeaking` off), or when the text would have been spoken; a session in which
nothing at all happens (a stuck speaker event, a socket nobody uses) ends after
`idle_seconds`; and no call outlives `longest_call_seconds`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

# When no speaker event comes: speech at about 14 characters a second, capped.
CHARACTERS_PER_SECOND = 14.0
LONGEST_ESTIMATE_SECONDS = 30.0
SILENCE, IDLE, TOO_LONG = "silence", "idle", "too_long"


@dataclass
class RelayPacing:
    """The clock of one session (monotonic seconds)."""

    input_timeout: float
    idle_seconds: float
    longest_call_seconds: float

    def __post_init__(self) -> None:
        now = time.monotonic()
        self.started_at = self.active_at = now
        # When the caller will have heard the assistant out; None while not listening.
        self.heard_at: float | None = None
        # Whether Twilio said so (or the time was estimated from the text).
        self.heard_confirmed = False
        self.caller_speaking = False

    def spoke(self, characters: int) -> None:
        """The assistant's turn went out: the caller hears it for about this long."""
        estimate = min(characters / CHARACTERS_PER_SECOND, LONGEST_ESTIMATE_SECONDS)
        self.active_at = time.monotonic()
        self.heard_at = self.active_at + estimate
        self.heard_confirmed = False

    def heard(self) -> None:
        """Twilio reports the speech played (or the caller talked over it)."""
        self.heard_at, self.heard_confirmed = time.monotonic(), True
        self.active_at = self.heard_at

    def answered(self) -> None:
        """The caller said or pressed something: no silence to time until the next turn."""
        self.heard_at, self.caller_speaking = None, False
        self.active_at = time.monotonic()

    def speaking(self, speaking: bool) -> None:
        """Twilio reports the caller talking (the silence timer waits) or stopping."""
        self.caller_speaking = speaking
        self.active_at = time.monotonic()

    def deadline(self) -> tuple[float, str]:
        """The next moment something is due, and what: a silence, an idle session, or
        the end of the longest call allowed."""
        due = [
            (self.active_at + self.idle_seconds, IDLE),
            (self.started_at + self.longest_call_seconds, TOO_LONG),
        ]
        if self.heard_at is not None and not self.caller_speaking:
            due.append((self.heard_at + self.input_timeout, SILENCE))
        return min(due)
