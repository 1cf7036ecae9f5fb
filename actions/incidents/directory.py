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
# A long shared domain makes any two short names look alike ("a@example.com" and
# "xyz@example.com" are 0.86): the names themselves must be this alike too.
NAMES_ALIKE = 0.6
# The same name at a domain this alike ("thespoken.ego", "bespoken.io": 0.75) is
# that entry; "sam" at a different company ("elsewhere.org", "example.com") is not.
MIN_NAME_LENGTH = 3
MISHEARD_DOMAIN = 0.6
# Directory entries compared with one misheard address, at most.
CANDIDATE_LIMIT = 50
# Known domains the line compares a heard domain with, at most.
DOMAIN_LIMIT = 20


def closeness(heard: str, address: str) -> float:
    """How alike two addresses are, from 0 to 1, letter by letter."""
    return difflib.SequenceMatcher(None, heard.lower(), address.lower()).ratio()


def only_close_address(heard: str, directory: Iterable[str]) -> str | None:
    """The one directory address close to what was heard; None when none or several are.

    Close is alike letter by letter, or the same name at a domain the recogniser
    mangled ("jpk at thespoken dot ego" for jpk at bespoken dot io).
    """
    heard = heard.lower()
    close = {address.lower() for address in directory if _close(heard, address.lower())}
    close.discard(heard)
    return close.pop() if len(close) == 1 else None


def _close(heard: str, address: str) -> bool:
    name, _, domain = heard.partition("@")
    known_name, _, known_domain = address.partition("@")
    similar_length = abs(len(address) - len(heard)) <= MAX_LENGTH_DIFFERENCE
    if (
        similar_length
        and closeness(heard, address) >= CLOSE_ENOUGH
        and closeness(name, known_name) >= NAMES_ALIKE
    ):
        return True
    return (
        name == known_name
        and len(name) >= MIN_NAME_LENGTH
        and closeness(domain, known_domain) >= MISHEARD_DOMAIN
    )


def candidate_patterns(email: str) -> tuple[str, str]:
    """What directory entries worth comparing share with an address: its domain, or the
    first letters of its local part (a misheard domain keeps the name, and the reverse)."""
    local, _, domain = email.lower().partition("@")
    return f"@{domain}", local[:3]
