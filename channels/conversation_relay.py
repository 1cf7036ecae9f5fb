"""Twilio ConversationRelay input channel: one WebSocket per call, text both ways.

Twilio recognises the caller's speech as they talk and speaks the assistant's text as
it arrives, so a caller hears the first sentence of an answer while later actions still
run, and can talk over the assistant. The conversation is the same one the `<Gather>`
line keeps (keyed by the call SID), so a call can move between the two lines.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.server.websockets.impl import WebsocketImplProtocol
from twilio.twiml.voice_response import Dial, VoiceResponse

from channels.call_engine import CallTurnRunner, OnNewMessage
from channels.call_history import last_exchange
from channels.call_routes import add_call_routes, answer_signed, refuse, twiml_response
from channels.call_turn import CALL_FIELDS
from channels.draining import DRAIN
from channels.metrics import RELAY_TWILIO_ERRORS
from channels.recording import RECORDED_ANSWER, Recording
from channels.relay_session import (
    MOVED,
    RESUME_AFTER_FAILURE,
    RESUME_AFTER_SILENCE,
    RESUME_AFTER_TRANSFER,
    RESUME_PARAMETER,
    RelaySession,
)
from channels.relay_settings import RelaySettings
from channels.relay_twiml import connect_to_relay
from channels.spoken_turn import Reply, spoken_turn
from channels.twilio_request import (
    BadWebhook,
    SignedWebhook,
    TwilioRequestChecker,
    loggable,
    socket_url,
)
from channels.voice_output import TwilioVoiceOutput, recording_of_message
from helpdesk import variables as names
from helpdesk.log_format import use_configured_log_format
from helpdesk.metrics_port import serve_metrics
from helpdesk.privacy import mask_personal_data_in_logs

logger = logging.getLogger(__name__)

# The <Gather> line, where a call goes when streaming keeps failing.
GATHER_WEBHOOK = "/webhooks/twilio_voice/webhook"
TRANSFER_FAILED_STATUSES = {"busy", "no-answer", "failed"}


class ConversationRelayInput(InputChannel):
    """Answers the number's Voice URL with `<Connect><ConversationRelay>` and serves
    the call's socket."""

    @classmethod
    def name(cls) -> str:
        return "conversation_relay"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Configured from `TWILIO_*` environment variables, like the `<Gather>` line."""
        mask_personal_data_in_logs()
        use_configured_log_format()
        serve_metrics(names.METRICS_PORT)
        return cls(RelaySettings.from_environment())

    def __init__(self, settings: RelaySettings) -> None:
        self.settings = settings
        line = settings.line
        self.checker = TwilioRequestChecker(
            line.auth_token, line.public_url, line.validate_signature
        )

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        relay = Blueprint("conversation_relay_webhook", __name__)

        @relay.middleware("request")
        async def signed_upgrade(request: Request) -> HTTPResponse | None:
            """Only a socket Twilio signed opens, and only while the server is not
            stopping: refused before the upgrade."""
            if request.headers.get("upgrade", "").lower() != "websocket":
                return None
            if DRAIN.active:
                return response.text("This server is stopping", status=503)
            try:
                self.checker.check_upgrade(request)
            except BadWebhook as bad:
                return refuse(bad)
            return None

        @relay.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            async def answer(call: SignedWebhook) -> HTTPResponse:
                resume = _query(request).get(RESUME_PARAMETER, "")
                fields = {key: call.field(key) for key in CALL_FIELDS}
                return twiml_response(self._connect(request, fields, resume))

            return await answer_signed(self.checker, request, answer)

        @relay.websocket("/websocket")
        async def websocket(request: Request, socket: WebsocketImplProtocol) -> None:
            runner = CallTurnRunner(request.app.ctx.agent, on_new_message, self.name())
            await RelaySession(socket, runner, self.settings).serve()

        @relay.route("/action", methods=["POST"])
        async def action(request: Request) -> HTTPResponse:
            async def answer(ended: SignedWebhook) -> HTTPResponse:
                return twiml_response(await self._after_session(request, ended))

            return await answer_signed(self.checker, request, answer)

        @relay.route("/dial", methods=["POST"])
        async def dial(request: Request) -> HTTPResponse:
            async def answer(dialled: SignedWebhook) -> HTTPResponse:
                outcome = dialled.field("DialCallStatus")
                logger.info("call %s transfer ended: %s", dialled.call_sid, loggable(outcome))
                if outcome not in TRANSFER_FAILED_STATUSES:
                    finished = VoiceResponse()
                    finished.hangup()
                    return twiml_response(finished)
                fields = await self._call_fields(request, dialled.call_sid)
                return twiml_response(self._connect(request, fields, RESUME_AFTER_TRANSFER))

            return await answer_signed(self.checker, request, answer)

        @relay.route("/record", methods=["POST"])
        async def record(request: Request) -> HTTPResponse:
            async def answer(recorded: SignedWebhook) -> HTTPResponse:
                fields = await self._call_fields(request, recorded.call_sid)
                resume = await self._recorded(request, recorded, fields, on_new_message)
                return twiml_response(self._connect(request, fields, resume))

            return await answer_signed(self.checker, request, answer)

        @relay.listener("before_server_stop")
        async def move_sessions(app: Any, loop: Any) -> None:
            moved_at_once = await DRAIN.drain(self.settings.drain_seconds)
            if moved_at_once:
                logger.warning("%d streaming sessions moved mid-turn", moved_at_once)

        add_call_routes(relay, self.checker, self.settings.line)
        return relay

    def _connect(
        self, request: Request, fields: dict[str, str], resume: str, attempt: int = 0
    ) -> VoiceResponse:
        """`<Connect><ConversationRelay>` for this call; relative callbacks, absolute socket."""
        base = urlsplit(self.checker.public_url(request))
        path = base.path.rsplit("/", 1)[0]
        socket = socket_url(f"{base.scheme}://{base.netloc}{path}/websocket")
        parameters = {key: value for key, value in fields.items() if value and key != "CallSid"}
        if resume:
            parameters[RESUME_PARAMETER] = resume
        hints = _domain_hints(request.app.ctx.agent)
        return connect_to_relay(
            self.settings, socket, f"action?attempt={attempt}", parameters, hints
        )

    async def _after_session(self, request: Request, ended: SignedWebhook) -> VoiceResponse:
        """What follows a session: a transfer, a recording, the end of the call, or a
        new session when the socket failed (the `<Gather>` line after too many)."""
        status = ended.field("SessionStatus")
        fields = await self._call_fields(request, ended.call_sid)
        logger.info(
            "call %s relay session %s (%s)",
            ended.call_sid,
            loggable(status),
            loggable(ended.field("HandoffData")),
        )
        if status == "failed" or ended.field("ErrorCode"):
            RELAY_TWILIO_ERRORS.inc()
            logger.warning(
                "call %s: the relay session failed (error %s: %s)",
                ended.call_sid,
                loggable(ended.field("ErrorCode")),
                loggable(ended.field("ErrorMessage")),
            )
            attempt = _attempt(request) + 1
            if attempt > self.settings.max_reconnects:
                onwards = VoiceResponse()
                onwards.redirect(GATHER_WEBHOOK, method="POST")
                return onwards
            return self._connect(request, fields, RESUME_AFTER_FAILURE, attempt)
        if handoff_reason(ended.field("HandoffData")) == MOVED:
            return self._connect(request, fields, MOVED)
        exchange = await last_exchange(request.app.ctx.agent.tracker_store, ended.call_sid)
        turn = spoken_turn(Reply(exchange.bot_turn))
        following = VoiceResponse()
        if turn.transfer:
            line = self.settings.line
            dial = Dial(
                action="dial",
                method="POST",
                timeout=line.dial_timeout,
                caller_id=fields.get("To") or None,
            )
            dial.number(turn.transfer, url="whisper", method="POST")
            following.append(dial)
        elif turn.record:
            following.append(recording_of_message("record"))
            following.redirect(f"webhook?{RESUME_PARAMETER}={RESUME_AFTER_SILENCE}", method="POST")
            return following
        following.hangup()
        return following

    async def _recorded(
        self,
        request: Request,
        recorded: SignedWebhook,
        fields: dict[str, str],
        on_new_message: OnNewMessage,
    ) -> str:
        """Files a recorded message as the caller's answer; returns how the next session
        resumes (asking again when Twilio holds nothing, or the turn failed)."""
        recording = Recording.of(recorded)
        if recording is None:  # nothing Twilio holds: the question again
            return RESUME_AFTER_SILENCE
        agent = request.app.ctx.agent
        exchange = await last_exchange(agent.tracker_store, recorded.call_sid)
        runner = CallTurnRunner(agent, on_new_message, self.name())
        reply = await runner.run(
            recorded.call_sid,
            RECORDED_ANSWER,
            exchange,
            TwilioVoiceOutput(),
            {**fields, **recording.metadata()},
            self.settings.line.turn_budget_seconds,
        )
        return "" if reply.sent else RESUME_AFTER_FAILURE

    async def _call_fields(self, request: Request, call_sid: str) -> dict[str, str]:
        """The call's fields from its start (the attestation among them), for a new session."""
        tracker = await request.app.ctx.agent.tracker_store.retrieve(call_sid)
        started = tracker.get_slot("session_started_metadata") if tracker is not None else None
        known = started if isinstance(started, dict) else {}
        return {key: str(known[key]) for key in CALL_FIELDS if known.get(key)}


def _query(request: Request) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(request.query_string).items()}


def _attempt(request: Request) -> int:
    value = _query(request).get("attempt", "0")
    return int(value) if value.isdigit() and len(value) < 3 else 0


def _domain_hints(agent: Any) -> list[str]:
    """What the domain's questions listen for: menu choices and their own hints (the
    spelling alphabet). A session has one set of hints, so it holds all of them."""
    phrases: list[str] = []
    for variants in (agent.domain.responses if agent and agent.domain else {}).values():
        for variant in variants:
            phrases += [str(button.get("title", "")) for button in variant.get("buttons") or []]
            custom = variant.get("custom")
            if isinstance(custom, dict) and isinstance(custom.get("hints"), list):
                phrases += [str(hint) for hint in custom["hints"]]
    return list(dict.fromkeys(phrases))


def handoff_reason(handoff_data: str) -> str:
    """Why the assistant ended a session, from the `end` message's handoffData."""
    try:
        data = json.loads(handoff_data) if handoff_data else {}
    except ValueError:
        return ""
    return str(data.get("reason", "")) if isinstance(data, dict) else ""
