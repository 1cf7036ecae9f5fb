"""Leaving a form: cancelling it, saying goodbye in the middle of it, switching to the
other request (a status check during an incident, or the other way round), or asking
for a person (actions/handoff.py).

Each ends what the caller came for, so a misheard phrase must not do it. On a noisy
line a recogniser turns an address into "that's it, man" or "buyer", which the
classifier may take for a cancel or a goodbye, and an Irish address into "got right in
the middle of the damn pole", which it took for a request to open an incident. When
the recogniser was unsure of the words and they hold no word of what they would do
("cancel", "bye", "status", "incident", ...), the caller is told it was not caught and
hears the form's question again; a caller who means it says it again, or hangs up.
The same holds for words the classifier itself was unsure of.
"""

from __future__ import annotations

import re

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.email_repair import SLOT as REPAIR
from actions.latest_answer import latest_text
from actions.read_back import heard_for_sure

LEAVING_WORDS = re.compile(
    r"\b(cancel|stop|bye|goodbye|good-?bye|never ?mind|forget it|hang up|quit|that'?s all|"
    r"that is all|i'?m done|no thanks)\b",
    re.IGNORECASE,
)


# What a caller says to switch to the other request, by the form switched to.
SWITCHING_WORDS = {
    "open_incident_form": re.compile(
        r"\b(incident|ticket|open|report|problem|issue|broken|working|password|reset)\b",
        re.IGNORECASE,
    ),
    "incident_status_form": re.compile(
        r"\b(status|check|incidents|tickets|progress|update|doing)\b", re.IGNORECASE
    ),
}


# Below this the classifier is guessing: "i'm going to be at the ad", an Irish address
# heard with confidence, is a goodbye at 0.40; said goodbyes, cancels and requests are
# 0.8 and above.
SURE_INTENT = 0.75


def meant(tracker: Tracker, words: re.Pattern[str]) -> bool:
    """Whether the caller's words can be taken as what the classifier made of them:
    heard clearly and classified surely, or holding one of `words`."""
    sure = float((tracker.latest_message.get("intent") or {}).get("confidence") or 0.0)
    clearly = heard_for_sure(tracker) and sure >= SURE_INTENT
    return clearly or bool(words.search(latest_text(tracker)))


def ask_again(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The form's question again, after "Sorry, I didn't catch that"."""
    dispatcher.utter_message(response="utter_default")
    form = (tracker.active_loop or {}).get("name")
    return [FollowupAction(form)] if form else []


class ActionCancelForm(Action):
    """Stops the active form when the caller asks to, forgetting its answers."""

    def name(self) -> str:
        return "action_cancel_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not meant(tracker, LEAVING_WORDS):
            return ask_again(dispatcher, tracker)
        form = (tracker.active_loop or {}).get("name")
        if form == "incident_status_form":
            dispatcher.utter_message(response="utter_status_check_canceled")
        elif form == "voice_message_form":
            dispatcher.utter_message(response="utter_voice_message_canceled")
        else:
            dispatcher.utter_message(response="utter_incident_creation_canceled")
        slots = domain.get("forms", {}).get(form, {}).get("required_slots", [])
        # What the email question was in the middle of goes too.
        repair = ("heard_email", "declined_email", REPAIR)
        return [
            ActiveLoop(None),
            SlotSet("requested_slot", None),
            *(SlotSet(slot, None) for slot in (*slots, *repair)),
        ]


class ActionGoodbyeInForm(Action):
    """Goodbye in the middle of a form ends the call, when it was heard as one."""

    def name(self) -> str:
        return "action_goodbye_in_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not meant(tracker, LEAVING_WORDS):
            return ask_again(dispatcher, tracker)
        dispatcher.utter_message(response="utter_goodbye")
        return []


class ActionSwitchForm(Action):
    """Leaves the active form for the other request's form (which the rule runs next),
    when the words were heard as a request for it."""

    def name(self) -> str:
        return "action_switch_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        form = (tracker.active_loop or {}).get("name")
        target = "incident_status_form" if form == "open_incident_form" else "open_incident_form"
        if not meant(tracker, SWITCHING_WORDS[target]):
            return ask_again(dispatcher, tracker)
        return [ActiveLoop(None), SlotSet("requested_slot", None)]
