"""The greeting, which names an outage the desk already works on, and the offer to
join it made to a caller whose problem sounds like it."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.email_repair import read_back_values
from actions.incidents import MajorIncident
from actions.incidents.factory import UsesIncidentBackend
from actions.outages import matching_outage, outages_of, spoken_outages


def problem_of(tracker: Tracker) -> str:
    """What the caller's incident is about so far: its title and description."""
    parts = (tracker.get_slot("incident_title"), tracker.get_slot("problem_description"))
    return " ".join(str(part) for part in parts if part)


async def outage_sounding_like(user: UsesIncidentBackend, tracker: Tracker) -> MajorIncident | None:
    """The outage the caller's problem (title and description) sounds like, if any."""
    return matching_outage(problem_of(tracker), await current_outages(user))


async def current_outages(user: UsesIncidentBackend) -> list[MajorIncident]:
    """The open outages: as kept, or read off the event loop when they are due again.

    Kept ones are not fetched through the backend's thread pool, where they would wait
    behind slow ServiceNow calls of other callers.
    """
    known = outages_of(user.backend)
    kept = known.cached()
    return kept if kept is not None else await user.off_loop(known.current)


class ActionGreet(UsesIncidentBackend, Action):
    """Greets the caller; during an outage, says in one sentence that it is known."""

    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        outages = await current_outages(self)
        if outages:
            dispatcher.utter_message(
                response="utter_greet_during_outage", outage=spoken_outages(outages)
            )
        else:
            dispatcher.utter_message(response="utter_greet")
        return []


class ActionAskJoinOutage(UsesIncidentBackend, Action):
    """Offers to add the caller to the outage their problem sounds like."""

    def name(self) -> str:
        return "action_ask_join_outage"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        outage = await outage_sounding_like(self, tracker)
        if outage is None:
            # It ended since the form chose this question: a yes opens the incident.
            dispatcher.utter_message(response="utter_ask_confirm", **read_back_values(tracker))
            return []
        dispatcher.utter_message(
            response="utter_ask_join_outage", outage=outage.title, outage_number=outage.number
        )
        return [SlotSet("outage_number", outage.number)]
