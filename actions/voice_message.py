"""Out of hours, a message for the desk: recorded by the phone line, filed as an incident
whose work notes carry the recording."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.email_form import EmailFormValidation
from actions.email_repair import SLOT as REPAIR
from actions.email_repair import UNCONFIRMED
from actions.incident_actions import ActionOpenIncident
from actions.incidents import Reported
from actions.latest_answer import latest_text
from actions.message_by_keys import TAKEN_RESPONSE, skips_the_address
from actions.verification import call_metadata

# Set by the voice channel on the turn that delivers a recording (channels/recording.py).
RECORDING_URL_KEY = "recording_url"
RECORDING_SECONDS_KEY = "recording_seconds"
MESSAGE_TITLE = "Voice message for the help desk"
MESSAGE_PRIORITY = "medium"
NO_RECORDING = "The caller tried to leave a message, but no recording came through."


class ValidateVoiceMessageForm(EmailFormValidation):
    """The caller's address, then their message: a recording on the phone, text elsewhere."""

    def name(self) -> str:
        return "validate_voice_message_form"

    async def extract_email(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if skips_the_address(tracker):
            return {"email": UNCONFIRMED}
        return await super().extract_email(dispatcher, tracker, domain)

    async def validate_email(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """A caller who pressed the key leaves the message for their calling number,
        like one whose address could not be made out."""
        if value == UNCONFIRMED and skips_the_address(tracker):
            dispatcher.utter_message(response=TAKEN_RESPONSE)
            return {"email": UNCONFIRMED}
        return await super().validate_email(value, dispatcher, tracker, domain)

    async def extract_voice_message(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "voice_message":
            return {}
        recording = str(call_metadata(tracker).get(RECORDING_URL_KEY) or "")
        return {"voice_message": recording or latest_text(tracker) or None}

    def fallback_besides_email(
        self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        """No recording came through: the message is filed saying so, for a call back."""
        dispatcher.utter_message(response="utter_carry_on")
        return {"voice_message": NO_RECORDING}


class ActionFileVoiceMessage(ActionOpenIncident):
    """Files the message as an incident: a recording goes into its work notes."""

    def name(self) -> str:
        return "action_file_voice_message"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        message = str(tracker.get_slot("voice_message") or "")
        recorded = message if message.startswith("https://") else ""
        seconds = call_metadata(tracker).get(RECORDING_SECONDS_KEY)
        incident = await self.filed(
            dispatcher,
            tracker,
            title=MESSAGE_TITLE,
            description=(
                f"The caller left a voice message of {seconds} seconds out of hours."
                if recorded
                else message
            ),
            priority=MESSAGE_PRIORITY,
            reported=Reported(recording_url=recorded),
        )
        reset = [SlotSet("voice_message", None), SlotSet("email", None)]
        if tracker.get_slot(REPAIR) is not None:
            reset.append(SlotSet(REPAIR, None))
        if incident is None:
            return reset
        dispatcher.utter_message(
            response="utter_voice_message_filed", incident_number=incident.number
        )
        return [*reset, SlotSet("opened_incident", incident.number)]
