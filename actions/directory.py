"""Which directory address a misheard one most likely meant.

A phone recogniser turns "jane dot doe at acme dot com" into "jane.do@acne.com": not in
the directory, but one letter away from an entry that is. Offering that entry ("Did you
mean ...?") saves the caller a repetition; reading out an entry that is not close would
tell a stranger who else is in the directory, so only a single close entry is offered.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# "jane.do@acne.com" against "jane.doe@acme.com" is 0.91; two different people at
# the same company ("kim.lee@acme.com", "tim.ng@acme.com") stay below.
CLOSE_ENOUGH = 0.85
# Recognisers drop or swap a letter or two; "sam@..." is someone else than "sam.ng@...".
MAX_LENGTH_DIFFERENCE = 2
# Directory entries compared with one misheard address, at most.
CANDIDATE_LIMIT = 50


def closeness(heard: str, address: str) -> float:
    """How alike two addresses are, from 0 to 1, letter by letter."""
    return difflib.SequenceMatcher(None, heard.lower(), address.lower()).ratio()


def only_close_address(heard: str, directory: Iterable[str]) -> str | None:
    """The one directory address close to what was heard; None when none or several are."""
    close = {
        address.lower()
        for address in directory
        if abs(len(address) - len(heard)) <= MAX_LENGTH_DIFFERENCE
        and closeness(heard, address) >= CLOSE_ENOUGH
    }
    close.discard(heard.lower())
    return close.pop() if len(close) == 1 else None


def candidate_patterns(email: str) -> tuple[str, str]:
    """What directory entries worth comparing share with an address: its domain, or the
    first letters of its local part (a misheard domain keeps the name, and the reverse)."""
    local, _, domain = email.lower().partition("@")
    return f"@{domain}", local[:3]
