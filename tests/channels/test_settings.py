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
    assert settings.turn_budget_seconds == 8.0
    assert settings.max_turn_budget() == 9.0


def test_every_setting_is_read() -> None:
    settings = VoiceSettings.from_environment(
        {
            "TWILIO_AUTH_TOKEN": "secret",
            "TWILIO_PUBLIC_URL": "https://voice.example.com/",
            "TWILIO_VOICE": "Polly.Amy-Neural",
            "TWILIO_LANGUAGE": "en-GB",
            "TWILIO_SPEECH_MODEL": "",
            "TWILIO_SPEECH_TIMEOUT": "auto",
            "TWILIO_INPUT_TIMEOUT": "7",
            "TWILIO_BARGE_IN": "false",
            "TWILIO_PROFANITY_FILTER": "true",
            "TWILIO_SPEECH_HINTS": "outlook, vpn ,",
            "TWILIO_MAX_SILENCES": "3",
            "TWILIO_TURN_BUDGET_SECONDS": "8.5",
            "TWILIO_DIAL_TIMEOUT": "25",
            "TWILIO_CONNECTION_OVERRIDES": "#rc=2&rp=ct,rt",
            "TWILIO_ENVIRONMENT": "Production",
        }
    )
    assert settings.public_url == "https://voice.example.com"
    assert (settings.voice, settings.language) == ("Polly.Amy-Neural", "en-GB")
    assert (settings.speech_model, settings.speech_timeout) == ("", "auto")
    assert settings.input_timeout == 7
    assert settings.barge_in is False
    assert settings.profanity_filter is True
    assert settings.hints == ("outlook", "vpn")
    assert (settings.max_silences, settings.turn_budget_seconds) == (3, 8.5)
    assert settings.dial_timeout == 25
    assert settings.overrides() == {"rc": "2", "rp": "ct,rt"}
    assert settings.production is True


@pytest.mark.parametrize(
    ("environ", "complaint"),
    [
        ({}, "TWILIO_AUTH_TOKEN is not set"),
        ({"TWILIO_AUTH_TOKEN": "s", "TWILIO_SPEECH_TIMEOUT": "auto"}, "auto"),
        ({"TWILIO_AUTH_TOKEN": "s", "TWILIO_TURN_BUDGET_SECONDS": "15"}, "15 s"),
        # Room for a failed first connect attempt (5 s) inside Twilio's 15 s.
        ({"TWILIO_AUTH_TOKEN": "s", "TWILIO_TURN_BUDGET_SECONDS": "9.5"}, "at most 9:"),
        ({"TWILIO_AUTH_TOKEN": "s", "TWILIO_TURN_BUDGET_SECONDS": "0"}, "above 0"),
        (
            {
                "TWILIO_AUTH_TOKEN": "s",
                "TWILIO_CONNECTION_OVERRIDES": "ct=1000&rt=4000",
                "TWILIO_TURN_BUDGET_SECONDS": "3.5",
            },
            "at most 3:",
        ),
        ({"TWILIO_AUTH_TOKEN": "s", "TWILIO_CONNECTION_OVERRIDES": "rt=20000"}, "rt must be"),
        ({"TWILIO_AUTH_TOKEN": "s", "TWILIO_CONNECTION_OVERRIDES": "xx=1"}, "unknown 'xx'"),
        ({"TWILIO_AUTH_TOKEN": "s", "TWILIO_MAX_SILENCES": "0"}, "at least 1"),
        ({"TWILIO_AUTH_TOKEN": "s", "TWILIO_SPEECH_TIMEOUT": "0"}, "whole number"),
        ({"TWILIO_AUTH_TOKEN": "s", "TWILIO_SPEECH_TIMEOUT": "1.5"}, "whole number"),
        ({"TWILIO_AUTH_TOKEN": "s", "TWILIO_INPUT_TIMEOUT": "0"}, "INPUT_TIMEOUT"),
        ({"TWILIO_AUTH_TOKEN": "s", "TWILIO_DIAL_TIMEOUT": "1"}, "DIAL_TIMEOUT"),
        ({"TWILIO_AUTH_TOKEN": "s", "TWILIO_SPEECH_HINTS": "x" * 101}, "100 characters"),
        (
            {"TWILIO_AUTH_TOKEN": "s", "TWILIO_SPEECH_HINTS": ",".join(["vpn"] * 501)},
            "500 hints",
        ),
        (
            {"TWILIO_AUTH_TOKEN": "s", "TWILIO_VOICE": "Polly.Joanna", "TWILIO_LANGUAGE": "de-DE"},
            "Polly.Joanna speaks en-US, not de-DE",
        ),
        ({"TWILIO_AUTH_TOKEN": "s", "TWILIO_VOICE": "Polly.Nobody"}, "not an Amazon Polly"),
        (
            {"TWILIO_AUTH_TOKEN": "s", "TWILIO_VOICE": "Google.fr-FR-Neural2-A"},
            "speaks fr-FR, not en-US",
        ),
        ({"TWILIO_AUTH_TOKEN": "s", "TWILIO_VOICE": "robot"}, "not a Twilio voice"),
        (
            {"TWILIO_AUTH_TOKEN": "s", "TWILIO_ENVIRONMENT": "production"},
            "needs TWILIO_PUBLIC_URL",
        ),
        # The development token of example.env never guards a public server.
        (
            {"TWILIO_AUTH_TOKEN": "local-development-token", "TWILIO_PUBLIC_URL": "https://x.io"},
            "development token",
        ),
        (
            {
                "TWILIO_AUTH_TOKEN": "local-development-token",
                "TWILIO_ENVIRONMENT": "production",
                "SANIC_PROXIES_COUNT": "1",
            },
            "development token",
        ),
        (
            {
                "TWILIO_VALIDATE_SIGNATURE": "false",
                "TWILIO_ENVIRONMENT": "production",
                "TWILIO_PUBLIC_URL": "https://x.io",
            },
            "development token",
        ),
        (
            {
                "TWILIO_AUTH_TOKEN": "s",
                "TWILIO_VALIDATE_SIGNATURE": "false",
                "TWILIO_ENVIRONMENT": "production",
                "TWILIO_PUBLIC_URL": "https://x.io",
            },
            "refused with TWILIO_ENVIRONMENT=production",
        ),
    ],
)
def test_unsafe_settings_are_refused(environ: dict, complaint: str) -> None:
    with pytest.raises(InvalidConfigException, match=complaint):
        VoiceSettings.from_environment(environ)


def test_validation_can_be_switched_off_explicitly() -> None:
    settings = VoiceSettings.from_environment({"TWILIO_VALIDATE_SIGNATURE": "false"})
    assert settings.validate_signature is False


@pytest.mark.parametrize(
    ("voice", "language"),
    [
        ("Polly.Joanna-Neural", "en-US"),
        ("Polly.Aditi", "hi-IN"),
        ("Polly.Vicki-Generative", "de-DE"),
        ("Google.en-GB-Standard-A", "en-GB"),
        ("alice", "ja-JP"),
    ],
)
def test_voices_that_speak_the_language_are_accepted(voice: str, language: str) -> None:
    environ = {"TWILIO_AUTH_TOKEN": "s", "TWILIO_VOICE": voice, "TWILIO_LANGUAGE": language}
    assert VoiceSettings.from_environment(environ).voice == voice


def test_production_behind_a_trusted_proxy_needs_no_public_url() -> None:
    settings = VoiceSettings.from_environment(
        {"TWILIO_AUTH_TOKEN": "s", "TWILIO_ENVIRONMENT": "production", "SANIC_PROXIES_COUNT": "1"}
    )
    assert settings.proxies_trusted


@pytest.mark.parametrize(
    ("value", "notice"),
    [
        ("", ""),
        ("false", ""),
        ("true", "This call may be recorded."),
        ("Calls are recorded for training.", "Calls are recorded for training."),
    ],
)
def test_a_recording_notice_is_said_only_where_configured(value: str, notice: str) -> None:
    settings = VoiceSettings.from_environment(
        {"TWILIO_AUTH_TOKEN": "secret", "CALL_RECORDING_NOTICE": value}
    )
    assert settings.recording_notice == notice


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TWILIO_VALIDATE_SIGNATURE", "ture"),
        ("TWILIO_INPUT_TIMEOUT", "5s"),
        ("TWILIO_PUBLIC_URL", "voice.example.com"),
    ],
)
def test_a_mistyped_setting_stops_the_channel_naming_it(variable: str, value: str) -> None:
    """`TWILIO_VALIDATE_SIGNATURE=ture` once turned signature checks off without a word."""
    with pytest.raises(InvalidConfigException, match=f"{variable}="):
        VoiceSettings.from_environment({"TWILIO_AUTH_TOKEN": "t", variable: value})
