"""Each of Twilio's deliveries of a turn answered once, in time, and never with an error."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from twilio.twiml.voice_response import VoiceResponse

from channels.call_recovery import TROUBLE_SAY_AGAIN
from channels.call_turn import CallTurn
from channels.metrics import APOLOGIES, TURN_SECONDS, TURNS
from channels.settings import VoiceSettings
from channels.spoken_turn import Reply
from channels.voice_output import render_reply

logger = logging.getLogger(__name__)

# Within the 1 s the turn budget leaves before Twilio's limit (settings.py).
ANSWER_MARGIN_SECONDS = 0.5


class Deliveries:
    """Answers deliveries of turns; a retried delivery waits for the first one's answer.

    Twilio retries a delivery (same URL, same form, same I-Twilio-Idempotency-Token)
    when it timed out.
    """

    def __init__(self) -> None:
        self._in_flight: dict[tuple[Any, ...], asyncio.Task[VoiceResponse]] = {}

    async def answer(
        self,
        route: str,
        call: CallTurn,
        settings: VoiceSettings,
        work: Callable[[], Awaitable[VoiceResponse]],
    ) -> VoiceResponse:
        """The work's answer to this delivery, or an apology (with the channel's current
        settings) when it fails or overruns."""
        started = time.monotonic()
        delivery = (route, call.call_sid, call.turn, call.silences, call.speech, call.digits)
        task = self._in_flight.get(delivery)
        if task is None:
            task = asyncio.ensure_future(work())
            self._in_flight[delivery] = task
            task.add_done_callback(lambda _: self._in_flight.pop(delivery, None))
        else:
            logger.info("call %s turn %d delivered again while answering", call.call_sid, call.turn)
        try:
            # The turn itself has a budget; this one also covers the work around it
            # (reading the call's tracker), so that Twilio always gets an answer in time.
            twiml = await asyncio.wait_for(
                asyncio.shield(task), settings.turn_budget_seconds + ANSWER_MARGIN_SECONDS
            )
        except asyncio.TimeoutError:
            logger.warning(
                "call %s turn %d could not be answered in time", call.call_sid, call.turn
            )
            twiml = _apology(call, settings, "over_budget")
        except Exception:
            logger.exception("call %s turn %d failed", call.call_sid, call.turn)
            twiml = _apology(call, settings, "error")
        seconds = time.monotonic() - started
        TURNS.labels(route).inc()
        TURN_SECONDS.labels(route).observe(seconds)
        logger.info(
            "call %s turn %d (%s %s) answered in %.0f ms",
            call.call_sid,
            call.turn,
            route,
            call.kind,
            seconds * 1000,
        )
        return twiml


def _apology(call: CallTurn, settings: VoiceSettings, reason: str) -> VoiceResponse:
    APOLOGIES.labels(reason).inc()
    next_requests = call.next_requests(settings.connection_overrides)
    return render_reply(Reply([], TROUBLE_SAY_AGAIN), settings, next_requests)
