"""The forms' questions, with a way out when one is asked again and again.

The third time in a row a question is asked, the caller also hears how to stop (or
reach a person, when a transfer number is configured). No question repeats forever and
none ends the call: when the fourth answer in a row still fills nothing, the form
carries on with what it has (the address as heard, a medium priority, ...), said to the
caller and noted for the desk, with a person still offered while the desk is open. Only
where carrying on would give the caller nothing of what they asked for (no address was
heard at all, or their incidents' status needs one) is the call put through instead.
What is not understood during a form gets the question again, and so counts.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.categories import category_of
from actions.email_repair import CHECKS, Repair, read_back_values
from actions.email_repair import SLOT as EMAIL_REPAIR
from actions.handoff import reachable_number
from actions.opener import is_vague
from actions.read_back import heard_slot, not_caught, pending, unanswered_read_backs

OFFER_WAY_OUT_AT = 3
GIVE_UP_AT = 5


def asks_in_a_row(tracker: Tracker, slot: str) -> int:
    """How often the form has asked for `slot` since it last asked for something else.

    Yes-or-no checks are not counted: read-backs of a heard answer ("I heard ... Is that
    right?") and checks of one part of an address ("Is the part before the at ...").
    """
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") == "restart":
            break
        if event.get("event") != "slot":
            continue
        if event.get("name") == "requested_slot":
            if event.get("value") != slot:
                break
            count += 1
        elif _asks_yes_or_no(event, slot):
            count -= 1
    return max(count, 0)


def _asks_yes_or_no(event: dict[str, Any], slot: str) -> bool:
    value = event.get("value")
    if event.get("name") == heard_slot(slot):
        return value is not None
    return (
        slot == "email"
        and event.get("name") == EMAIL_REPAIR
        and isinstance(value, dict)
        and value.get("step") in CHECKS
    )


def ask(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    slot: str,
    after: str | None = None,
    **values: Any,
) -> list[EventType]:
    """Asks for `slot` with its `utter_ask_` response (and the `after` response), or,
    when it was asked too often and the desk takes calls, puts the caller through to a
    person."""
    asked = asks_in_a_row(tracker, slot)
    number = reachable_number()
    if asked >= GIVE_UP_AT and number:
        dispatcher.utter_message(response="utter_transfer")
        dispatcher.utter_message(json_message={"transfer": number})
        return []
    dispatcher.utter_message(response=values.pop("response", f"utter_ask_{slot}"), **values)
    if after:
        dispatcher.utter_message(response=after)
    if asked >= OFFER_WAY_OUT_AT and number:
        dispatcher.utter_message(response="utter_way_out_with_person")
    elif asked >= OFFER_WAY_OUT_AT:
        dispatcher.utter_message(response="utter_way_out")
    return []


class CarriesOnWithoutAnswers(FormValidationAction, ABC):
    """A form's validation that never lets a question end the call.

    When the answer to a question asked four times in a row still fills nothing, the
    slot gets its fallback (`fallback`) and the form goes on with the next question in
    the same turn, unless a person can take the call and the fallback would not serve
    the caller (`needs_a_person`). A caller who carries on hears that a person is
    still there for them.
    """

    @abstractmethod
    def fallback(
        self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        """The slots to set for `slot` when its question gave up, after telling the
        caller what happens instead."""

    def needs_a_person(self, slot: str, tracker: Tracker) -> bool:
        """Whether a caller whose answers for `slot` kept failing is better served by a
        person (when one can take the call) than by the fallback."""
        return False

    async def _extract_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = await super()._extract_validation_events(dispatcher, tracker, domain)
        slot = tracker.get_slot("requested_slot")
        required = domain.get("forms", {}).get(self.form_name(), {}).get("required_slots", [])
        if slot not in required or tracker.get_slot(slot) is not None:
            return events
        if pending(tracker, slot) is not None:
            answered = any(e.get("name") in (slot, heard_slot(slot)) for e in events)
            # The caller's words of this turn count too: they are not among the tracker's.
            if answered or unanswered_read_backs(tracker, slot) < GIVE_UP_AT - 1:
                return events
        # The tracker a form's validation sees counts the question about to be asked.
        elif (slot == "email" and Repair.of(tracker).checking) or asks_in_a_row(
            tracker, slot
        ) < GIVE_UP_AT:
            return events
        person = reachable_number()
        if person and self.needs_a_person(slot, tracker):
            return events
        filled = [
            SlotSet(name, value) for name, value in self.fallback(slot, dispatcher, tracker).items()
        ]
        if heard_slot(slot) in domain.get("slots", {}):
            filled.append(SlotSet(heard_slot(slot), None))
        if person:
            dispatcher.utter_message(response=PERSON_INSTEAD_RESPONSE)
        tracker.add_slots(filled)
        return events + filled


PERSON_INSTEAD_RESPONSE = "utter_person_instead"
# Before a read-back asked again because the answer was neither yes nor no.
NOT_CAUGHT_RESPONSE = "utter_not_caught"


class AskAgainAction(Action, ABC):
    """`action_ask_<slot>`: the question of one slot, through `ask`."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The slot this action asks for."""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        # Only slots with a `heard_<slot>` slot in the domain are ever read back.
        heard = pending(tracker, self.slot) if heard_slot(self.slot) in domain["slots"] else None
        if heard is not None:
            if not_caught(tracker, self.slot):
                dispatcher.utter_message(response=NOT_CAUGHT_RESPONSE)
            dispatcher.utter_message(response=f"utter_ask_heard_{self.slot}", **{self.slot: heard})
            return []
        return ask(dispatcher, tracker, self.slot, **self.values(tracker))

    def values(self, tracker: Tracker) -> dict[str, Any]:
        """Values for the question's response besides the slots'."""
        return {}


class ActionAskPriority(AskAgainAction):
    """How urgent: a security problem (a virus, phishing) comes with what to do now and
    high priority suggested."""

    slot = "priority"

    def values(self, tracker: Tracker) -> dict[str, Any]:
        described = (
            f"{tracker.get_slot('incident_title')}. {tracker.get_slot('problem_description')}"
        )
        kind = category_of(described)
        return {"response": SECURITY_PRIORITY_RESPONSE} if kind and kind.security else {}


SECURITY_PRIORITY_RESPONSE = "utter_ask_priority_security"


class ActionAskProblemDescription(AskAgainAction):
    """What the problem is: after a vague opener, the one focused question "What's not
    working?"."""

    slot = "problem_description"

    def values(self, tracker: Tracker) -> dict[str, Any]:
        opener, intent = opening_words(tracker)
        vague = intent == "open_incident" and is_vague(opener)
        return {"response": WHATS_NOT_WORKING_RESPONSE} if vague else {}


def opening_words(tracker: Tracker) -> tuple[str, str]:
    """What the caller said, and its intent, when the incident form last started: not
    whatever words during the form the classifier took for a request."""
    said: tuple[str, str] = ("", "")
    opener = said
    for event in tracker.events:
        if event.get("event") == "user":
            intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
            said = (str(event.get("text") or ""), str(intent or ""))
        elif event.get("event") == "active_loop" and event.get("name") == "open_incident_form":
            opener = said
    return opener


WHATS_NOT_WORKING_RESPONSE = "utter_ask_whats_not_working"


class ActionAskIncidentTitle(AskAgainAction):
    slot = "incident_title"


class ActionAskConfirm(AskAgainAction):
    slot = "confirm"

    def values(self, tracker: Tracker) -> dict[str, Any]:
        return read_back_values(tracker)


class ActionNotUnderstood(Action):
    """The dialogue's fallback: ask to rephrase, and during a form, ask its question again.

    Rasa's own fallback reverts the caller's words and asks nothing, so a caller whose
    answers keep missing would hear "Sorry, I didn't catch that" forever. Outside a
    form, from the second time in a row the caller also hears what they can say, and
    that a person is there when one can take the call.
    """

    def name(self) -> str:
        return "action_not_understood"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_default")
        form = (tracker.active_loop or {}).get("name")
        if form:
            return [FollowupAction(form)]
        if not_understood_in_a_row(tracker) >= HELP_AFTER_NOT_UNDERSTOOD:
            dispatcher.utter_message(response="utter_help")
            if reachable_number():
                dispatcher.utter_message(response=PERSON_INSTEAD_RESPONSE)
        return [UserUtteranceReverted()]


# The second "Sorry, I didn't catch that" in a row outside a form comes with help.
HELP_AFTER_NOT_UNDERSTOOD = 1


def not_understood_in_a_row(tracker: Tracker) -> int:
    """How often the fallback answered the caller's last turns, before this one, with
    no other action in between (reverted turns stay among a tracker's raw events)."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "action" or event.get("name") == "action_listen":
            continue
        if event.get("name") != "action_not_understood":
            break
        count += 1
    return count
