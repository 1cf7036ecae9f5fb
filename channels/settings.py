"""Settings of the Twilio voice channel, read from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from rasa.shared.exceptions import InvalidConfigException

from channels.voices import voice_problem
from helpdesk import environment as env
from helpdesk import variables as names

# The token example.env ships for local calls; known to everyone, so never public.
DEVELOPMENT_AUTH_TOKEN = "local-development-token"
# Twilio's connection overrides (fragment of a webhook URL) and their limits in ms.
_OVERRIDE_LIMITS = {"ct": (100, 10_000), "rt": (100, 15_000), "tt": (100, 15_000), "rc": (0, 5)}
_OVERRIDE_NAMES = {*_OVERRIDE_LIMITS, "rp", "e", "sni"}
# Twilio gives up after 15 s, connecting included (a failed first attempt takes 5 s);
# the rest is time to render and send the apology.
TWILIO_TIMEOUT_SECONDS = 15.0
TWILIO_CONNECT_SECONDS = 5.0
RESPONSE_MARGIN_SECONDS = 1.0


DEFAULT_RECORDING_NOTICE = "This call may be recorded."


def _recording_notice(value: str) -> str:
    """CALL_RECORDING_NOTICE: true says the default sentence, false or nothing says
    nothing, other text is said as it is."""
    if value.lower() in env.TRUE:
        return DEFAULT_RECORDING_NOTICE
    return "" if value.lower() in env.FALSE else value


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
    turn_budget_seconds: float = 8.0
    dial_timeout: int = 20
    connection_overrides: str = ""
    production: bool = False
    proxies_trusted: bool = False
    # Said before the greeting of every call; empty says nothing.
    recording_notice: str = ""

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> VoiceSettings:
        """Reads `TWILIO_*` variables; see example.env for each one."""
        defaults = cls()
        try:
            settings = cls(
                auth_token=env.text(names.TWILIO_AUTH_TOKEN, environ=environ),
                validate_signature=env.flag(names.TWILIO_VALIDATE_SIGNATURE, True, environ),
                public_url=env.url(names.TWILIO_PUBLIC_URL, environ=environ),
                voice=env.text(names.TWILIO_VOICE, defaults.voice, environ),
                language=env.text(names.TWILIO_LANGUAGE, defaults.language, environ),
                # Set but empty means Twilio's default model, which allows speech_timeout=auto.
                speech_model=env.text(names.TWILIO_SPEECH_MODEL, environ=environ)
                if names.TWILIO_SPEECH_MODEL in environ
                else defaults.speech_model,
                speech_timeout=env.text(
                    names.TWILIO_SPEECH_TIMEOUT, defaults.speech_timeout, environ
                ),
                input_timeout=env.integer(
                    names.TWILIO_INPUT_TIMEOUT, defaults.input_timeout, environ=environ
                ),
                barge_in=env.flag(names.TWILIO_BARGE_IN, defaults.barge_in, environ),
                profanity_filter=env.flag(names.TWILIO_PROFANITY_FILTER, False, environ),
                hints=tuple(env.items(names.TWILIO_SPEECH_HINTS, environ)),
                max_silences=env.integer(
                    names.TWILIO_MAX_SILENCES, defaults.max_silences, environ=environ
                ),
                turn_budget_seconds=env.number(
                    names.TWILIO_TURN_BUDGET_SECONDS, defaults.turn_budget_seconds, environ=environ
                ),
                dial_timeout=env.integer(
                    names.TWILIO_DIAL_TIMEOUT, defaults.dial_timeout, environ=environ
                ),
                connection_overrides=env.text(
                    names.TWILIO_CONNECTION_OVERRIDES, environ=environ
                ).lstrip("#"),
                production=env.in_production(environ),
                recording_notice=_recording_notice(
                    env.text(names.CALL_RECORDING_NOTICE, environ=environ)
                ),
                proxies_trusted=bool(
                    env.text(names.SANIC_PROXIES_COUNT, environ=environ)
                    or env.text(names.SANIC_FORWARDED_SECRET, environ=environ)
                ),
            )
        except env.InvalidSetting as error:
            raise InvalidConfigException(str(error)) from error
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
        public = self.production or bool(self.public_url)
        if public and self.auth_token in ("", DEVELOPMENT_AUTH_TOKEN):
            raise InvalidConfigException(
                "TWILIO_AUTH_TOKEN is empty or the development token from example.env, but "
                "this server is public (TWILIO_PUBLIC_URL or TWILIO_ENVIRONMENT=production): "
                "set your Twilio account's auth token in .env."
            )
        if self.production and not self.validate_signature:
            raise InvalidConfigException(
                "TWILIO_VALIDATE_SIGNATURE=false is refused with TWILIO_ENVIRONMENT=production."
            )
        if self.production and not (self.public_url or self.proxies_trusted):
            raise InvalidConfigException(
                "TWILIO_ENVIRONMENT=production needs TWILIO_PUBLIC_URL (the https URL Twilio "
                "calls), or SANIC_PROXIES_COUNT for the proxy in front: behind a TLS proxy "
                "the server sees http:// URLs and every signature would fail."
            )
        if not 0 < self.turn_budget_seconds <= self.max_turn_budget():
            raise InvalidConfigException(
                f"TWILIO_TURN_BUDGET_SECONDS must be above 0 and at most "
                f"{self.max_turn_budget():g}: Twilio waits {TWILIO_TIMEOUT_SECONDS:g} s for "
                f"an answer, connecting included."
            )
        if self.max_silences < 1:
            raise InvalidConfigException("TWILIO_MAX_SILENCES must be at least 1.")
        self._check_listening()
        problem = voice_problem(self.voice, self.language)
        if problem:
            raise InvalidConfigException(f"TWILIO_VOICE and TWILIO_LANGUAGE: {problem}.")

    def _check_listening(self) -> None:
        """The <Gather> attributes as Twilio accepts them."""
        if self.speech_timeout != "auto" and not (
            self.speech_timeout.isdigit() and int(self.speech_timeout) > 0
        ):
            raise InvalidConfigException(
                "TWILIO_SPEECH_TIMEOUT must be a whole number of seconds above 0, or auto."
            )
        if self.input_timeout < 1:
            raise InvalidConfigException("TWILIO_INPUT_TIMEOUT must be at least 1 second.")
        if self.dial_timeout < 5 or self.dial_timeout > 600:
            raise InvalidConfigException("TWILIO_DIAL_TIMEOUT must be 5 to 600 seconds.")
        if len(self.hints) > 500 or any(len(hint) > 100 for hint in self.hints):
            raise InvalidConfigException(
                "TWILIO_SPEECH_HINTS: Twilio takes at most 500 hints of at most 100 characters."
            )

    def overrides(self) -> dict[str, str]:
        """Twilio's connection overrides, checked against its documented names and limits."""
        pairs = [pair for pair in self.connection_overrides.split("&") if pair]
        parsed = dict(pair.partition("=")[::2] for pair in pairs)
        for name, value in parsed.items():
            if name not in _OVERRIDE_NAMES:
                raise InvalidConfigException(f"TWILIO_CONNECTION_OVERRIDES: unknown {name!r}.")
            if name in _OVERRIDE_LIMITS:
                low, high = _OVERRIDE_LIMITS[name]
                if not value.isdigit() or not low <= int(value) <= high:
                    raise InvalidConfigException(
                        f"TWILIO_CONNECTION_OVERRIDES: {name} must be {low} to {high}."
                    )
        return parsed

    def max_turn_budget(self) -> float:
        """The longest a turn may take and still be answered before Twilio gives up."""
        overrides = self.overrides()
        connect = int(overrides.get("ct", TWILIO_CONNECT_SECONDS * 1000)) / 1000
        read = int(overrides.get("rt", TWILIO_TIMEOUT_SECONDS * 1000)) / 1000
        total = int(overrides.get("tt", TWILIO_TIMEOUT_SECONDS * 1000)) / 1000
        return min(read, total - connect) - RESPONSE_MARGIN_SECONDS
