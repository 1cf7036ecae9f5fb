"""ConversationRelay's WebSocket messages: read defensively, written as Twilio documents.

Twilio's pages disagree on some field types (`durationUntilInterruptMs` is a number in
one version and a string in another; `last` a boolean or a string), so every field is
read by its meaning, and anything else is a `BadMessage`, never an exception that ends
the session.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# A caller's prompt is a sentence or two; Twilio's own messages are far smaller.
MAX_MESSAGE_CHARS = 64 * 1024
MAX_PROMPT_CHARS = 2000
KEYS = set("0123456789*#")


class BadMessage(ValueError):
    """A frame that is not one of Twilio's messages: logged, counted and skipped."""


@dataclass(frozen=True)
class Setup:
    """The first message of a session: the call it belongs to and the `<Parameter>`s."""

    call_sid: str
    session_id: str
    parameters: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Prompt:
    """What the caller said, as Twilio's recogniser heard it."""

    text: str
    last: bool = True


@dataclass(frozen=True)
class Keypress:
    """One key the caller pressed (Twilio sends each digit on its own)."""

    key: str


@dataclass(frozen=True)
class Interrupted:
    """The caller spoke over the assistant: what they heard of it before it stopped."""

    heard: str
    duration_ms: int | None


@dataclass(frozen=True)
class Info:
    """A debug or speaker event (`events`/`debug` attribute), such as agentSpeaking off."""

    name: str
    value: str


@dataclass(frozen=True)
class TwilioError:
    """Twilio reports a problem with the session (a message it could not use)."""

    description: str


Incoming = Setup | Prompt | Keypress | Interrupted | Info | TwilioError


def parse_message(frame: str | bytes) -> Incoming:
    """One frame from Twilio as a message; raises `BadMessage` for anything else."""
    if not isinstance(frame, str):
        raise BadMessage("a binary frame (ConversationRelay sends text)")
    if len(frame) > MAX_MESSAGE_CHARS:
        raise BadMessage(f"a message of {len(frame)} characters")
    try:
        message = json.loads(frame)
    except ValueError as error:
        raise BadMessage("not JSON") from error
    if not isinstance(message, dict):
        raise BadMessage("not a JSON object")
    kind = message.get("type")
    reader = _READERS.get(kind) if isinstance(kind, str) else None
    if reader is None:
        raise BadMessage(f"unknown type {str(kind)[:32]!r}")
    return reader(message)


def _setup(message: dict[str, Any]) -> Setup:
    parameters = message.get("customParameters")
    return Setup(
        call_sid=_text(message, "callSid"),
        session_id=_text(message, "sessionId"),
        parameters={
            str(key): str(value)
            for key, value in (parameters.items() if isinstance(parameters, dict) else [])
            if isinstance(value, (str, int, float))
        },
    )


def _prompt(message: dict[str, Any]) -> Prompt:
    text = _text(message, "voicePrompt")
    if len(text) > MAX_PROMPT_CHARS:
        raise BadMessage(f"a prompt of {len(text)} characters")
    return Prompt(text, _flag(message.get("last", True)))


def _keypress(message: dict[str, Any]) -> Keypress:
    key = _text(message, "digit")
    if key not in KEYS:
        raise BadMessage("a dtmf message without one key")
    return Keypress(key)


def _interrupted(message: dict[str, Any]) -> Interrupted:
    duration = message.get("durationUntilInterruptMs")
    try:
        milliseconds = int(float(duration)) if duration is not None else None
    except (TypeError, ValueError):
        milliseconds = None
    return Interrupted(_text(message, "utteranceUntilInterrupt"), milliseconds)


def _info(message: dict[str, Any]) -> Info:
    return Info(_text(message, "name"), _text(message, "value"))


def _error(message: dict[str, Any]) -> TwilioError:
    return TwilioError(_text(message, "description"))


_READERS: dict[str, Callable[[dict[str, Any]], Incoming]] = {
    "setup": _setup,
    "prompt": _prompt,
    "dtmf": _keypress,
    "interrupt": _interrupted,
    "info": _info,
    "error": _error,
}


def _text(message: dict[str, Any], name: str) -> str:
    value = message.get(name)
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise BadMessage(f"{name} is not text")
    return str(value)


def _flag(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def text_token(token: str, last: bool, interruptible: bool = True) -> str:
    """Text for Twilio to speak; `last` ends the assistant's turn."""
    message: dict[str, Any] = {"type": "text", "token": token, "last": last}
    if not interruptible:
        message["interruptible"] = False
    return json.dumps(message)


def end_session(handoff: dict[str, str]) -> str:
    """Ends the session; Twilio posts `handoff` (as HandoffData) to the `<Connect action>`."""
    return json.dumps({"type": "end", "handoffData": json.dumps(handoff)})
