"""Rasa's built-in `twilio_voice` channel as `make bench` runs it for comparison.

The built-in channel reads `message["text"]` of every bot message, and Rasa sends a
response's `custom` payload as a message of its own, without text: the voice variants
here that set a pacing (`custom: speech_timeout`) or a hang-up make it fail with a
KeyError and the caller hear an application error. This subclass drops text-less
messages before the built-in channel builds its TwiML, and changes nothing else, so the
baseline completes the same calls as this project's channel.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.twilio_voice import TwilioVoiceInput
from twilio.twiml.voice_response import VoiceResponse


class TextOnlyTwilioVoiceInput(TwilioVoiceInput):
    """The built-in channel, given only the messages it can speak."""

    def _build_twilio_voice_response(self, messages: list[dict[str, Any]]) -> VoiceResponse:
        spoken = [message for message in messages if message.get("text")]
        return super()._build_twilio_voice_response(spoken)
