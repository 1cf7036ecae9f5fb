"""A request for a person transfers the call only when a number is configured."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionHumanHandoff, InvalidTransferNumber, transfer_number
from tests.actions.conftest import make_tracker


async def test_with_a_number_the_call_is_transferred(
    dispatcher: CollectingDispatcher, domain: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HANDOFF_PHONE_NUMBER", "+15005550009")
    await ActionHumanHandoff().run(dispatcher, make_tracker(intent="human_handoff"), domain)
    assert dispatcher.messages[0]["response"] == "utter_transfer"
    assert dispatcher.messages[1]["custom"] == {"transfer": "+15005550009"}


async def test_without_a_number_the_caller_hears_so(
    dispatcher: CollectingDispatcher, domain: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HANDOFF_PHONE_NUMBER", raising=False)
    await ActionHumanHandoff().run(dispatcher, make_tracker(intent="human_handoff"), domain)
    assert [message["response"] for message in dispatcher.messages] == ["utter_human_handoff"]


@pytest.mark.parametrize("number", ["555-1234", "+1 415 555 0100", "0044207946000", "+0123"])
def test_a_transfer_number_that_is_not_e164_is_refused(
    number: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HANDOFF_PHONE_NUMBER", number)
    with pytest.raises(InvalidTransferNumber, match=r"E\.164"):
        transfer_number()


def test_the_action_server_refuses_to_start_with_a_bad_transfer_number() -> None:
    started = subprocess.run(
        [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", "0"],
        env={**os.environ, "HANDOFF_PHONE_NUMBER": "555-1234"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode != 0
    assert "HANDOFF_PHONE_NUMBER must be in E.164 form" in started.stderr


@pytest.mark.parametrize(
    ("text", "confidence", "transferred"),
    [
        ("sierra valento", 0.08, False),  # "a n y t h i n g at example dot com", noisy line
        ("can I talk to someone", 0.3, True),
        ("get me out of here", 0.9, True),  # heard clearly, classified surely
    ],
)
async def test_in_a_form_only_words_heard_as_asking_for_a_person_transfer(
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    confidence: float,
    transferred: bool,
) -> None:
    monkeypatch.setenv("HANDOFF_PHONE_NUMBER", "+15005550009")
    tracker = make_tracker(
        intent="human_handoff",
        text=text,
        metadata={"twilio_confidence": confidence},
        active_loop="open_incident_form",
    )
    await ActionHumanHandoff().run(dispatcher, tracker, domain)
    expected = "utter_transfer" if transferred else "utter_default"
    assert dispatcher.messages[0]["response"] == expected
