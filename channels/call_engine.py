"""One caller turn through the dialogue, the same on every line.

Whatever carries the call (`<Gather>` webhooks or a ConversationRelay socket), a
caller's words or keys are read here: a request to hear something again, a check
that someone is there, a menu choice by key or by name, or words for the NLU; and a
turn that fails, overruns or says nothing ends in an apology and the question again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from channels.call_history import LastExchange
from channels.call_moments import apologise, repeat_last, still_here
from channels.caller_input import CallerInput
from channels.menu import payload_for_digits, payload_for_speech
from channels.spoken_turn import Reply
from components.duckling_when_needed import ask_duckling_ahead
from helpdesk.rasa_server.cached_trackers import turn_was_not_saved

logger = logging.getLogger(__name__)

KEYPAD_MISS = "Sorry, that key isn't one of the choices."
# The key that asks for a person at any time (the greeting says so), and what it means.
PERSON_KEY = "0"
PERSON_REQUEST = "/human_handoff"

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class CallTurnRunner:
    """Runs caller turns of one channel through the dialogue."""

    def __init__(self, agent: Agent, on_new_message: OnNewMessage, channel: str) -> None:
        self.agent = agent
        self.on_new_message = on_new_message
        self.channel = channel

    async def answer(
        self,
        call_sid: str,
        caller: CallerInput,
        exchange: LastExchange,
        output: CollectingOutputChannel,
        metadata: dict[str, Any],
        budget_seconds: float,
    ) -> Reply:
        """The answer to what the caller said or pressed, after `exchange`."""
        if caller.wants_repeat:
            return repeat_last(exchange)
        if caller.checks_presence and exchange.bot_turn:
            return still_here(exchange)
        if caller.digits == PERSON_KEY:
            # A way through for a caller who cannot or will not speak: menus number
            # their choices from 1, so 0 is never one of them.
            return await self.run(
                call_sid, PERSON_REQUEST, exchange, output, metadata, budget_seconds
            )
        if caller.digits and exchange.buttons:
            chosen = payload_for_digits(exchange.buttons, caller.digits)
            if chosen is None:
                return Reply(exchange.bot_turn, KEYPAD_MISS)
            text = chosen
        else:
            text = payload_for_speech(exchange.buttons, caller.speech) or caller.said
        return await self.run(call_sid, text, exchange, output, metadata, budget_seconds)

    async def run(
        self,
        call_sid: str,
        text: str,
        exchange: LastExchange,
        output: CollectingOutputChannel,
        metadata: dict[str, Any],
        budget_seconds: float,
    ) -> Reply:
        """The dialogue's answer to `text`; an apology and the question when it fails."""
        message = UserMessage(text, output, call_sid, input_channel=self.channel, metadata=metadata)
        # Shielded: a slow turn still completes and is saved, but the caller hears an
        # apology within the budget (before Twilio's webhook timeout, on <Gather>).
        handling = asyncio.ensure_future(self._handle(message))
        try:
            await asyncio.wait_for(asyncio.shield(handling), budget_seconds)
        except asyncio.TimeoutError:
            logger.warning("call %s exceeded its time budget", call_sid)
            return apologise(exchange, "over_budget")
        except Exception:
            logger.exception("call %s: the turn failed", call_sid)
            return apologise(exchange, "error")
        if not output.messages:
            # Rasa logs a failed action and goes on silently; on a phone that is dead air.
            logger.warning("call %s: the turn had nothing to say", call_sid)
            return apologise(exchange, "nothing_said")
        if turn_was_not_saved(self.agent.tracker_store, call_sid):
            logger.warning("call %s: the turn could not be saved", call_sid)
            return apologise(exchange, "not_saved")
        return Reply(output.messages, sent=True)

    async def _handle(self, message: UserMessage) -> None:
        # Duckling is asked here, in the turn's own task, where the NLU graph will find
        # its answer: the graph's own request would hold every call's turn while it waits.
        await ask_duckling_ahead(self.agent, message.text or "")
        await self.on_new_message(message)
