"""Calls that went wrong somewhere: a transfer nobody took, a webhook Twilio gave up on."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

from rasa.core.agent import Agent
from rasa.core.channels.channel import OutputChannel
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import Restarted
from sanic.request import Request
from twilio.twiml.voice_response import VoiceResponse

from channels.call_turn import CallTurn
from channels.metrics import record_call_end
from channels.settings import VoiceSettings
from channels.spoken_turn import Reply
from channels.twilio_request import SignedWebhook, loggable
from channels.voice_output import TwilioVoiceOutput, render_reply
from helpdesk.rasa_server.cached_trackers import forget_cached

logger = logging.getLogger(__name__)

TROUBLE_APOLOGY = "Sorry, I had a problem with that."
TROUBLE_SAY_AGAIN = f"{TROUBLE_APOLOGY} Could you say it again?"
# <Dial> outcomes after which the caller is still on the line with nobody to talk to.
TRANSFER_FAILED_STATUSES = {"busy", "no-answer", "failed"}
TRANSFER_FAILED_RESPONSE = "utter_transfer_failed"


async def after_transfer(
    agent: Agent, call: CallTurn, webhook: SignedWebhook, settings: VoiceSettings
) -> VoiceResponse:
    """After <Dial>: hang up when the person took the call, else back to the assistant."""
    outcome = webhook.field("DialCallStatus")
    logger.info("call %s transfer ended: %s", call.call_sid, loggable(outcome))
    if outcome not in TRANSFER_FAILED_STATUSES:
        finished = VoiceResponse()
        finished.hangup()
        return finished
    output = TwilioVoiceOutput()
    await offer_after_failed_transfer(agent, call.call_sid, output)
    return output.twiml(settings, call.next_requests(settings.connection_overrides))


async def offer_after_failed_transfer(agent: Agent, call_sid: str, output: OutputChannel) -> None:
    """What the caller can do now that nobody took the call, as a turn that listens:
    the caller's answer then follows `action_listen`, as the dialogue's rules expect
    (without it, a menu choice of this offer matches no rule)."""
    async with agent.lock_store.lock(call_sid):
        for action in (TRANSFER_FAILED_RESPONSE, ACTION_LISTEN_NAME):
            await agent.execute_action(call_sid, action, output, None, None)


def answer_for_fallback(webhook: SignedWebhook, settings: VoiceSettings) -> VoiceResponse:
    """Twilio's Fallback URL: our answer failed; apologise and listen at the same turn.

    Uses neither the model nor the tracker store, whose trouble may be the cause.
    """
    failed_url = urlsplit(webhook.field("ErrorUrl"))
    failed = parse_qs(failed_url.query)
    turn = int(failed["turn"][0]) if failed.get("turn", [""])[0].isdigit() else 0
    logger.warning(
        "call %s: Twilio got no TwiML from %s (error %s)",
        webhook.call_sid,
        loggable(failed_url.path),
        loggable(webhook.field("ErrorCode")),
    )
    # The turn before the failed one: its answer goes where the failed one would have.
    retry = CallTurn(webhook, {"turn": str(max(turn - 1, 0))}, settings.max_silences)
    next_requests = retry.next_requests(settings.connection_overrides)
    return render_reply(Reply([], TROUBLE_SAY_AGAIN), settings, next_requests)


async def end_conversation(request: Request, webhook: SignedWebhook, call_status: str) -> None:
    """Counts how a finished call went, logs its summary and closes its conversation, so
    that nothing carries into another."""
    agent = request.app.ctx.agent
    call_sid = webhook.call_sid
    async with agent.lock_store.lock(call_sid):
        tracker = await agent.tracker_store.retrieve(call_sid)
        if tracker is not None:
            record_call_end(tracker, call_status, webhook.field("CallDuration"))
            tracker.update(Restarted())
            await agent.tracker_store.save(tracker)
        forget_cached(agent.tracker_store, call_sid)  # an ended call takes no memory
