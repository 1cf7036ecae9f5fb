"""Read-backs: an answer a speech recogniser may have misheard is confirmed before use.

A form keeps asking for its slot while a read-back is pending: the value heard waits in
`heard_<slot>`, the slot's question becomes "I heard ... Is that right?", and the
caller's yes fills the slot. No asks again; "no, it's ..." is taken as the new answer.
Typed answers (the shell, the REST channel) are never read back.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from rasa_sdk import Tracker

from helpdesk import environment as env
from helpdesk import variables as names
from helpdesk.turn_metadata import CONFIDENCE_KEY, INTERRUPTION_KEY

DEFAULT_CONFIDENCE_THRESHOLD = 0.5


def heard_slot(slot: str) -> str:
    """The slot that holds a value of `slot` waiting for the caller's yes."""
    return f"heard_{slot}"


def pending(tracker: Tracker, slot: str) -> Any:
    """The value of `slot` being read back, if any."""
    return tracker.get_slot(heard_slot(slot))


def was_spoken(tracker: Tracker) -> bool:
    """Whether the latest answer came from a speech recogniser."""
    metadata = tracker.latest_message.get("metadata") or {}
    return CONFIDENCE_KEY in metadata


def confidence_threshold(environ: Mapping[str, str] = os.environ) -> float:
    """SPEECH_CONFIDENCE_THRESHOLD: below it, a spoken answer is read back."""
    return env.number(names.SPEECH_CONFIDENCE_THRESHOLD, DEFAULT_CONFIDENCE_THRESHOLD, 0.0, environ)


def was_uncertain(tracker: Tracker) -> bool:
    """Whether the recogniser was unsure of the latest answer."""
    metadata = tracker.latest_message.get("metadata") or {}
    try:
        confidence = float(metadata[CONFIDENCE_KEY])
    except (KeyError, TypeError, ValueError):
        return False
    return confidence < confidence_threshold()


def heard_for_sure(tracker: Tracker) -> bool:
    """Whether the latest answer can be taken as heard right: typed, or spoken with the
    recogniser's confidence at or above the threshold. A spoken answer that came with
    no confidence (the streaming line's recogniser reports none) is not known to be."""
    metadata = tracker.latest_message.get("metadata") or {}
    if CONFIDENCE_KEY not in metadata:
        return True
    try:
        confidence = float(metadata[CONFIDENCE_KEY])
    except (TypeError, ValueError):
        return False
    return confidence >= confidence_threshold()


def spoke_over_the_details(tracker: Tracker) -> bool:
    """Whether the caller answered over a read-back before it had read out what it
    asks them to confirm (the streaming line knows what they heard): their yes is then
    no confirmation of it."""
    metadata = tracker.latest_message.get("metadata") or {}
    interruption = metadata.get(INTERRUPTION_KEY)
    return isinstance(interruption, dict) and interruption.get("details_heard") is False


def answer_to_read_back(tracker: Tracker, slot: str, said: Any) -> dict[str, Any]:
    """What the caller's reply to a pending read-back of `slot` fills it with.

    Yes, or the same value again, confirms; a different value is a correction; no
    empties the slot (explicitly, so that its validation runs and asks again).
    """
    heard = pending(tracker, slot)
    if said is not None and said != heard:
        return {slot: said}
    intent = tracker.get_intent_of_latest_message()
    if said == heard or (intent == "affirm" and not spoke_over_the_details(tracker)):
        return {slot: heard}
    if intent == "deny":
        return {slot: None}
    return {}


def unanswered_read_backs(tracker: Tracker, slot: str) -> int:
    """How many of the caller's latest turns, in a row, followed a read-back of `slot`
    and changed nothing of it: neither yes, no, nor a new value was understood."""
    count = 0
    changed = after_user = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "slot" and event.get("name") in (slot, heard_slot(slot)):
            changed = True  # in the turn of the next user event back
        elif kind == "user":
            if changed or after_user:
                break
            after_user = True
        elif kind == "bot" and after_user:
            utter = str((event.get("metadata") or {}).get("utter_action") or "")
            if not utter.startswith(READ_BACK_RESPONSES.get(slot, ("-",))):
                break
            count += 1
            after_user = False
    return count


def not_caught(tracker: Tracker, slot: str) -> bool:
    """Whether a read-back of `slot` about to be asked again should first say that the
    answer was not caught: it was not, and nothing else was said to the caller yet in
    this turn (the fallback's own apology, say)."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return False
        if event.get("event") == "user":
            break
    return unanswered_read_backs(tracker, slot) > 0


# The responses that read a value back, by slot (their names start so).
READ_BACK_RESPONSES = {
    "email": ("utter_ask_heard_email", "utter_ask_did_you_mean_email"),
    "priority": ("utter_ask_heard_priority",),
}


def confirmed(tracker: Tracker, slot: str, value: Any) -> bool:
    """Whether `value` is the read-back the caller just said yes to."""
    return value is not None and value == pending(tracker, slot)


def read_back(slot: str, value: Any) -> dict[str, Any]:
    """Validation's answer for a value to read back before it is used."""
    return {slot: None, heard_slot(slot): value}


def accepted(tracker: Tracker, slot: str, value: Any) -> dict[str, Any]:
    """Validation's answer for a value used as it is, ending any read-back."""
    done = {heard_slot(slot): None} if pending(tracker, slot) is not None else {}
    return {slot: value, **done}
