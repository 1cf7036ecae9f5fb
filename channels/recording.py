"""A caller's voice message, as Twilio reports it to a `<Record>`'s action URL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from channels.twilio_request import SignedWebhook

# Twilio's recordings live under its REST API, on the default or a regional edge host.
_TWILIO_RECORDING = re.compile(
    r"https://api(\.[a-z0-9-]+)*\.twilio\.com/2010-04-01/Accounts/AC[0-9a-f]{32}"
    r"/Recordings/RE[0-9a-f]{32}"
)
# The recording turn enters the dialogue as the answer to the question asked.
RECORDED_ANSWER = "/inform"
# The longest message a caller may leave; Twilio stops recording there.
MAX_RECORDING_SECONDS = 120


@dataclass(frozen=True)
class Recording:
    """Where Twilio keeps the message, and how long it is."""

    url: str
    seconds: int

    @classmethod
    def of(cls, webhook: SignedWebhook) -> Recording | None:
        """The recording of this request; None when it names none Twilio would hold."""
        url = webhook.field("RecordingUrl")
        duration = webhook.field("RecordingDuration")
        if not _TWILIO_RECORDING.fullmatch(url) or not duration.isdigit():
            return None
        return cls(url, min(int(duration), MAX_RECORDING_SECONDS))

    def metadata(self) -> dict[str, Any]:
        """What the actions read of it (actions/voice_message.py)."""
        return {"recording_url": self.url, "recording_seconds": self.seconds}
