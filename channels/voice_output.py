"""Renders the bot's messages of one turn as TwiML for Twilio to speak."""

from __future__ import annotations

from dataclasses import dataclass

from rasa.core.channels.channel import CollectingOutputChannel
from twilio.twiml.voice_response import Dial, Gather, Record, VoiceResponse

from channels.recording import MAX_RECORDING_SECONDS
from channels.settings import VoiceSettings
from channels.speech import split_for_say
from channels.spoken_turn import Reply, spoken_turn

# Twilio's limits on <Gather hints>: at most 500 phrases of at most 100 characters.
MAX_HINTS = 500
MAX_HINT_CHARS = 100


@dataclass(frozen=True)
class NextRequests:
    """Where Twilio posts the caller's answer, goes on after silence or after a transfer.

    `caller_id` is the number a transfer shows to the person who answers: the
    assistant's own Twilio number, which Twilio always accepts as a caller ID.
    """

    answer_url: str
    silence_url: str
    dial_url: str = ""
    caller_id: str = ""
    # What the person who answers a transfer hears first (the whisper route).
    whisper_url: str = ""
    # Where Twilio posts a recorded message (the record route).
    record_url: str = ""


class TwilioVoiceOutput(CollectingOutputChannel):
    """Collects a turn's messages; `twiml` speaks all of them, in order."""

    @classmethod
    def name(cls) -> str:
        return "twilio_voice"

    def twiml(
        self, settings: VoiceSettings, next_requests: NextRequests, lead_in: str = ""
    ) -> VoiceResponse:
        return render_reply(Reply(self.messages, lead_in), settings, next_requests)


def render_reply(
    reply: Reply, settings: VoiceSettings, next_requests: NextRequests
) -> VoiceResponse:
    """Says the reply, then listens, hangs up, transfers or records as it asks."""
    turn = spoken_turn(reply)
    pieces = [piece for sentence in turn.sentences for piece in split_for_say(sentence)]
    response = VoiceResponse()
    if turn.ends_call:
        say_all(response, pieces, settings)
        if turn.transfer:
            dial = Dial(
                action=next_requests.dial_url or None,
                method="POST",
                timeout=settings.dial_timeout,
                caller_id=next_requests.caller_id or None,
            )
            dial.number(turn.transfer, url=next_requests.whisper_url or None, method="POST")
            response.append(dial)
        response.hangup()
        return response
    if turn.record and next_requests.record_url:
        say_all(response, pieces, settings)
        response.append(recording_of_message(next_requests.record_url))
        # Twilio goes on here when nothing was recorded: the question again.
        response.redirect(next_requests.silence_url, method="POST")
        return response

    gather = Gather(
        input="speech dtmf",
        action=next_requests.answer_url,
        method="POST",
        language=settings.language,
        speech_model=settings.speech_model or None,
        speech_timeout=turn.speech_timeout or settings.speech_timeout,
        timeout=settings.input_timeout,
        barge_in=settings.barge_in,
        profanity_filter=settings.profanity_filter,
        hints=gather_hints(
            [*(str(b.get("title", "")) for b in turn.buttons), *turn.hints], settings.hints
        ),
        # With ten or more choices a key alone is no answer: the caller ends with #.
        num_digits=1 if 0 < len(turn.buttons) <= 9 else None,
    )
    say_all(gather, pieces, settings)
    response.append(gather)
    response.redirect(next_requests.silence_url, method="POST")
    return response


def say_all(verb: VoiceResponse | Gather, pieces: list[str], settings: VoiceSettings) -> None:
    """Each piece in a `<Say>` of its own, in the configured voice."""
    for piece in pieces:
        verb.say(piece, voice=settings.voice, language=settings.language)


def recording_of_message(action_url: str) -> Record:
    """A beep, then the caller's message until # or 5 s of silence, posted to the action."""
    return Record(
        action=action_url,
        method="POST",
        max_length=MAX_RECORDING_SECONDS,
        finish_on_key="#",
        timeout=5,
        play_beep=True,
        trim="trim-silence",
    )


def gather_hints(titles: list[str], configured: tuple[str, ...]) -> str | None:
    """Button titles and the question's own hints, then configured hints, within
    Twilio's limits.

    Hints are comma-separated, so a comma inside a title would make two hints of it.
    """
    phrases = [" ".join(title.replace(",", " ").split()) for title in titles]
    phrases = [phrase[:MAX_HINT_CHARS] for phrase in [*phrases, *configured] if phrase]
    return ", ".join(dict.fromkeys(phrases[:MAX_HINTS])) or None
