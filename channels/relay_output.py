"""Bot messages sent to a ConversationRelay socket as the dialogue produces them."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel

from channels.metrics import RELAY_FIRST_TOKEN_SECONDS, RELAY_LAST_TOKEN_SECONDS
from channels.relay_messages import text_token
from channels.spoken_turn import message_sentences

SendFrame = Callable[[str], Awaitable[None]]


class RelayOutput(CollectingOutputChannel):
    """Speaks each message at once (the caller hears the first sentence while later
    actions still run) and keeps them, as the `<Gather>` line does, for the end of the
    turn. Nothing after a hang-up or a transfer is said."""

    @classmethod
    def name(cls) -> str:
        """The responses' variants written to be heard are the phone's, on either line."""
        return "twilio_voice"

    def __init__(
        self, send: SendFrame, disclosure: bool = False, prompted_at: float | None = None
    ) -> None:
        super().__init__()
        self._send = send
        # The greeting's first message is the automated-assistant disclosure: heard in full.
        self._disclosure = disclosure
        # When the caller finished the turn's prompt: the waits until the first and the
        # last text are timed (None for a turn nobody prompted: a greeting, a silence).
        self.prompted_at = prompted_at
        self.first_at: float | None = None
        self.last_at: float | None = None
        # The messages' own sentences said so far (a menu or an apology may follow).
        self.sentences_sent = 0
        # Everything said this turn, to estimate when the caller has heard it.
        self.characters_sent = 0
        self._stopped = False

    async def _persist_message(self, message: dict[str, Any]) -> None:
        await super()._persist_message(message)
        if self._stopped:
            return
        for sentence in message_sentences(message):
            await self.say(sentence, last=False, interruptible=not self._disclosure)
            self.sentences_sent += 1
        self._disclosure = False
        custom = message.get("custom")
        if isinstance(custom, dict) and (custom.get("hangup") or custom.get("transfer")):
            self._stopped = True

    async def say(self, sentence: str, last: bool, interruptible: bool = True) -> None:
        """One sentence to Twilio's text-to-speech; `last` ends the turn."""
        now = time.monotonic()
        if self.first_at is None:
            self.first_at = now
            if self.prompted_at is not None:
                RELAY_FIRST_TOKEN_SECONDS.observe(now - self.prompted_at)
        if last:
            self.last_at = now
            if self.prompted_at is not None:
                RELAY_LAST_TOKEN_SECONDS.observe(now - self.prompted_at)
        await self._send(text_token(sentence, last, interruptible))
        self.characters_sent += len(sentence)

    def timings(self) -> dict[str, int]:
        """Milliseconds from the prompt to the first and to the last text of the turn."""
        if self.prompted_at is None or self.first_at is None or self.last_at is None:
            return {}
        return {
            "first_text_ms": round((self.first_at - self.prompted_at) * 1000),
            "last_text_ms": round((self.last_at - self.prompted_at) * 1000),
        }
