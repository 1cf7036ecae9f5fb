"""ConversationRelay's messages read defensively: every frame is a message or a BadMessage."""

from __future__ import annotations

import json

import pytest

from channels.relay_messages import (
    MAX_MESSAGE_CHARS,
    BadMessage,
    Info,
    Interrupted,
    Keypress,
    Prompt,
    Setup,
    TwilioError,
    end_session,
    parse_message,
    text_token,
)

SID = "CA" + "0" * 32


def test_setup_carries_the_call_and_its_parameters() -> None:
    frame = {
        "type": "setup",
        "sessionId": "VX1",
        "callSid": SID,
        "from": "+15005550006",
        "customParameters": {"StirVerstat": "TN-Validation-Passed-A", "odd": {"nested": 1}},
    }
    assert parse_message(json.dumps(frame)) == Setup(
        SID, "VX1", {"StirVerstat": "TN-Validation-Passed-A"}
    )


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        ({"type": "prompt", "voicePrompt": "hi", "last": True}, Prompt("hi", True)),
        ({"type": "prompt", "voicePrompt": "hi", "last": "false"}, Prompt("hi", False)),
        ({"type": "dtmf", "digit": "#"}, Keypress("#")),
        ({"type": "dtmf", "digit": 7}, Keypress("7")),
        (
            {"type": "interrupt", "utteranceUntilInterrupt": "I", "durationUntilInterruptMs": "46"},
            Interrupted("I", 46),
        ),
        (
            {"type": "interrupt", "utteranceUntilInterrupt": "I", "durationUntilInterruptMs": 12.5},
            Interrupted("I", 12),
        ),
        ({"type": "interrupt", "durationUntilInterruptMs": "soon"}, Interrupted("", None)),
        ({"type": "info", "name": "agentSpeaking", "value": "off"}, Info("agentSpeaking", "off")),
        ({"type": "error", "description": "Invalid message"}, TwilioError("Invalid message")),
    ],
)  # fmt: skip
def test_documented_messages_in_either_documented_shape(frame: dict, message: object) -> None:
    assert parse_message(json.dumps(frame)) == message


@pytest.mark.parametrize(
    "frame",
    [
        b'{"type": "prompt"}',
        "not json",
        "[1, 2]",
        '{"type": "mystery"}',
        '{"voicePrompt": "no type"}',
        '{"type": "prompt", "voicePrompt": {"a": 1}}',
        '{"type": "prompt", "voicePrompt": true}',
        '{"type": "dtmf", "digit": "12"}',
        '{"type": "dtmf"}',
        json.dumps({"type": "prompt", "voicePrompt": "x" * 5000}),
        json.dumps({"type": "prompt", "voicePrompt": "x" * MAX_MESSAGE_CHARS}),
    ],
)
def test_anything_else_is_a_bad_message(frame: str | bytes) -> None:
    with pytest.raises(BadMessage):
        parse_message(frame)


def test_what_the_assistant_sends_is_what_twilio_documents() -> None:
    assert json.loads(text_token("Hello.", last=False)) == {
        "type": "text",
        "token": "Hello.",
        "last": False,
    }
    assert json.loads(text_token("", last=True, interruptible=False))["interruptible"] is False
    ended = json.loads(end_session({"reason": "hangup"}))
    assert ended["type"] == "end" and json.loads(ended["handoffData"]) == {"reason": "hangup"}
