"""What a voice line tells the dialogue about each caller turn, in the user message's
metadata: the contract between the channels that write it and the actions that read it."""

from __future__ import annotations

from collections.abc import Mapping

# The turn's number in the call (the `<Gather>` line's URL counter, the relay's count).
TURN_KEY = "twilio_turn"
# What the caller said or pressed in the turn, as the line delivered it.
INPUT_KEY = "twilio_input"
# The recogniser's confidence in a spoken answer (0 to 1), or None when the line
# reports none; present on every spoken turn and only on those.
CONFIDENCE_KEY = "twilio_confidence"
# Set by the streaming line when the caller talked over the assistant: what they heard.
INTERRUPTION_KEY = "relay_interrupted"
# Every key a phone keypad can send.
KEYPAD = frozenset("0123456789*#")


def pressed_keys(metadata: Mapping[str, object]) -> str:
    """The keys the caller pressed in the turn; empty when they spoke or typed."""
    if CONFIDENCE_KEY in metadata:
        return ""
    said = str(metadata.get(INPUT_KEY) or "")
    return said if said and set(said) <= KEYPAD else ""
