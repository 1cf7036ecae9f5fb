"""The bench's baseline: Rasa's own Twilio channel, kept from failing on custom payloads."""

from __future__ import annotations

import pytest
from rasa.core.channels.twilio_voice import TwilioVoiceInput

from tools.bench.rasa_baseline import TextOnlyTwilioVoiceInput

MESSAGES = [{"text": "Please describe the problem."}, {"custom": {"speech_timeout": 4}}]
SETTINGS = {"initial_prompt": "hello"}


def test_rasas_channel_fails_on_a_message_without_text() -> None:
    with pytest.raises(KeyError):
        TwilioVoiceInput.from_credentials(SETTINGS)._build_twilio_voice_response(MESSAGES)


def test_the_baseline_speaks_the_text_and_skips_the_rest() -> None:
    channel = TextOnlyTwilioVoiceInput.from_credentials(SETTINGS)
    twiml = str(channel._build_twilio_voice_response(MESSAGES))
    assert "<Say" in twiml and "Please describe the problem." in twiml
    assert channel.name() == "twilio_voice"
