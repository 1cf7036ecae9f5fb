"""Settings of the Twilio voice channel, read from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from rasa.shared.exceptions import InvalidConfigException

_TRUE = {"1", "true", "yes", "on"}


def _flag(value: str | None, default: bool) -> bool:
    return default if value is None or value == "" else value.strip().lower() in _TRUE


@dataclass(frozen=True)
class VoiceSettings:
    """How the channel checks requests, listens and speaks."""

    auth_token: str = ""
    validate_signature: bool = True
    public_url: str = ""
    voice: str = "Polly.Joanna-Neural"
    language: str = "en-US"
    speech_model: str = "phone_call"
    speech_timeout: str = "2"
    input_timeout: int = 5
    barge_in: bool = True
    profanity_filter: bool = False
    hints: tuple[str, ...] = field(default_factory=tuple)
    max_silences: int = 2
    turn_budget_seconds: float = 10.0

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> VoiceSettings:
        """Reads `TWILIO_*` variables; see example.env for each one."""
        defaults = cls()
        hints = environ.get("TWILIO_SPEECH_HINTS", "")
        settings = cls(
            auth_token=environ.get("TWILIO_AUTH_TOKEN", ""),
            validate_signature=_flag(environ.get("TWILIO_VALIDATE_SIGNATURE"), True),
            public_url=environ.get("TWILIO_PUBLIC_URL", "").rstrip("/"),
            voice=environ.get("TWILIO_VOICE") or defaults.voice,
            language=environ.get("TWILIO_LANGUAGE") or defaults.language,
            # Set but empty means Twilio's default model, which allows speech_timeout=auto.
            speech_model=environ.get("TWILIO_SPEECH_MODEL", defaults.speech_model),
            speech_timeout=environ.get("TWILIO_SPEECH_TIMEOUT") or defaults.speech_timeout,
            input_timeout=int(environ.get("TWILIO_INPUT_TIMEOUT") or defaults.input_timeout),
            barge_in=_flag(environ.get("TWILIO_BARGE_IN"), defaults.barge_in),
            profanity_filter=_flag(environ.get("TWILIO_PROFANITY_FILTER"), False),
            hints=tuple(hint.strip() for hint in hints.split(",") if hint.strip()),
            max_silences=int(environ.get("TWILIO_MAX_SILENCES") or defaults.max_silences),
            turn_budget_seconds=float(
                environ.get("TWILIO_TURN_BUDGET_SECONDS") or defaults.turn_budget_seconds
            ),
        )
        settings.check()
        return settings

    def check(self) -> None:
        """Refuses settings that would break calls or leave the webhook open."""
        if self.validate_signature and not self.auth_token:
            raise InvalidConfigException(
                "TWILIO_AUTH_TOKEN is not set. Set it (example.env has a development token), "
                "or set TWILIO_VALIDATE_SIGNATURE=false to accept unsigned requests."
            )
        if self.speech_timeout == "auto" and self.speech_model:
            raise InvalidConfigException(
                "Twilio rejects TWILIO_SPEECH_TIMEOUT=auto together with a speech model; "
                "use a number of seconds or unset TWILIO_SPEECH_MODEL."
            )
        if not 0 < self.turn_budget_seconds < 15:
            raise InvalidConfigException(
                "TWILIO_TURN_BUDGET_SECONDS must be below Twilio's 15 s webhook timeout."
            )
        if self.max_silences < 1:
            raise InvalidConfigException("TWILIO_MAX_SILENCES must be at least 1.")
