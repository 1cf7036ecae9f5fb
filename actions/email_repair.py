"""Repairing a refused address part by part, so that repair converges.

When the caller says no to a whole address, asking for the whole again meets the same
recogniser and usually the same mistake. Instead the two parts are checked apart ("Is
the part before the at, jane dot doe, right?", "And is it at acme dot com?"), and only
the part that was wrong is asked again. What the caller confirmed stays confirmed. The
state lives in one slot, `email_repair`, as a small dict.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from rasa_sdk import Tracker

SLOT = "email_repair"
# Steps that ask yes or no about one part, and steps that ask the caller to say it.
CHECK_NAME = "check_name"
CHECK_DOMAIN = "check_domain"
ASK_NAME = "ask_name"
ASK_DOMAIN = "ask_domain"
CHECKS = (CHECK_NAME, CHECK_DOMAIN)
# The email question gave up: the incident is filed with the address as heard.
UNCONFIRMED = "unconfirmed"


# Who the incident is for in the read-back when the address could not be confirmed.
FOR_CALLING_NUMBER = "the number you're calling from"


def read_back_values(tracker: Tracker) -> dict[str, str]:
    """The read-back's `{email}` when the address could not be confirmed, never
    the word "unconfirmed"; nothing to change otherwise."""
    return {"email": FOR_CALLING_NUMBER} if tracker.get_slot("email") == UNCONFIRMED else {}


@dataclass(frozen=True)
class Repair:
    """Where the repair of a refused address stands.

    `name` and `domain` are the parts the caller confirmed; `offer` is the part a check
    step asks about; `heard` is the last address the caller refused.
    """

    step: str = ""
    name: str = ""
    domain: str = ""
    offer: str = ""
    heard: str = ""

    @classmethod
    def of(cls, tracker: Tracker) -> Repair:
        value = tracker.get_slot(SLOT)
        if not isinstance(value, dict):
            return cls()
        return cls(**{key: str(value.get(key) or "") for key in cls.__dataclass_fields__})

    def as_slot(self) -> dict[str, Any] | None:
        return asdict(self) if self != Repair() else None

    @property
    def checking(self) -> bool:
        return self.step in CHECKS

    @property
    def confirmed_address(self) -> str:
        """The address whose both parts the caller confirmed, else empty."""
        return f"{self.name}@{self.domain}" if self.name and self.domain else ""

    def refused(self, address: str) -> Repair:
        """After a no to a whole address: check its parts one by one, or ask again for
        the part not confirmed (a refused address with a confirmed part is wrong in the
        other)."""
        if self.name and not self.domain:
            return self._next(ASK_DOMAIN, heard=address)
        if self.domain and not self.name:
            return self._next(ASK_NAME, heard=address)
        return Repair(CHECK_NAME, offer=address.partition("@")[0], heard=address)

    def answered(self, yes: bool, close_domain: str | None) -> Repair:
        """After yes or no to a check step. `close_domain`: a known domain close to the
        refused one, offered before the caller is asked to say the domain."""
        _, _, heard_domain = self.heard.partition("@")
        if self.step == CHECK_NAME and yes:
            confirmed = replace(self, name=self.offer)
            if close_domain:
                return confirmed._next(CHECK_DOMAIN, offer=close_domain)
            return confirmed._next(ASK_DOMAIN)
        if self.step == CHECK_NAME:
            return self._next(CHECK_DOMAIN, offer=heard_domain)
        if yes:
            confirmed = replace(self, domain=self.offer)
            return confirmed._next("" if confirmed.name else ASK_NAME)
        if self.name:
            return self._next(ASK_DOMAIN)
        # Neither part was right: the whole address is asked for again.
        return Repair(heard=self.heard)

    def with_part(self, part: str) -> str:
        """The address the caller's answer to an ask step makes with the confirmed part."""
        return f"{self.name}@{part}" if self.step == ASK_DOMAIN else f"{part}@{self.domain}"

    def _next(self, step: str, offer: str = "", heard: str | None = None) -> Repair:
        return replace(self, step=step, offer=offer, heard=self.heard if heard is None else heard)
