"""Twilio Voice input channel: signed webhooks in, TwiML out, one conversation per call."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.core.events import BotUttered, Restarted, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

from channels.menu import payload_for_digits, payload_for_speech
from channels.settings import VoiceSettings
from channels.voice_output import NextRequests, TwilioVoiceOutput, render_turn

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 16 * 1024
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
CALL_ENDED_STATUSES = {"completed", "busy", "failed", "no-answer", "canceled"}
SILENCE_LEAD_IN = "Sorry, I didn't hear anything."
SILENCE_GOODBYE = "I still can't hear you, so I'll hang up now. Please call again. Goodbye."
TROUBLE_APOLOGY = "Sorry, I had a problem with that. Could you say it again?"
KEYPAD_MISS = "Sorry, that key isn't one of the choices."
GREETING_INTENT = "greet"
# Twilio's caller location fields, passed on to actions with the numbers.
_CALL_FIELDS = (
    "CallSid", "From", "To", "Caller", "Called", "Direction",
    "FromCity", "FromState", "FromZip", "FromCountry",
    "CallerCity", "CallerState", "CallerZip", "CallerCountry",
)  # fmt: skip

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class TwilioVoiceInput(InputChannel):
    """Receives Twilio's voice webhooks and answers them with TwiML."""

    @classmethod
    def name(cls) -> str:
        return "twilio_voice"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Configured from `TWILIO_*` environment variables; credentials.yml names no secrets."""
        return cls(VoiceSettings.from_environment())

    def __init__(self, settings: VoiceSettings) -> None:
        self.settings = settings
        self._validator = RequestValidator(settings.auth_token)
        if not settings.validate_signature:
            logger.warning(
                "TWILIO SIGNATURE VALIDATION IS OFF: anyone who can reach "
                "/webhooks/twilio_voice can place calls into the assistant."
            )

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        voice = Blueprint("twilio_voice_webhook", __name__)

        @voice.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @voice.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            rejection = self._reject(request)
            if rejection:
                return rejection
            started = time.monotonic()
            call = CallTurn.from_request(request)
            try:
                twiml = await self._answer(request, call, on_new_message)
            except Exception:
                logger.exception("call %s turn %d failed", call.call_sid, call.turn)
                twiml = render_turn([], self.settings, call.next_requests(), TROUBLE_APOLOGY)
            logger.info(
                "call %s turn %d (%s) answered in %.0f ms",
                call.call_sid,
                call.turn,
                call.kind,
                (time.monotonic() - started) * 1000,
            )
            return response.text(str(twiml), content_type="text/xml")

        @voice.route("/status", methods=["POST"])
        async def status(request: Request) -> HTTPResponse:
            rejection = self._reject(request)
            if rejection:
                return rejection
            call_sid = request.form.get("CallSid")
            call_status = request.form.get("CallStatus", "")
            logger.info("call %s status %s", call_sid, call_status)
            if call_status in CALL_ENDED_STATUSES:
                await end_conversation(request, call_sid)
            return response.empty(status=204)

        return voice

    def _reject(self, request: Request) -> HTTPResponse | None:
        """A 400 or 403 for requests that are not well-formed, signed Twilio webhooks."""
        if len(request.body or b"") > MAX_BODY_BYTES:
            return response.text("Request body too large", status=400)
        if (request.content_type or "").split(";")[0].strip() != FORM_CONTENT_TYPE:
            return response.text(f"Expected {FORM_CONTENT_TYPE}", status=400)
        if self.settings.validate_signature and not self._signed_by_twilio(request):
            logger.warning("Rejected a webhook with a missing or invalid Twilio signature")
            return response.text("Invalid Twilio signature", status=403)
        if not request.form.get("CallSid"):
            return response.text("Missing CallSid", status=400)
        return None

    def _signed_by_twilio(self, request: Request) -> bool:
        signature = request.headers.get("X-Twilio-Signature", "")
        return self.signature_is_valid(self.public_url(request), form_fields(request), signature)

    def signature_is_valid(self, url: str, params: dict[str, str], signature: str) -> bool:
        """Whether Twilio, holding our auth token, signed these parameters for this URL."""
        return bool(signature) and self._validator.validate(url, params, signature)

    def public_url(self, request: Request) -> str:
        """The URL Twilio called: behind a proxy, the configured public base URL."""
        if not self.settings.public_url:
            return request.url
        query = f"?{request.query_string}" if request.query_string else ""
        return f"{self.settings.public_url}{request.path}{query}"

    async def _answer(
        self, request: Request, call: CallTurn, on_new_message: OnNewMessage
    ) -> VoiceResponse:
        if call.kind == "start":
            return await self._greet(request, call)
        if call.kind == "silence":
            return await self._after_silence(request, call)
        last_turn = await last_bot_turn(request, call.call_sid)
        buttons: list[dict[str, Any]] = next(
            (m["buttons"] for m in reversed(last_turn) if m.get("buttons")), []
        )
        if call.digits and buttons:
            text = payload_for_digits(buttons, call.digits)
            if text is None:
                return render_turn(last_turn, self.settings, call.next_requests(), KEYPAD_MISS)
        else:
            text = payload_for_speech(buttons, call.speech) or call.speech or call.digits
        output = TwilioVoiceOutput()
        message = UserMessage(
            text, output, call.call_sid, input_channel=self.name(), metadata=call.metadata
        )
        # Shielded: a slow turn still completes and is saved, but the caller hears an
        # apology before Twilio's 15 s webhook timeout ends the call with an error.
        handling = asyncio.ensure_future(on_new_message(message))
        try:
            await asyncio.wait_for(asyncio.shield(handling), self.settings.turn_budget_seconds)
        except asyncio.TimeoutError:
            logger.warning("call %s turn %d exceeded its time budget", call.call_sid, call.turn)
            return render_turn([], self.settings, call.next_requests(), TROUBLE_APOLOGY)
        return output.twiml(self.settings, call.next_requests())

    async def _greet(self, request: Request, call: CallTurn) -> VoiceResponse:
        """Starts the call's session and lets the dialogue greet the caller.

        The call's arrival enters the conversation as Rasa's external event for the
        greeting intent (marked `EXTERNAL:`, no words put in the caller's mouth). It
        gives later turns the shape of any conversation, so that a fallback, which
        reverts the caller's last turn, has a turn to go back to.
        """
        output = TwilioVoiceOutput()
        agent = request.app.ctx.agent
        async with agent.lock_store.lock(call.call_sid):
            tracker = await agent.processor.fetch_tracker_and_update_session(
                call.call_sid, output, call.metadata
            )
            await agent.trigger_intent(GREETING_INTENT, [], output, tracker)
        return output.twiml(self.settings, call.next_requests())

    async def _after_silence(self, request: Request, call: CallTurn) -> VoiceResponse:
        if call.silences >= self.settings.max_silences:
            goodbye: list[dict[str, Any]] = [
                {"text": SILENCE_GOODBYE},
                {"custom": {"hangup": True}},
            ]
            return render_turn(goodbye, self.settings, call.next_requests())
        last_turn = await last_bot_turn(request, call.call_sid)
        return render_turn(last_turn, self.settings, call.next_requests(), SILENCE_LEAD_IN)


class CallTurn:
    """One webhook of a call: what the caller did, and the turn and silence counters.

    The counters travel in the URLs of the TwiML, so any server replica can answer.
    """

    def __init__(self, form: dict[str, str], turn: int, silences: int) -> None:
        self.call_sid = form["CallSid"]
        self.speech = form.get("SpeechResult", "").strip()
        self.digits = form.get("Digits", "").strip()
        self.turn = turn
        self.silences = silences
        self.metadata = {key: form[key] for key in _CALL_FIELDS if form.get(key)}

    @classmethod
    def from_request(cls, request: Request) -> CallTurn:
        return cls(
            form_fields(request),
            _count(request.args.get("turn")),
            _count(request.args.get("silence")),
        )

    @property
    def kind(self) -> str:
        if self.speech or self.digits:
            return "digits" if self.digits else "speech"
        return "silence" if self.silences else "start"

    def next_requests(self) -> NextRequests:
        """Relative URLs, so Twilio resolves them against whatever URL it called."""
        after_silence = self.silences + 1 if self.kind == "silence" else 1
        return NextRequests(
            answer_url=f"webhook?turn={self.turn + 1}",
            silence_url=f"webhook?turn={self.turn}&silence={after_silence}",
        )


def form_fields(request: Request) -> dict[str, str]:
    """The webhook's form, one value per field, as Twilio signs it."""
    return {key: values[0] for key, values in request.form.items()}


def _count(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


async def last_bot_turn(request: Request, call_sid: str) -> list[dict[str, Any]]:
    """The messages the bot spoke after the caller's latest utterance."""
    tracker = await request.app.ctx.agent.tracker_store.retrieve(call_sid)
    if tracker is None:
        return []
    spoken: list[dict[str, Any]] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            spoken.insert(0, {"text": event.text, **(event.data or {})})
    return spoken


async def end_conversation(request: Request, call_sid: str) -> None:
    """Closes a finished call's conversation so nothing carries into another."""
    agent = request.app.ctx.agent
    async with agent.lock_store.lock(call_sid):
        tracker = await agent.tracker_store.retrieve(call_sid)
        if tracker is not None:
            tracker.update(Restarted())
            await agent.tracker_store.save(tracker)
