"""Settings of the ConversationRelay channel: the line's own settings, plus who speaks
and who listens on Twilio's side, checked against Twilio's rules at start."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from rasa.shared.exceptions import InvalidConfigException

from channels.settings import VoiceSettings
from helpdesk import environment as env
from helpdesk import variables as names

TTS_PROVIDERS = ("Amazon", "Google", "ElevenLabs")
TRANSCRIPTION_PROVIDERS = ("Deepgram", "Google")
_AMAZON_VOICE = re.compile(r"[A-Z][a-z]+(?:-(?:Neural|Generative|Standard|LongForm))?")
_ELEVENLABS_VOICE = re.compile(r"[A-Za-z0-9]{16,32}(?:-[A-Za-z0-9._]+)*")
_DEEPGRAM_MODEL = re.compile(r"nova-[23](?:-[a-z]+)?")
GOOGLE_SPEECH_MODELS = (
    "telephony", "telephony_short", "long", "short", "latest_long", "latest_short",
    "chirp_2", "chirp_3",
)  # fmt: skip


@dataclass(frozen=True)
class RelaySettings:
    """How the streaming line speaks and listens; `line` holds what both lines share
    (signature, language, pacing, silences, transfers)."""

    line: VoiceSettings
    tts_provider: str = "Amazon"
    voice: str = "Joanna-Neural"
    transcription_provider: str = "Deepgram"
    speech_model: str = "nova-3-general"
    max_reconnects: int = 2
    # How long a stopping server gives live sessions to reach a turn boundary.
    drain_seconds: float = 20.0
    # A session where nothing happens this long is ended (a stuck socket or event).
    idle_seconds: float = 120.0
    # No call lasts longer (Twilio's own limit is 4 hours, error 64104).
    longest_call_seconds: float = 3600.0
    # Said at the start of every streaming call: who hears the caller (empty: nothing).
    providers_notice: str = ""

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> RelaySettings:
        """Reads `TWILIO_RELAY_*` and the line's `TWILIO_*` variables (example.env)."""
        defaults = cls(VoiceSettings())
        try:
            settings = cls(
                line=VoiceSettings.from_environment(environ),
                tts_provider=env.text(
                    names.TWILIO_RELAY_TTS_PROVIDER, defaults.tts_provider, environ
                ),
                voice=env.text(names.TWILIO_RELAY_VOICE, defaults.voice, environ),
                transcription_provider=env.text(
                    names.TWILIO_RELAY_TRANSCRIPTION_PROVIDER,
                    defaults.transcription_provider,
                    environ,
                ),
                speech_model=env.text(
                    names.TWILIO_RELAY_SPEECH_MODEL, defaults.speech_model, environ
                ),
                max_reconnects=env.integer(
                    names.TWILIO_RELAY_MAX_RECONNECTS, defaults.max_reconnects, environ=environ
                ),
                drain_seconds=env.number(
                    names.TWILIO_RELAY_DRAIN_SECONDS, defaults.drain_seconds, environ=environ
                ),
                idle_seconds=env.number(
                    names.TWILIO_RELAY_IDLE_SECONDS, defaults.idle_seconds, environ=environ
                ),
                longest_call_seconds=60
                * env.number(
                    names.TWILIO_RELAY_LONGEST_CALL_MINUTES,
                    defaults.longest_call_seconds / 60,
                    environ=environ,
                ),
                providers_notice=env.text(names.TWILIO_RELAY_PROVIDERS_NOTICE, environ=environ),
            )
        except env.InvalidSetting as error:
            raise InvalidConfigException(str(error)) from error
        settings.check()
        return settings

    @property
    def spoken_providers_notice(self) -> str:
        """TWILIO_RELAY_PROVIDERS_NOTICE: true names the providers set here, false or
        nothing says nothing, other text is said as it is."""
        value = self.providers_notice
        if value.lower() in env.TRUE:
            return (
                f"Your words are transcribed by {self.transcription_provider}, and the "
                f"assistant's voice comes from {self.tts_provider}, through Twilio."
            )
        return "" if value.lower() in env.FALSE else value

    def check(self) -> None:
        """Refuses what Twilio would refuse mid-call (64101, 64102), and a public
        server without the address Twilio signs the socket for."""
        if self.line.production and not self.line.public_url:
            raise InvalidConfigException(
                "TWILIO_ENVIRONMENT=production needs TWILIO_PUBLIC_URL for streaming calls: "
                "Twilio signs the wss:// address of the socket, which is built from it."
            )
        if self.tts_provider not in TTS_PROVIDERS:
            raise InvalidConfigException(
                f"TWILIO_RELAY_TTS_PROVIDER must be one of {', '.join(TTS_PROVIDERS)}."
            )
        if self.transcription_provider not in TRANSCRIPTION_PROVIDERS:
            raise InvalidConfigException(
                "TWILIO_RELAY_TRANSCRIPTION_PROVIDER must be one of "
                f"{', '.join(TRANSCRIPTION_PROVIDERS)}."
            )
        problem = self._voice_problem() or self._model_problem()
        if problem:
            raise InvalidConfigException(problem)
        if not 0 <= self.max_reconnects <= 10:
            raise InvalidConfigException("TWILIO_RELAY_MAX_RECONNECTS must be 0 to 10.")
        if self.idle_seconds < 2 * self.line.input_timeout:
            raise InvalidConfigException(
                "TWILIO_RELAY_IDLE_SECONDS must be at least twice TWILIO_INPUT_TIMEOUT: "
                "a caller's silence is answered before the session counts as idle."
            )
        if not 0 < self.longest_call_seconds <= 4 * 3600:
            raise InvalidConfigException(
                "TWILIO_RELAY_LONGEST_CALL_MINUTES must be above 0 and at most 240 "
                "(Twilio ends calls at 4 hours)."
            )
        if not 0 < self.drain_seconds <= 300:
            raise InvalidConfigException("TWILIO_RELAY_DRAIN_SECONDS must be above 0, at most 300.")

    def _voice_problem(self) -> str:
        if self.tts_provider == "Amazon" and not _AMAZON_VOICE.fullmatch(self.voice):
            return "TWILIO_RELAY_VOICE: an Amazon voice is a name like Joanna-Neural."
        if self.tts_provider == "Google" and not self.voice.startswith(f"{self.line.language}-"):
            return (
                f"TWILIO_RELAY_VOICE: a Google voice names its language, like "
                f"{self.line.language}-Journey-O (TWILIO_LANGUAGE is {self.line.language})."
            )
        if self.tts_provider == "ElevenLabs" and not _ELEVENLABS_VOICE.fullmatch(self.voice):
            return "TWILIO_RELAY_VOICE: an ElevenLabs voice is a voice ID."
        return ""

    def _model_problem(self) -> str:
        deepgram = self.transcription_provider == "Deepgram"
        if deepgram and not _DEEPGRAM_MODEL.fullmatch(self.speech_model):
            return "TWILIO_RELAY_SPEECH_MODEL: Deepgram's models are nova-2-* or nova-3-*."
        if not deepgram and self.speech_model not in GOOGLE_SPEECH_MODELS:
            return (
                f"TWILIO_RELAY_SPEECH_MODEL: Google's models are {', '.join(GOOGLE_SPEECH_MODELS)}."
            )
        return ""
