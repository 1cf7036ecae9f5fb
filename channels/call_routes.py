"""Routes both lines answer alike: health, the whisper a person hears before taking a
transferred call, and Twilio's status callback that closes a finished call."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.twiml import TwiML

from channels.call_moments import whisper_to_agent
from channels.call_recovery import end_conversation
from channels.draining import DRAIN
from channels.settings import VoiceSettings
from channels.twilio_request import BadWebhook, SignedWebhook, TwilioRequestChecker, loggable
from helpdesk.log_format import set_logging_call

logger = logging.getLogger(__name__)

CALL_ENDED_STATUSES = {"completed", "busy", "failed", "no-answer", "canceled"}


def twiml_response(twiml: TwiML) -> HTTPResponse:
    return response.text(str(twiml), content_type="text/xml")


def refuse(bad: BadWebhook) -> HTTPResponse:
    """A request that is no webhook of Twilio's: its status and reason, nothing else."""
    if bad.status == 403:
        logger.warning("Rejected a request with a missing or invalid Twilio signature")
    return response.text(bad.reason, status=bad.status)


async def answer_signed(
    checker: TwilioRequestChecker,
    request: Request,
    answer: Callable[[SignedWebhook], Awaitable[HTTPResponse]],
) -> HTTPResponse:
    """The answer to a webhook Twilio signed; anything else is refused as it is."""
    try:
        webhook = checker.check(request)
    except BadWebhook as bad:
        return refuse(bad)
    set_logging_call(webhook.call_sid)
    return await answer(webhook)


def add_call_routes(
    blueprint: Blueprint, checker: TwilioRequestChecker, settings: VoiceSettings
) -> None:
    """Adds `/`, `/whisper` and `/status` to a line's blueprint."""

    @blueprint.route("/", methods=["GET"])
    async def health(request: Request) -> HTTPResponse:
        """Readiness: a stopping server fails it, so the load balancer sends no more."""
        if DRAIN.active:
            return response.json({"status": "stopping"}, status=503)
        return response.json({"status": "ok"})

    @blueprint.route("/whisper", methods=["POST"])
    async def whisper(request: Request) -> HTTPResponse:
        async def answer(webhook: SignedWebhook) -> HTTPResponse:
            parent = webhook.field("ParentCallSid")
            agent = request.app.ctx.agent
            return twiml_response(await whisper_to_agent(agent, parent, settings))

        return await answer_signed(checker, request, answer)

    @blueprint.route("/status", methods=["POST"])
    async def status(request: Request) -> HTTPResponse:
        async def answer(webhook: SignedWebhook) -> HTTPResponse:
            call_status = webhook.field("CallStatus")
            logger.info("call %s status %s", webhook.call_sid, loggable(call_status))
            if call_status in CALL_ENDED_STATUSES:
                await end_conversation(request, webhook, call_status)
            return response.empty(status=204)

        return await answer_signed(checker, request, answer)
