"""Whether the person on the line may hear the incidents of an address.

Caller ID can be spoofed: Twilio passes `From` unverified, and withheld numbers arrive
as placeholders. A calling number counts only when the carrier attested it with
SHAKEN/STIR at level A (Twilio's `StirVerstat` "TN-Validation-Passed-A"), and then only
for the directory entry that has that number. Without it, a caller hears how many
incidents an address has, never their numbers, titles or states.
`CALLER_VERIFICATION=off` switches this off for labs; production refuses that.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from rasa_sdk import Tracker

from actions.incidents import Caller
from helpdesk import environment as env
from helpdesk import variables as names

logger = logging.getLogger(__name__)

ATTESTED = "TN-Validation-Passed-A"


class VerificationOffInProduction(RuntimeError):
    """CALLER_VERIFICATION=off with TWILIO_ENVIRONMENT=production."""


def verification_required(environ: Mapping[str, str] = os.environ) -> bool:
    """On unless CALLER_VERIFICATION=off, which production refuses."""
    off = not env.flag(names.CALLER_VERIFICATION, True, environ)
    if off and env.in_production(environ):
        raise VerificationOffInProduction(
            "CALLER_VERIFICATION=off is refused with TWILIO_ENVIRONMENT=production: anyone "
            "who knows an address would hear its incidents."
        )
    return not off


def warn_when_off() -> None:
    """Logged loudly when the action server starts without verification."""
    if not verification_required():
        logger.warning(
            "CALLER VERIFICATION IS OFF: anyone who says an email address hears the titles "
            "and states of its incidents. Only for labs (CALLER_VERIFICATION=off)."
        )


def call_metadata(tracker: Tracker) -> Mapping[str, object]:
    """The voice channel's fields of the call: of the latest turn, else of its start."""
    metadata = tracker.latest_message.get("metadata") or {}
    if metadata.get("CallSid"):
        return metadata
    return tracker.get_slot("session_started_metadata") or {}


def calling_number(tracker: Tracker) -> str:
    """The number the call comes from, as the caller's phone presents it (not proof)."""
    return str(call_metadata(tracker).get("From") or "")


def attested_number(tracker: Tracker) -> str:
    """The calling number when its carrier attested it (SHAKEN/STIR A), else empty."""
    metadata = call_metadata(tracker)
    return calling_number(tracker) if metadata.get("StirVerstat") == ATTESTED else ""


def may_hear_details(tracker: Tracker, caller: Caller) -> bool:
    """Whether this call may hear the incident details of this directory entry."""
    if not verification_required():
        return True
    number = attested_number(tracker)
    return bool(number) and number in {caller.phone, caller.mobile_phone}
