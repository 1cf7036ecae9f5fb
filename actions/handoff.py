"""Hands the caller to a person when a transfer number is configured."""

from __future__ import annotations

import os

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict


class ActionHumanHandoff(Action):
    """Asks the voice channel to transfer the call, or says no one can take it."""

    def name(self) -> str:
        return "action_human_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        number = os.environ.get("HANDOFF_PHONE_NUMBER", "").strip()
        if not number:
            dispatcher.utter_message(response="utter_human_handoff")
            return []
        dispatcher.utter_message(response="utter_transfer")
        dispatcher.utter_message(json_message={"transfer": number})
        return []
