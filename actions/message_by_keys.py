"""A message for the desk by keys alone: a caller who cannot or will not speak skips
the address with one key, and the desk calls back the number they call from."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.read_back import pending
from actions.verification import calling_number
from helpdesk.turn_metadata import pressed_keys

FORM = "voice_message_form"
# Menus number their choices from 1, and the address question has none.
NO_ADDRESS_KEY = "1"
OFFER_RESPONSE = "utter_message_without_address_key"
TAKEN_RESPONSE = "utter_message_without_address"


def _keys(tracker: Tracker) -> str:
    return pressed_keys(tracker.latest_message.get("metadata") or {})


def _can_call_back(tracker: Tracker) -> bool:
    """A message without an address needs a number to call back."""
    return tracker.active_loop_name == FORM and bool(calling_number(tracker))


def offers_the_key(tracker: Tracker) -> bool:
    """Whether the address question names the key: to a caller who has been pressing
    keys (they chose to leave a message by key)."""
    return _can_call_back(tracker) and bool(_keys(tracker))


def skips_the_address(tracker: Tracker) -> bool:
    """Whether the caller pressed the key that leaves the message without an address,
    in answer to the address question itself (not to a read-back's yes-or-no)."""
    return (
        _can_call_back(tracker)
        and tracker.get_slot("requested_slot") == "email"
        and pending(tracker, "email") is None
        and _keys(tracker) == NO_ADDRESS_KEY
    )
