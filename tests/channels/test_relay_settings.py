"""The streaming line's providers, checked against Twilio's rules at start."""

from __future__ import annotations

import pytest
from rasa.shared.exceptions import InvalidConfigException

from channels.relay_settings import RelaySettings

TOKEN = {"TWILIO_AUTH_TOKEN": "a-token"}


def test_defaults_name_both_providers_explicitly() -> None:
    settings = RelaySettings.from_environment(TOKEN)
    assert (settings.tts_provider, settings.voice) == ("Amazon", "Joanna-Neural")
    assert (settings.transcription_provider, settings.speech_model) == (
        "Deepgram",
        "nova-3-general",
    )


@pytest.mark.parametrize(
    ("environ", "complaint"),
    [
        ({"TWILIO_RELAY_TTS_PROVIDER": "Polly"}, "TWILIO_RELAY_TTS_PROVIDER"),
        ({"TWILIO_RELAY_VOICE": "Polly.Joanna-Neural"}, "an Amazon voice"),
        (
            {"TWILIO_RELAY_TTS_PROVIDER": "Google", "TWILIO_RELAY_VOICE": "de-DE-Wavenet-A"},
            "names its language",
        ),
        ({"TWILIO_RELAY_TRANSCRIPTION_PROVIDER": "Whisper"}, "TRANSCRIPTION_PROVIDER"),
        ({"TWILIO_RELAY_SPEECH_MODEL": "telephony"}, "Deepgram's models"),
        (
            {
                "TWILIO_RELAY_TRANSCRIPTION_PROVIDER": "Google",
                "TWILIO_RELAY_SPEECH_MODEL": "nova-3",
            },
            "Google's models",
        ),
        ({"TWILIO_RELAY_MAX_RECONNECTS": "99"}, "MAX_RECONNECTS"),
        ({"TWILIO_RELAY_DRAIN_SECONDS": "0"}, "DRAIN_SECONDS"),
        (
            {"TWILIO_ENVIRONMENT": "production", "SANIC_PROXIES_COUNT": "1"},
            "needs TWILIO_PUBLIC_URL for streaming calls",
        ),
    ],
)
def test_what_twilio_would_refuse_mid_call_is_refused_at_start(
    environ: dict[str, str], complaint: str
) -> None:
    with pytest.raises(InvalidConfigException, match=complaint):
        RelaySettings.from_environment({**TOKEN, **environ})


def test_google_voices_and_models_are_accepted() -> None:
    settings = RelaySettings.from_environment(
        {
            **TOKEN,
            "TWILIO_RELAY_TTS_PROVIDER": "Google",
            "TWILIO_RELAY_VOICE": "en-US-Journey-O",
            "TWILIO_RELAY_TRANSCRIPTION_PROVIDER": "Google",
            "TWILIO_RELAY_SPEECH_MODEL": "telephony",
        }
    )
    assert settings.voice == "en-US-Journey-O"


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("true", "Your words are transcribed by Deepgram, and the assistant's voice comes "
         "from Amazon, through Twilio."),
        ("false", ""),
        ("", ""),
        ("Speech on this line is processed by our providers.",
         "Speech on this line is processed by our providers."),
    ],
)  # fmt: skip
def test_the_providers_notice_names_who_hears_the_caller(value: str, said: str) -> None:
    settings = RelaySettings.from_environment({**TOKEN, "TWILIO_RELAY_PROVIDERS_NOTICE": value})
    assert settings.spoken_providers_notice == said
