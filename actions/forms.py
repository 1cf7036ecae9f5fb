"""Slot extraction and validation for the incident and status forms."""

from __future__ import annotations

import logging
import re
from abc import abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import answers
from actions.asking import ask
from actions.incidents import PRIORITIES, IncidentServiceError
from actions.incidents.factory import UsesIncidentBackend
from actions.latest_answer import (
    entity_text,
    entity_value,
    free_text,
    latest_entities,
    latest_text,
    said_besides,
)
from actions.privacy import mask_email
from actions.verification import attested_number, calling_number, verification_required

logger = logging.getLogger(__name__)

_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Titles implied by the request that opened the form.
TITLE_OF_INTENT = {
    "password_reset": "Problem resetting password",
    "problem_email": "Problem with email",
}


class ActionAskEmail(UsesIncidentBackend, Action):
    """Asks for the email address, offering one the call already points to.

    That is the address given earlier in the call or, on the phone, the address of the
    directory user whose number is calling.
    """

    def name(self) -> str:
        return "action_ask_email"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("previous_email"):
            return ask(dispatcher, tracker, "email", response="utter_ask_use_previous_email")
        known = await self.off_loop(lambda: self._caller_on_the_line(tracker))
        if known is None:
            return ask(dispatcher, tracker, "email")
        ask(
            dispatcher,
            tracker,
            "email",
            response="utter_ask_use_directory_email",
            previous_email=known,
        )
        return [SlotSet("previous_email", known)]

    def _caller_on_the_line(self, tracker: Tracker) -> str | None:
        # Read out only to a caller whose number its carrier vouched for.
        phone = attested_number(tracker) if verification_required() else calling_number(tracker)
        if not phone:
            return None
        try:
            caller = self.backend.find_caller_by_phone(phone)
        except IncidentServiceError as error:
            logger.warning("Looking up the calling number failed: %s", error)
            return None
        return caller.email if caller else None


class EmailFormValidation(UsesIncidentBackend, FormValidationAction):
    """Email handling shared by both forms: re-use of the previous address, directory check."""

    @abstractmethod
    def name(self) -> str:
        """The validation action's name, `validate_<form>`."""

    async def extract_email(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Turns yes or no to "use the last email address?" into the email slot.

        No becomes an explicit None, so that `validate_email` runs and forgets the offer;
        rasa-sdk returns only the slots a form requires, so it cannot be cleared here.
        """
        previous_email = tracker.get_slot("previous_email")
        requested = tracker.get_slot("requested_slot")
        offered = requested == "email" and previous_email and not tracker.get_slot("email")
        if offered:
            intent = tracker.get_intent_of_latest_message()
            if intent == "affirm":
                return {"email": previous_email}
            if intent == "deny":
                return {"email": None}
            return {}
        said = entity_value(tracker, "email")
        if said and requested != "email" and said_besides(tracker, answers.names_email):
            return {"email": said}
        return {}

    async def validate_email(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Accepts an address the incident system knows, and remembers it for the call."""
        if value is None:
            return {"email": None, "previous_email": None}
        email = str(value).strip().lower()
        if not _EMAIL_SHAPE.match(email):
            return {"email": None}
        try:
            caller = await self.off_loop(lambda: self.backend.find_caller_by_email(email))
        except IncidentServiceError as error:
            logger.error("Looking up %s failed: %s", mask_email(email), error)
            dispatcher.utter_message(response="utter_incident_service_unavailable")
            return {"email": None}
        if caller is None:
            dispatcher.utter_message(response="utter_no_email", email=email)
            return {"email": None}
        number = attested_number(tracker)
        if number:
            await self.off_loop(lambda: self.backend.bind_phone(caller, number))
        return {"email": email, "previous_email": email}


class ValidateOpenIncidentForm(EmailFormValidation):
    """Validates the slots of `open_incident_form`.

    Besides the answer to the question asked, it takes what a caller says all at once
    when asking for the incident, and corrections of earlier answers, named by the
    caller, inside the form and at the read-back.
    """

    def name(self) -> str:
        return "validate_open_incident_form"

    async def extract_priority(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        said = entity_value(tracker, "priority")
        requested = tracker.get_slot("requested_slot")
        if said and requested != "priority" and said_besides(tracker, answers.names_priority):
            return {"priority": said}
        return {}

    async def extract_problem_description(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        mentioned = [entity_text(tracker, entity) for entity in latest_entities(tracker)]
        said_with_request = answers.description_said_with_request(latest_text(tracker), mentioned)
        return free_text(
            tracker, "problem_description", said_with_request, answers.names_description
        )

    async def extract_incident_title(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        implied = TITLE_OF_INTENT.get(str(tracker.get_intent_of_latest_message()))
        return free_text(tracker, "incident_title", implied, answers.names_title)

    async def extract_confirm(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Yes or no to the read-back; a correction there asks for it again."""
        if tracker.get_slot("requested_slot") != "confirm":
            return {}
        text = latest_text(tracker)
        corrected = (
            latest_entities(tracker) or answers.names_description(text) or answers.names_title(text)
        )
        if corrected:
            return {"confirm": None}
        intent = tracker.get_intent_of_latest_message()
        if intent == "affirm":
            return {"confirm": True}
        if intent in {"deny", "cancel"}:
            return {"confirm": False}
        return {}

    def validate_priority(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Keeps low, medium or high; anything else is asked again."""
        priority = str(value or "").strip().lower()
        return {"priority": priority if priority in PRIORITIES else None}


class ValidateIncidentStatusForm(EmailFormValidation):
    """Validates the slot of `incident_status_form`."""

    def name(self) -> str:
        return "validate_incident_status_form"


class ActionCancelForm(Action):
    """Stops the active form when the caller asks to, forgetting its answers."""

    def name(self) -> str:
        return "action_cancel_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        form = (tracker.active_loop or {}).get("name")
        if form == "incident_status_form":
            dispatcher.utter_message(response="utter_status_check_canceled")
        else:
            dispatcher.utter_message(response="utter_incident_creation_canceled")
        slots = domain.get("forms", {}).get(form, {}).get("required_slots", [])
        return [
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            *(SlotSet(slot, None) for slot in slots),
        ]
