"""The status check: a caller's most recent incidents, spoken."""

from __future__ import annotations

import logging
import re
from datetime import datetime

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.email_repair import SLOT as REPAIR
from actions.email_repair import UNCONFIRMED
from actions.handoff import reachable_number
from actions.incident_actions import IncidentAction
from actions.incidents import IncidentServiceError, Reported
from actions.verification import may_hear_details
from helpdesk.privacy import mask_email

logger = logging.getLogger(__name__)

# A listener keeps track of three incidents; the rest are summed up in one sentence.
SPOKEN_INCIDENT_LIMIT = 3
# Words with which a caller asks for incidents that are no longer open.
_CLOSED = re.compile(r"\b(closed|resolved|old|older|past|previous|all)\b")


class ActionCheckIncidentStatus(IncidentAction):
    """Speaks the caller's most recent incidents and how many more there are."""

    def name(self) -> str:
        return "action_check_incident_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        email = tracker.get_slot("email")
        if email == UNCONFIRMED:
            return await self._call_back(dispatcher, tracker)
        closed_too = asked_for_closed_incidents(tracker)
        try:
            caller = await self.off_loop(lambda: self.caller(email))
            incidents = await self.off_loop(
                lambda: self.backend.list_incidents(caller, include_closed=closed_too)
            )
        except IncidentServiceError as error:
            logger.error("Listing incidents of %s failed: %s", mask_email(email), error)
            dispatcher.utter_message(response="utter_incident_service_unavailable")
            return [SlotSet("email", None)]
        if not may_hear_details(tracker, caller):
            dispatcher.utter_message(
                response="utter_incident_count_unverified", incident_count=len(incidents)
            )
            if reachable_number():
                dispatcher.utter_message(response="utter_details_from_a_person")
            return [SlotSet("email", None)]
        if not incidents:
            dispatcher.utter_message(response="utter_no_incidents", email=email)
        for incident in incidents[:SPOKEN_INCIDENT_LIMIT]:
            if incident.pending:
                dispatcher.utter_message(
                    response="utter_incident_pending",
                    incident_title=incident.title,
                    opened_on=spoken_date(incident.opened_at),
                )
                continue
            dispatcher.utter_message(
                response="utter_incident_status",
                incident_number=incident.number,
                incident_title=incident.title,
                opened_on=spoken_date(incident.opened_at),
                incident_state=incident.state.spoken,
            )
        older = len(incidents) - SPOKEN_INCIDENT_LIMIT
        if older > 0:
            dispatcher.utter_message(response="utter_more_incidents", count=older)
        return [SlotSet("email", None)]

    async def _call_back(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[EventType]:
        """Without a confirmed address no incident is read out: the desk is asked to
        call the caller back, and the caller gets that request's number."""
        incident = await self.filed(
            dispatcher,
            tracker,
            title=CALL_BACK_TITLE,
            description=CALL_BACK_DESCRIPTION,
            priority="low",
            reported=Reported(),
        )
        if incident is not None:
            dispatcher.utter_message(
                response="utter_status_call_back", incident_number=incident.number
            )
        return [SlotSet("email", None), SlotSet(REPAIR, None)]


CALL_BACK_TITLE = "Call back about incident status"
CALL_BACK_DESCRIPTION = "The caller asked for the status of their incidents by phone."


def asked_for_closed_incidents(tracker: Tracker) -> bool:
    """Whether the status request named closed or old incidents ("my closed tickets")."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
            if intent == "incident_status":
                return bool(_CLOSED.search(str(event.get("text") or "").lower()))
    return False


def spoken_date(moment: datetime) -> str:
    """`2026-05-21T09:57:06` -> `May 21, 2026`."""
    return f"{moment:%B} {moment.day}, {moment.year}"
