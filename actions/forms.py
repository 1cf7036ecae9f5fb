"""Slot extraction and validation for the incident and status forms."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import answers
from actions.email_form import EmailFormValidation
from actions.incidents import PRIORITIES
from actions.latest_answer import (
    entity_text,
    entity_value,
    free_text,
    latest_entities,
    latest_text,
    said_besides,
)
from actions.metrics import OUTAGE_OFFERS
from actions.opener import described_problem, short_title, without_lead_in
from actions.outage_actions import outage_sounding_like
from actions.read_back import (
    accepted,
    answer_to_read_back,
    confirmed,
    heard_slot,
    pending,
    read_back,
    spoke_over_the_details,
    was_uncertain,
)

# In place of a description the caller gave but the line could not understand.
NOT_UNDERSTOOD = "The caller's answers to this question could not be understood by phone."
# Titles implied by the request that opened the form.
TITLE_OF_INTENT = {
    "password_reset": "Problem resetting password",
    "problem_email": "Problem with email",
}


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
        if requested == "priority" and pending(tracker, "priority"):
            return answer_to_read_back(tracker, "priority", said)
        if said and requested != "priority" and said_besides(tracker, answers.names_priority):
            return {"priority": said}
        return {}

    async def extract_problem_description(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return free_text(
            tracker, "problem_description", opening_description(tracker), answers.names_description
        )

    async def extract_incident_title(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        implied = TITLE_OF_INTENT.get(str(tracker.get_intent_of_latest_message()))
        described = opening_description(tracker)
        title = implied or (short_title(described) if described else None)
        return free_text(tracker, "incident_title", title, answers.names_title)

    async def extract_join_outage(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Yes or no to joining the outage (counted); no, unasked, for a problem that
        sounds like no known outage.

        Filled rather than left out of the form's slots: a form that chooses its own
        slots names its next question twice a turn, and questions are counted.
        """
        if tracker.get_slot("join_outage") is not None:
            return {}
        if tracker.get_slot("requested_slot") != "join_outage":
            described = tracker.get_slot("incident_title") and tracker.get_slot(
                "problem_description"
            )
            if described and await outage_sounding_like(self, tracker) is None:
                return {"join_outage": False}
            return {}
        intent = tracker.get_intent_of_latest_message()
        if intent not in {"affirm", "deny"}:
            return {}
        OUTAGE_OFFERS.labels("joined" if intent == "affirm" else "declined").inc()
        return {"join_outage": intent == "affirm"}

    async def extract_confirm(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Yes or no to the read-back; a correction there asks for it again. Joining an
        outage needs no read-back."""
        if tracker.get_slot("join_outage"):
            return {"confirm": True}
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
            # A yes over the read-back before its details were heard: read it again.
            return {} if spoke_over_the_details(tracker) else {"confirm": True}
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
        """Keeps low, medium or high; anything else is asked again.

        A spoken answer the recogniser was unsure of is read back first.
        """
        priority = str(value or "").strip().lower()
        if priority not in PRIORITIES:
            return accepted(tracker, "priority", None)
        if was_uncertain(tracker) and not confirmed(tracker, "priority", priority):
            return read_back("priority", priority)
        return accepted(tracker, "priority", priority)

    def fallback_besides_email(
        self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        """A medium priority, a note for the desk in place of words not understood, the
        caller's own incident, and the read-back taken as it stands: the caller is
        told, and the desk checks the details with them."""
        response, value = FALLBACKS[slot]
        dispatcher.utter_message(response=response)
        return {slot: value, **({heard_slot(slot): None} if slot == "priority" else {})}


# What a question of the incident form carries on with when its answers are not
# understood, and what the caller hears then.
PRIORITY_FALLBACK_RESPONSE = "utter_priority_fallback"
CONFIRM_FALLBACK_RESPONSE = "utter_confirm_fallback"
CARRY_ON_RESPONSE = "utter_carry_on"
FALLBACKS: dict[str, tuple[str, Any]] = {
    "priority": (PRIORITY_FALLBACK_RESPONSE, "medium"),
    "problem_description": (CARRY_ON_RESPONSE, NOT_UNDERSTOOD),
    "incident_title": (CARRY_ON_RESPONSE, "Problem reported by phone"),
    "join_outage": (CARRY_ON_RESPONSE, False),
    "confirm": (CONFIRM_FALLBACK_RESPONSE, True),
}


def opening_description(tracker: Tracker) -> str | None:
    """The problem the caller described in the words that opened the form: a clause
    after the request ("open a ticket for jo at x dot com, outlook crashes on start"),
    or the opener itself ("my vpn keeps dropping"). A request to reset a password is the
    original example's own flow: it describes nothing, and the caller is asked."""
    text = without_lead_in(latest_text(tracker))
    mentioned = [entity_text(tracker, entity) for entity in latest_entities(tracker)]
    with_request = answers.description_said_with_request(text, mentioned)
    if with_request or tracker.get_intent_of_latest_message() == "password_reset":
        return with_request
    for part in mentioned:
        text = text.replace(part, " ")
    return described_problem(text)


class ValidateIncidentStatusForm(EmailFormValidation):
    """Validates the slot of `incident_status_form`."""

    keeps_an_unconfirmed_address = False

    def name(self) -> str:
        return "validate_incident_status_form"
