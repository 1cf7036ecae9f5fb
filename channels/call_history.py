"""What a call's conversation last said and heard, read from its tracker."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.events import BotUttered, SessionStarted, UserUttered

from helpdesk.turn_metadata import INPUT_KEY, TURN_KEY


@dataclass(frozen=True)
class LastExchange:
    """The caller's latest utterance and the bot's messages after it."""

    bot_turn: list[dict[str, Any]] = field(default_factory=list)
    # The caller's latest turn number and input; a turn without them (the greeting's
    # external event) has turn 0 and no input.
    user_turn: int | None = None
    user_input: str | None = None

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The choices the bot offered last: only their payloads may be sent as intents."""
        return next((m["buttons"] for m in reversed(self.bot_turn) if m.get("buttons")), [])

    def asked(self, response: str) -> bool:
        """Whether the bot's last turn spoke this response."""
        return any(message.get("response") == response for message in self.bot_turn)

    def answered(self, turn: int, said: str) -> bool:
        """Whether this turn, with this input, was processed already (a repeated delivery)."""
        return self.user_turn == turn and self.user_input == said


async def last_exchange(tracker_store: TrackerStore, call_sid: str) -> LastExchange:
    """The call's latest exchange; empty for a call the store does not know.

    The SQL store keeps the call's tracker for the turn that follows, so this read
    and Rasa's own read the store in full at most once a turn (`cached_trackers`).
    """
    tracker = await tracker_store.retrieve(call_sid)
    events = tracker.events if tracker is not None else []
    spoken: list[dict[str, Any]] = []
    for event in reversed(events):
        if isinstance(event, SessionStarted):  # a tracker kept in memory has them all
            break
        if isinstance(event, UserUttered):
            metadata = event.metadata or {}
            turn = metadata.get(TURN_KEY, 0)
            said = metadata.get(INPUT_KEY)
            return LastExchange(
                spoken,
                turn if isinstance(turn, int) else 0,
                said if isinstance(said, str) else None,
            )
        if isinstance(event, BotUttered):
            response = (event.metadata or {}).get("utter_action")
            spoken.insert(0, {"text": event.text, **(event.data or {}), "response": response})
    return LastExchange(spoken)
