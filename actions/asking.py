"""The forms' questions, with a way out when one is asked again and again.

The third time in a row a question is asked, the caller also hears how to stop (or
reach a person, when a transfer number is configured); the fifth time, the assistant
transfers the call or says goodbye. No question repeats forever: what is not
understood during a form gets the question again, and so counts too.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.handoff import reachable_number
from actions.read_back import heard_slot, pending

OFFER_WAY_OUT_AT = 3
GIVE_UP_AT = 5


def asks_in_a_row(tracker: Tracker, slot: str) -> int:
    """How often the form has asked for `slot` since it last asked for something else.

    Read-backs of a heard answer ("I heard ... Is that right?") are not counted.
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
        elif event.get("name") == heard_slot(slot) and event.get("value") is not None:
            count -= 1
    return max(count, 0)


def ask(
    dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, **values: Any
) -> list[EventType]:
    """Asks for `slot` with its `utter_ask_` response, or ends a question asked too often."""
    asked = asks_in_a_row(tracker, slot)
    number = reachable_number()
    if asked >= GIVE_UP_AT:
        if number:
            dispatcher.utter_message(response="utter_transfer")
            dispatcher.utter_message(json_message={"transfer": number})
        else:
            dispatcher.utter_message(response="utter_give_up")
        return []
    dispatcher.utter_message(response=values.pop("response", f"utter_ask_{slot}"), **values)
    if asked >= OFFER_WAY_OUT_AT and number:
        dispatcher.utter_message(response="utter_way_out_with_person")
    elif asked >= OFFER_WAY_OUT_AT:
        dispatcher.utter_message(response="utter_way_out")
    return []


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
            dispatcher.utter_message(response=f"utter_ask_heard_{self.slot}", **{self.slot: heard})
            return []
        return ask(dispatcher, tracker, self.slot)


class ActionAskPriority(AskAgainAction):
    slot = "priority"


class ActionAskProblemDescription(AskAgainAction):
    slot = "problem_description"


class ActionAskIncidentTitle(AskAgainAction):
    slot = "incident_title"


class ActionAskConfirm(AskAgainAction):
    slot = "confirm"


class ActionNotUnderstood(Action):
    """The dialogue's fallback: ask to rephrase, and during a form, ask its question again.

    Rasa's own fallback reverts the caller's words and asks nothing, so a caller whose
    answers keep missing would hear "Sorry, I didn't catch that" forever.
    """

    def name(self) -> str:
        return "action_not_understood"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_default")
        form = (tracker.active_loop or {}).get("name")
        return [FollowupAction(form)] if form else [UserUtteranceReverted()]
