"""The email question both forms share: offers, read-backs, "did you mean", the directory.

Spoken addresses are the answers a phone recogniser gets wrong most ("Tim Lee 456 at
gmail.com" for kim lee), so one heard over the phone is read back before it is used,
and one the directory lacks but nearly matches one entry is offered as that entry.
After two misses the caller is asked to spell it; the way out (cancel, or a person when
a transfer number is set) comes with that question.
"""

from __future__ import annotations

import logging
import re
from abc import abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import answers
from actions.asking import OFFER_WAY_OUT_AT, ask, asks_in_a_row
from actions.directory import only_close_address
from actions.incidents import Caller, IncidentServiceError
from actions.incidents.factory import UsesIncidentBackend
from actions.latest_answer import entity_value, said_besides
from actions.privacy import mask_email
from actions.read_back import (
    accepted,
    answer_to_read_back,
    confirmed,
    heard_slot,
    pending,
    read_back,
    was_spoken,
)
from actions.verification import attested_number, calling_number, verification_required

logger = logging.getLogger(__name__)

# The last address the caller said no to when it was read back or offered.
DECLINED = "declined_email"
_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ActionAskEmail(UsesIncidentBackend, Action):
    """Asks for the email address, offering one the call already points to.

    That is the address given earlier in the call or, on the phone, the address of the
    directory user whose number is calling. An address waiting for the caller's yes is
    read back instead, and after two misses the caller is asked to spell it.
    """

    def name(self) -> str:
        return "action_ask_email"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        heard = pending(tracker, "email")
        if heard:
            said = (entity_value(tracker, "email") or "").lower()
            if said and said != heard:
                dispatcher.utter_message(
                    response="utter_ask_did_you_mean_email", email=said, suggestion=heard
                )
            else:
                dispatcher.utter_message(response="utter_ask_heard_email", email=heard)
            return []
        if tracker.get_slot("previous_email"):
            return ask(dispatcher, tracker, "email", response="utter_ask_use_previous_email")
        known = await self.off_loop(lambda: self._caller_on_the_line(tracker))
        if known is None:
            spell = asks_in_a_row(tracker, "email") >= OFFER_WAY_OUT_AT
            return ask(dispatcher, tracker, "email", response=_question(spell))
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


SPELLING_RESPONSE = "utter_ask_email_spelled"


def _question(spell: bool) -> str:
    return SPELLING_RESPONSE if spell else "utter_ask_email"


class EmailFormValidation(UsesIncidentBackend, FormValidationAction):
    """Email handling shared by both forms: offers, read-backs, the directory check."""

    @abstractmethod
    def name(self) -> str:
        """The validation action's name, `validate_<form>`."""

    async def extract_email(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Turns yes or no to an offered or read-back address into the email slot.

        No becomes an explicit None, so that `validate_email` runs and forgets the offer;
        rasa-sdk returns only the slots a form requires, so it cannot be cleared here.
        """
        requested = tracker.get_slot("requested_slot")
        said = entity_value(tracker, "email")
        if requested == "email" and pending(tracker, "email"):
            return answer_to_read_back(tracker, "email", said.lower() if said else None)
        previous_email = tracker.get_slot("previous_email")
        offered = requested == "email" and previous_email and not tracker.get_slot("email")
        if offered:
            intent = tracker.get_intent_of_latest_message()
            if intent == "affirm":
                return {"email": previous_email}
            if intent == "deny":
                return {"email": None}
            return {}
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
        """Accepts an address the incident system knows, and remembers it for the call.

        One heard over the phone is first read back, or offered as the one directory
        entry it nearly matches.
        """
        if value is None:
            declined = {DECLINED: pending(tracker, "email")} if pending(tracker, "email") else {}
            return {"email": None, "previous_email": None, heard_slot("email"): None, **declined}
        email = str(value).strip().lower()
        if not _EMAIL_SHAPE.match(email):
            return {"email": None}
        offered = email == tracker.get_slot("previous_email")
        try:
            if was_spoken(tracker) and not offered and not confirmed(tracker, "email", email):
                return await self._before_use(email, tracker.get_slot(DECLINED), dispatcher)
            caller = await self.off_loop(lambda: self.backend.find_caller_by_email(email))
        except IncidentServiceError as error:
            logger.error("Looking up %s failed: %s", mask_email(email), error)
            dispatcher.utter_message(response="utter_incident_service_unavailable")
            return {"email": None}
        if caller is None:
            dispatcher.utter_message(response="utter_no_email", email=email)
            return {"email": None}
        await self._bind_calling_number(tracker, caller)
        return {**accepted(tracker, "email", email), "previous_email": email}

    async def _before_use(
        self, email: str, declined: str | None, dispatcher: CollectingDispatcher
    ) -> dict[str, Any]:
        """A heard address: read back, offered as the entry it nearly matches, or refused.

        An entry the caller already said no to is not offered again.
        """
        directory = await self.off_loop(lambda: self.backend.addresses_like(email))
        if email in directory:
            return read_back("email", email)
        suggestion = only_close_address(email, directory)
        suggestion = None if suggestion == declined else suggestion
        if suggestion or self.backend.registers_new_callers:
            return read_back("email", suggestion or email)
        dispatcher.utter_message(response="utter_no_email", email=email)
        return {"email": None, heard_slot("email"): None}

    async def _bind_calling_number(self, tracker: Tracker, caller: Caller) -> None:
        number = attested_number(tracker)
        if number:
            await self.off_loop(lambda: self.backend.bind_phone(caller, number))
