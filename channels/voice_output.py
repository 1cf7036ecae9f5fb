"""Renders the bot's messages of one turn as TwiML for Twilio to speak."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel
from twilio.twiml.voice_response import Gather, VoiceResponse

from channels.menu import spoken_menu
from channels.settings import VoiceSettings
from channels.speech import speakable, split_for_say


@dataclass(frozen=True)
class NextRequests:
    """Where Twilio posts the caller's answer, and where it goes when they stay silent."""

    answer_url: str
    silence_url: str


class TwilioVoiceOutput(CollectingOutputChannel):
    """Collects a turn's messages; `twiml` speaks all of them, in order."""

    @classmethod
    def name(cls) -> str:
        return "twilio_voice"

    def twiml(
        self, settings: VoiceSettings, next_requests: NextRequests, lead_in: str = ""
    ) -> VoiceResponse:
        return render_turn(self.messages, settings, next_requests, lead_in)


def render_turn(
    messages: list[dict[str, Any]],
    settings: VoiceSettings,
    next_requests: NextRequests,
    lead_in: str = "",
) -> VoiceResponse:
    """Says every message, then listens, hangs up or transfers as the messages ask."""
    sentences = [lead_in] if lead_in else []
    buttons: list[dict[str, Any]] = []
    hangup = False
    transfer: str | None = None
    for message in messages:
        if message.get("text"):
            sentences.append(speakable(str(message["text"])))
        if message.get("buttons"):
            buttons = list(message["buttons"])
        custom = message.get("custom") or {}
        if isinstance(custom, dict):
            hangup = hangup or bool(custom.get("hangup"))
            transfer = str(custom["transfer"]) if custom.get("transfer") else transfer
    if buttons and not (hangup or transfer):
        sentences.append(spoken_menu(buttons))
    pieces = [piece for sentence in sentences if sentence for piece in split_for_say(sentence)]

    response = VoiceResponse()
    if hangup or transfer:
        for piece in pieces:
            response.say(piece, voice=settings.voice, language=settings.language)
        if transfer:
            response.dial(transfer)
        response.hangup()
        return response

    gather = Gather(
        input="speech dtmf",
        action=next_requests.answer_url,
        method="POST",
        language=settings.language,
        speech_model=settings.speech_model or None,
        speech_timeout=settings.speech_timeout,
        timeout=settings.input_timeout,
        barge_in=settings.barge_in,
        profanity_filter=settings.profanity_filter,
        hints=", ".join([*(str(b.get("title")) for b in buttons), *settings.hints]) or None,
        num_digits=len(str(len(buttons))) if buttons else None,
    )
    for piece in pieces:
        gather.say(piece, voice=settings.voice, language=settings.language)
    response.append(gather)
    response.redirect(next_requests.silence_url, method="POST")
    return response
