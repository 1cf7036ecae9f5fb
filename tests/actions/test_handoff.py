"""A request for a person transfers the call only when a number is configured."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionHumanHandoff
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
