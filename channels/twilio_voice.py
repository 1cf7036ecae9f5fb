"""Twilio Voice input channel: signed webhooks in, TwiML out, one conversation per call."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.twiml.voice_response import VoiceResponse

from channels.call_engine import CallTurnRunner, OnNewMessage
from channels.call_history import last_exchange
from channels.call_moments import after_silence, greet, repeat_last
from channels.call_recovery import (
    after_transfer,
    answer_for_fallback,
)
from channels.call_routes import add_call_routes, refuse, twiml_response
from channels.call_turn import CallTurn
from channels.deliveries import Deliveries
from channels.recording import RECORDED_ANSWER, Recording
from channels.settings import VoiceSettings
from channels.spoken_turn import Reply
from channels.twilio_request import BadWebhook, SignedWebhook, TwilioRequestChecker
from channels.voice_output import NextRequests, TwilioVoiceOutput, render_reply
from helpdesk import variables as names
from helpdesk.log_format import set_logging_call, use_configured_log_format
from helpdesk.metrics_port import serve_metrics
from helpdesk.privacy import mask_personal_data_in_logs

logger = logging.getLogger(__name__)


class TwilioVoiceInput(InputChannel):
    """Receives Twilio's voice webhooks and answers them with TwiML."""

    @classmethod
    def name(cls) -> str:
        return "twilio_voice"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Configured from `TWILIO_*` environment variables; credentials.yml names no secrets.

        Rasa has configured logging by now: from here on, numbers and addresses in any
        log line at INFO and above are masked.
        """
        mask_personal_data_in_logs()
        use_configured_log_format()
        serve_metrics(names.METRICS_PORT)
        return cls(VoiceSettings.from_environment())

    def __init__(self, settings: VoiceSettings) -> None:
        self.settings = settings
        self._deliveries = Deliveries()
        if not settings.validate_signature:
            logger.warning(
                "TWILIO SIGNATURE VALIDATION IS OFF: anyone who can reach "
                "/webhooks/twilio_voice can place calls into the assistant."
            )

    @property
    def checker(self) -> TwilioRequestChecker:
        return TwilioRequestChecker(
            self.settings.auth_token, self.settings.public_url, self.settings.validate_signature
        )

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        voice = Blueprint("twilio_voice_webhook", __name__)

        @voice.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            async def answer(call: CallTurn, webhook: SignedWebhook) -> VoiceResponse:
                return await self._answer(request, call, on_new_message)

            return await self._respond(request, "webhook", answer)

        @voice.route("/dial", methods=["POST"])
        async def dial(request: Request) -> HTTPResponse:
            async def answer(call: CallTurn, webhook: SignedWebhook) -> VoiceResponse:
                return await after_transfer(request.app.ctx.agent, call, webhook, self.settings)

            return await self._respond(request, "dial", answer)

        @voice.route("/record", methods=["POST"])
        async def record(request: Request) -> HTTPResponse:
            async def answer(call: CallTurn, webhook: SignedWebhook) -> VoiceResponse:
                recording = Recording.of(webhook)
                if recording is None:  # nothing Twilio holds: the question again
                    agent = request.app.ctx.agent
                    reply = await after_silence(agent, call.call_sid, call.silences, self.settings)
                    return render_reply(reply, self.settings, self._next(call))
                return await self._answer(request, call, on_new_message, recording)

            return await self._respond(request, "record", answer)

        @voice.route("/fallback", methods=["POST"])
        async def fallback(request: Request) -> HTTPResponse:
            async def answer(call: CallTurn, webhook: SignedWebhook) -> VoiceResponse:
                return answer_for_fallback(webhook, self.settings)

            return await self._respond(request, "fallback", answer)

        add_call_routes(voice, self.checker, self.settings)
        return voice

    async def _respond(
        self,
        request: Request,
        route: str,
        answer: Callable[[CallTurn, SignedWebhook], Awaitable[VoiceResponse]],
    ) -> HTTPResponse:
        """Checks the request, answers it once per delivery, and never with an error."""
        try:
            webhook = self.checker.check(request)
        except BadWebhook as bad:
            return refuse(bad)
        query = {key: values[0] for key, values in parse_qs(request.query_string).items()}
        call = CallTurn(webhook, query, self.settings.max_silences)
        set_logging_call(call.call_sid, call.turn)
        twiml = await self._deliveries.answer(
            route, call, self.settings, lambda: answer(call, webhook)
        )
        return twiml_response(twiml)

    def _next(self, call: CallTurn) -> NextRequests:
        return call.next_requests(self.settings.connection_overrides)

    async def _answer(
        self,
        request: Request,
        call: CallTurn,
        on_new_message: OnNewMessage,
        recording: Recording | None = None,
    ) -> VoiceResponse:
        """The dialogue's answer to the caller's words, keys or recorded message."""
        reply = await self._reply(request, call, on_new_message, recording)
        return render_reply(reply, self.settings, self._next(call))

    async def _reply(
        self,
        request: Request,
        call: CallTurn,
        on_new_message: OnNewMessage,
        recording: Recording | None,
    ) -> Reply:
        agent = request.app.ctx.agent
        if call.kind == "silence" and recording is None:
            return await after_silence(agent, call.call_sid, call.silences, self.settings)
        exchange = await last_exchange(agent.tracker_store, call.call_sid)
        if call.kind == "start":
            if exchange.user_turn is not None:
                return repeat_last(exchange)
            output = TwilioVoiceOutput()
            await greet(agent, call.call_sid, call.metadata, output)
            return Reply(output.messages, self.settings.recording_notice)
        if exchange.answered(call.turn, call.said):
            logger.info(
                "call %s turn %d delivered again: answered as before", call.call_sid, call.turn
            )
            return repeat_last(exchange)
        runner = CallTurnRunner(agent, on_new_message, self.name())
        budget = self.settings.turn_budget_seconds
        if recording is not None:
            metadata = {**call.metadata, **recording.metadata()}
            return await runner.run(
                call.call_sid, RECORDED_ANSWER, exchange, TwilioVoiceOutput(), metadata, budget
            )
        return await runner.answer(
            call.call_sid, call.input, exchange, TwilioVoiceOutput(), call.metadata, budget
        )
