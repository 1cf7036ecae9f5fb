"""Hands the caller to a person when a transfer number is configured."""

from __future__ import annotations

import os
import re

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

_E164 = re.compile(r"\+[1-9]\d{1,14}")


class InvalidTransferNumber(ValueError):
    """HANDOFF_PHONE_NUMBER is set but is no number Twilio can dial."""


def transfer_number() -> str:
    """HANDOFF_PHONE_NUMBER in E.164 (`+14155550100`), or empty when none is configured."""
    number = os.environ.get("HANDOFF_PHONE_NUMBER", "").strip()
    if number and not _E164.fullmatch(number):
        raise InvalidTransferNumber(
            f"HANDOFF_PHONE_NUMBER must be in E.164 form, like +14155550100 (got {number!r})."
        )
    return number


# Checked when the action server loads the actions, so a typo stops it at start.
transfer_number()


class ActionHumanHandoff(Action):
    """Asks the voice channel to transfer the call, or says no one can take it."""

    def name(self) -> str:
        return "action_human_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        number = transfer_number()
        if not number:
            dispatcher.utter_message(response="utter_human_handoff")
            return []
        dispatcher.utter_message(response="utter_transfer")
        dispatcher.utter_message(json_message={"transfer": number})
        return []
