"""A cancel or goodbye the recogniser was unsure of, with no word of leaving in it,
does not end what the caller came for; one heard clearly does."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.leaving import ActionCancelForm, ActionGoodbyeInForm, ActionSwitchForm
from tests.actions.conftest import make_tracker, responses

UNSURE = {"twilio_confidence": 0.3}
SURE = {"twilio_confidence": 0.9}


@pytest.mark.parametrize(
    ("text", "metadata", "leaves"),
    [
        ("perf de head buyer buyer", UNSURE, False),  # "delta echo echo ..." on a noisy line
        ("ok bye then", UNSURE, True),
        ("good bye", SURE, True),
        ("that's it man", {}, True),  # typed: no recogniser to doubt
    ],
)
async def test_goodbye_in_a_form_ends_the_call_only_when_heard_as_one(
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    text: str,
    metadata: dict[str, Any],
    leaves: bool,
) -> None:
    tracker = make_tracker(
        intent="goodbye", text=text, metadata=metadata, active_loop="incident_status_form"
    )
    events = await ActionGoodbyeInForm().run(dispatcher, tracker, domain)
    if leaves:
        assert responses(dispatcher) == ["utter_goodbye"] and events == []
    else:
        assert responses(dispatcher) == ["utter_default"]
        assert events == [FollowupAction("incident_status_form")]


@pytest.mark.parametrize(
    ("text", "metadata", "cancels"),
    [("mr go and that's it man full dot net", UNSURE, False), ("cancel that", UNSURE, True)],
)
async def test_a_cancel_the_recogniser_was_unsure_of_needs_a_word_of_leaving(
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    text: str,
    metadata: dict[str, Any],
    cancels: bool,
) -> None:
    tracker = make_tracker(
        intent="cancel", text=text, metadata=metadata, active_loop="incident_status_form"
    )
    events = await ActionCancelForm().run(dispatcher, tracker, domain)
    assert (ActiveLoop(None) in events) is cancels
    expected = ["utter_status_check_canceled"] if cancels else ["utter_default"]
    assert responses(dispatcher) == expected


@pytest.mark.parametrize(
    ("form", "text", "metadata", "switches"),
    [
        ("incident_status_form", "got right in the middle of the damn pole got ID", UNSURE, False),
        ("incident_status_form", "actually I want to report a problem", UNSURE, True),
        ("open_incident_form", "what's the status of my tickets", SURE, True),
        ("open_incident_form", "the lemon pole", UNSURE, False),
    ],
)
async def test_switching_to_the_other_request_needs_words_heard_as_one(
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    form: str,
    text: str,
    metadata: dict[str, Any],
    switches: bool,
) -> None:
    tracker = make_tracker(intent="open_incident", text=text, metadata=metadata, active_loop=form)
    events = await ActionSwitchForm().run(dispatcher, tracker, domain)
    if switches:
        assert events == [ActiveLoop(None), SlotSet("requested_slot", None)]
        assert dispatcher.messages == []
    else:
        assert events == [FollowupAction(form)] and responses(dispatcher) == ["utter_default"]


async def test_a_goodbye_the_classifier_guessed_at_is_not_obeyed(
    dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    tracker = make_tracker(
        intent="goodbye",
        text="i'm going to be at the ad",  # "sean dot murphy at dublin dot i e", confidently
        metadata=SURE,
        active_loop="incident_status_form",
    )
    tracker.latest_message["intent"]["confidence"] = 0.40
    assert await ActionGoodbyeInForm().run(dispatcher, tracker, domain) == [
        FollowupAction("incident_status_form")
    ]
    assert responses(dispatcher) == ["utter_default"]
