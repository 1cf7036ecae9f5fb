"""What a call's conversation last said and heard, read from its tracker."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.events import BotUttered, UserUttered

from channels.call_turn import TURN_METADATA_KEY


@dataclass(frozen=True)
class LastExchange:
    """The caller's latest utterance and the bot's messages after it."""

    bot_turn: list[dict[str, Any]] = field(default_factory=list)
    user_text: str | None = None
    user_turn: int | None = None

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The choices the bot offered last: only their payloads may be sent as intents."""
        return next((m["buttons"] for m in reversed(self.bot_turn) if m.get("buttons")), [])

    def answered(self, turn: int, text: str) -> bool:
        """Whether this turn, with this input, was processed already (a repeated delivery)."""
        return self.user_turn == turn and self.user_text == text


async def last_exchange(tracker_store: TrackerStore, call_sid: str) -> LastExchange:
    """The call's latest exchange; empty for a call the store does not know."""
    tracker = await tracker_store.retrieve(call_sid)
    if tracker is None:
        return LastExchange()
    spoken: list[dict[str, Any]] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            turn = (event.metadata or {}).get(TURN_METADATA_KEY)
            return LastExchange(spoken, event.text, turn if isinstance(turn, int) else None)
        if isinstance(event, BotUttered):
            spoken.insert(0, {"text": event.text, **(event.data or {})})
    return LastExchange(spoken)
