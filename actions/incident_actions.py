"""Actions that open incidents."""

from __future__ import annotations

import logging
from abc import abstractmethod
from dataclasses import replace

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.categories import routing_of
from actions.email_repair import SLOT as REPAIR
from actions.email_repair import UNCONFIRMED, Repair
from actions.incidents import (
    TYPED,
    Caller,
    Incident,
    IncidentBackend,
    IncidentServiceError,
    MajorIncident,
    Reported,
)
from actions.incidents.factory import UsesIncidentBackend
from actions.outage_actions import current_outages
from actions.sms import IncidentTexts, configured_texts
from actions.verification import (
    attested_number,
    call_metadata,
    calling_number,
    verification_required,
)
from helpdesk.privacy import mask_email

logger = logging.getLogger(__name__)

_FORM_SLOTS = (
    "email",
    "priority",
    "problem_description",
    "incident_title",
    "join_outage",
    "outage_number",
    "confirm",
)


class IncidentAction(UsesIncidentBackend, Action):
    """An action that talks to the incident backend."""

    @abstractmethod
    def name(self) -> str:
        """The action's name in the domain."""

    def caller(self, email: str) -> Caller:
        """The directory entry of an address the form has already validated."""
        caller = self.backend.find_caller_by_email(email)
        if caller is None:
            raise IncidentServiceError(f"{mask_email(email)} left the directory")
        return caller

    async def filed(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        *,
        title: str,
        description: str,
        priority: str,
        reported: Reported = TYPED,
    ) -> Incident | None:
        """The incident filed for the caller of the `email` slot; None, with the caller
        told why, when it is only recorded or could not be filed.

        When the address could not be confirmed, it is filed for the calling number's
        directory entry, or for no one, with the address as heard for the desk.
        """
        email = tracker.get_slot("email")
        unconfirmed = email == UNCONFIRMED
        if unconfirmed:
            description = f"{description}\n\n{address_to_confirm(tracker)}"
        call_sid = str(call_metadata(tracker).get("CallSid") or "")
        try:
            incident = await self.off_loop(
                lambda: self.backend.create_incident(
                    self._caller_of_number(tracker)
                    if unconfirmed
                    else self._caller_to_file_for(email),
                    title=title,
                    description=with_calling_number(description, tracker),
                    priority=priority,
                    reported=replace(reported, call_sid=call_sid),
                )
            )
        except IncidentServiceError as error:
            logger.error("Opening an incident for %s failed: %s", mask_email(email), error)
            dispatcher.utter_message(response="utter_incident_service_unavailable")
            return None
        if incident.pending:
            dispatcher.utter_message(response="utter_incident_recorded")
            return None
        logger.info("Opened %s for %s", incident.number, mask_email(email))
        return incident

    def _caller_of_number(self, tracker: Tracker) -> Caller:
        """The directory entry with the calling number, attested or not (the incident
        says which); no one when there is none or the directory cannot be read."""
        number = calling_number(tracker)
        try:
            found = self.backend.find_caller_by_phone(number) if number else None
        except IncidentServiceError as error:
            logger.warning("Looking up the calling number failed: %s", error)
            found = None
        return found or NO_ONE

    def _caller_to_file_for(self, email: str) -> Caller:
        """The directory entry; only the address while the directory is unreachable.

        The backend can then still record the incident and resolve the caller later.
        """
        try:
            return self.caller(email)
        except IncidentServiceError as error:
            logger.warning("Filing for %s without a directory entry: %s", mask_email(email), error)
            return Caller(sys_id="", email=email)


class ActionOpenIncident(IncidentAction):
    """Opens the incident the caller confirmed, or says it was cancelled; texts its
    number when SMS confirmation is on (actions/sms.py)."""

    def __init__(
        self, backend: IncidentBackend | None = None, texts: IncidentTexts | None = None
    ) -> None:
        super().__init__(backend)
        self._texts = texts

    def name(self) -> str:
        return "action_open_incident"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        reset = [SlotSet(slot, None) for slot in _FORM_SLOTS]
        if tracker.get_slot(REPAIR) is not None:
            reset.append(SlotSet(REPAIR, None))
        if not tracker.get_slot("confirm"):
            dispatcher.utter_message(response="utter_incident_creation_canceled")
            return reset
        outage = await self._joined_outage(tracker)
        title = tracker.get_slot("incident_title")
        description = tracker.get_slot("problem_description")
        # Routed by the caller's own words, never by the notes added for the desk.
        routing = routing_of(f"{title}. {description}")
        incident = await self.filed(
            dispatcher,
            tracker,
            title=title,
            description=description,
            priority=tracker.get_slot("priority"),
            reported=Reported(parent_sys_id=outage.sys_id if outage else "", **routing),
        )
        if incident is None:
            return reset
        if outage is not None:
            dispatcher.utter_message(
                response="utter_outage_joined",
                outage_number=outage.number,
                outage=outage.title,
                incident_number=incident.number,
            )
        else:
            dispatcher.utter_message(
                response="utter_incident_opened", incident_number=incident.number
            )
        if await self._texted(tracker, incident):
            dispatcher.utter_message(response="utter_incident_number_texted")
        # Kept for the person the call may be transferred to (the channel's whisper).
        return [*reset, SlotSet("opened_incident", incident.number)]

    async def _joined_outage(self, tracker: Tracker) -> MajorIncident | None:
        """The outage the caller said yes to joining, while it is still open (one that
        ended meanwhile leaves a plain incident)."""
        number = tracker.get_slot("outage_number")
        if not tracker.get_slot("join_outage") or not number:
            return None
        outages = await current_outages(self)
        return next((outage for outage in outages if outage.number == number), None)

    async def _texted(self, tracker: Tracker, incident: Incident) -> bool:
        """Texts the incident number to the caller's own, verified, number."""
        texts = self._texts or configured_texts()
        to = attested_number(tracker) if verification_required() else calling_number(tracker)
        if texts is None or not to:
            return False
        dialled = str(call_metadata(tracker).get("To") or "")
        return await self.off_loop(lambda: texts.send(to, dialled, incident.number, incident.title))


# An incident for a caller whose address could not be confirmed nor found by number.
NO_ONE = Caller(sys_id="", email="")


def address_to_confirm(tracker: Tracker) -> str:
    """The note for the desk on an incident whose caller's address was not confirmed."""
    heard = Repair.of(tracker).heard
    said = (
        f"The line heard {heard}, which the caller did not confirm"
        if heard
        else ("The line could not make out any address")
    )
    return f"Email address not confirmed by phone. {said}: please confirm it with the caller."


def with_calling_number(description: str, tracker: Tracker) -> str:
    """The description, and the number the call came from, for whoever handles it."""
    number = calling_number(tracker)
    if not number:
        return description
    attested = "attested" if attested_number(tracker) else "not attested"
    return f"{description}\n\nReported by phone from {number} (caller ID {attested})."
