"""Channel settings come from the environment and refuse unsafe combinations."""

from __future__ import annotations

import pytest
from rasa.shared.exceptions import InvalidConfigException

from channels.settings import VoiceSettings


def test_defaults_with_a_token() -> None:
    settings = VoiceSettings.from_environment({"TWILIO_AUTH_TOKEN": "secret"})
    assert settings.validate_signature is True
    assert settings.profanity_filter is False
    assert settings.max_silences == 2
    assert settings.turn_budget_seconds == 10.0


def test_every_setting_is_read() -> None:
    settings = VoiceSettings.from_environment(
        {
            "TWILIO_AUTH_TOKEN": "secret",
            "TWILIO_PUBLIC_URL": "https://voice.example.com/",
            "TWILIO_VOICE": "Polly.Matthew",
            "TWILIO_LANGUAGE": "en-GB",
            "TWILIO_SPEECH_MODEL": "",
            "TWILIO_SPEECH_TIMEOUT": "auto",
            "TWILIO_INPUT_TIMEOUT": "7",
            "TWILIO_BARGE_IN": "false",
            "TWILIO_PROFANITY_FILTER": "true",
            "TWILIO_SPEECH_HINTS": "outlook, vpn ,",
            "TWILIO_MAX_SILENCES": "3",
            "TWILIO_TURN_BUDGET_SECONDS": "8.5",
        }
    )
    assert settings.public_url == "https://voice.example.com"
    assert (settings.voice, settings.language) == ("Polly.Matthew", "en-GB")
    assert (settings.speech_model, settings.speech_timeout) == ("", "auto")
    assert settings.input_timeout == 7
    assert settings.barge_in is False
    assert settings.profanity_filter is True
    assert settings.hints == ("outlook", "vpn")
    assert (settings.max_silences, settings.turn_budget_seconds) == (3, 8.5)


@pytest.mark.parametrize(
    ("environ", "complaint"),
    [
        ({}, "TWILIO_AUTH_TOKEN is not set"),
        ({"TWILIO_AUTH_TOKEN": "s", "TWILIO_SPEECH_TIMEOUT": "auto"}, "auto"),
        ({"TWILIO_AUTH_TOKEN": "s", "TWILIO_TURN_BUDGET_SECONDS": "15"}, "15 s"),
        ({"TWILIO_AUTH_TOKEN": "s", "TWILIO_MAX_SILENCES": "0"}, "at least 1"),
    ],
)
def test_unsafe_settings_are_refused(environ: dict, complaint: str) -> None:
    with pytest.raises(InvalidConfigException, match=complaint):
        VoiceSettings.from_environment(environ)


def test_validation_can_be_switched_off_explicitly() -> None:
    settings = VoiceSettings.from_environment({"TWILIO_VALIDATE_SIGNATURE": "false"})
    assert settings.validate_signature is False
