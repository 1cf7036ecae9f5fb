"""Hands the caller to a person when a transfer number is configured and the desk is open."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timezone

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.desk_hours import DeskHours, spoken_opening
from actions.leaving import ask_again, meant
from helpdesk import environment as env
from helpdesk import variables as names

_E164 = re.compile(r"\+[1-9]\d{1,14}")


class InvalidTransferNumber(ValueError):
    """HANDOFF_PHONE_NUMBER is set but is no number Twilio can dial."""


def transfer_number() -> str:
    """HANDOFF_PHONE_NUMBER in E.164 (`+14155550100`), or empty when none is configured."""
    number = env.text(names.HANDOFF_PHONE_NUMBER)
    if number and not _E164.fullmatch(number):
        raise InvalidTransferNumber(
            f"HANDOFF_PHONE_NUMBER must be in E.164 form, like +14155550100 (got {number!r})."
        )
    return number


def reachable_number(now: datetime | None = None) -> str:
    """The transfer number while the desk takes calls (HANDOFF_HOURS), else empty."""
    number = transfer_number()
    hours = DeskHours.from_environment()
    if number and hours and not hours.is_open(now or _utc_now()):
        return ""
    return number


# Checked when the action server loads the actions, so a typo stops it at start.
transfer_number()
DeskHours.from_environment()


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


# What a caller says who wants a person (with the recogniser or classifier unsure, only
# these words put the call through in the middle of a form).
PERSON_WORDS = re.compile(
    r"\b(person|human|agent|someone|somebody|colleague|operator|representative|people|"
    r"talk|speak|real)\b",
    re.IGNORECASE,
)


class ActionHumanHandoff(Action):
    """Asks the voice channel to transfer the call, or says no one can take it and, out
    of hours, when the desk opens again."""

    def __init__(self, clock: Callable[[], datetime] = _utc_now) -> None:
        self._clock = clock

    def name(self) -> str:
        return "action_human_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.active_loop and not meant(tracker, PERSON_WORDS):
            return ask_again(dispatcher, tracker)  # misheard words in a form ask again
        number = transfer_number()
        if not number:
            dispatcher.utter_message(response="utter_human_handoff")
            return []
        now = self._clock()
        hours = DeskHours.from_environment()
        if hours and not hours.is_open(now):
            opening = hours.next_opening(now)
            if opening is None:
                dispatcher.utter_message(response="utter_human_handoff")
            else:
                opens = spoken_opening(opening, now)
                dispatcher.utter_message(response="utter_desk_closed", opens=opens)
            return []
        dispatcher.utter_message(response="utter_transfer")
        dispatcher.utter_message(json_message={"transfer": number})
        return []
