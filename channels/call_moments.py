"""The moments of a call that the dialogue does not script: its start, a silence, a
request to hear something again, an apology and a goodbye."""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from twilio.twiml.voice_response import VoiceResponse

from channels.call_history import LastExchange, last_exchange
from channels.call_recovery import TROUBLE_APOLOGY, TROUBLE_SAY_AGAIN
from channels.metrics import APOLOGIES, CALLS_STARTED
from channels.settings import VoiceSettings
from channels.speech import speakable
from channels.spoken_turn import Reply

logger = logging.getLogger(__name__)

SILENCE_LEAD_IN = "Sorry, I didn't hear anything."
SILENCE_GOODBYE = "I still can't hear you, so I'll hang up now. Please call again. Goodbye."
CALL_DONE_GOODBYE = "Thanks for calling. Goodbye."
ANYTHING_ELSE_RESPONSE = "utter_anything_else"
GREETING_INTENT = "greet"
GREETING = "utter_greet"
GREETINGS = {GREETING, "utter_greet_during_outage"}
# What a greeting asks, without the introduction a caller heard once already.
GREETING_QUESTION = "How can I help?"
STILL_HERE = "I'm here."
# Said before a question and never part of it: apologies and notes for the caller.
LEAD_INS = {
    "utter_default",
    "utter_email_unconfirmed",
    "utter_priority_fallback",
    "utter_confirm_fallback",
    "utter_carry_on",
}
WHISPER_LEAD = "Help desk call from the voice assistant."


async def greet(
    agent: Agent, call_sid: str, metadata: dict[str, Any], output: CollectingOutputChannel
) -> None:
    """Starts the call's session and lets the dialogue greet the caller on `output`.

    The call's arrival enters the conversation as Rasa's external event for the
    greeting intent (marked `EXTERNAL:`, no words put in the caller's mouth). It gives
    later turns the shape of any conversation, so that a fallback, which reverts the
    caller's last turn, has a turn to go back to.
    """
    async with agent.lock_store.lock(call_sid):
        tracker = await agent.processor.fetch_tracker_and_update_session(call_sid, output, metadata)
        await agent.trigger_intent(GREETING_INTENT, [], output, tracker)
        if not output.messages:
            # The greeting action (actions/outage_actions.py) could not be reached: the
            # plain greeting, without news of outages, rather than silence; kept in the
            # conversation, so that it can be repeated.
            logger.warning("call %s: the greeting said nothing", call_sid)
            for action in (GREETING, ACTION_LISTEN_NAME):
                await agent.execute_action(call_sid, action, output, None, None)
    CALLS_STARTED.inc()


async def after_silence(
    agent: Agent, call_sid: str, silences: int, settings: VoiceSettings
) -> Reply:
    """The question again; the end of the call after too many silences, or when the
    silence answers "anything else?"."""
    if silences >= settings.max_silences:
        return hang_up(SILENCE_GOODBYE)
    exchange = await last_exchange(agent.tracker_store, call_sid)
    if exchange.asked(ANYTHING_ELSE_RESPONSE):
        return hang_up(CALL_DONE_GOODBYE)
    return Reply(the_question(exchange.bot_turn), SILENCE_LEAD_IN)


def still_here(exchange: LastExchange) -> Reply:
    """ "Hello?" mid-call: the caller hears that someone is there, and the question."""
    return Reply(the_question(exchange.bot_turn), STILL_HERE)


def the_question(bot_turn: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The last turn without what only led up to its question: no apology or note
    again, and of a greeting only what it asks."""
    question = [
        {**message, "text": GREETING_QUESTION} if message.get("response") in GREETINGS else message
        for message in bot_turn
        if message.get("response") not in LEAD_INS
    ]
    return question or bot_turn


def repeat_last(exchange: LastExchange) -> Reply:
    """What the caller was told last, again; an apology if it was nothing."""
    if any(message.get("text") for message in exchange.bot_turn):
        return Reply(exchange.bot_turn)
    return Reply([], TROUBLE_SAY_AGAIN)


def apologise(exchange: LastExchange, reason: str) -> Reply:
    """An apology, then the question the caller was answering, asked again."""
    APOLOGIES.labels(reason).inc()
    asked = any(message.get("text") for message in exchange.bot_turn)
    return Reply(exchange.bot_turn, TROUBLE_APOLOGY if asked else TROUBLE_SAY_AGAIN)


async def whisper_to_agent(
    agent: Agent, parent_call_sid: str, settings: VoiceSettings
) -> VoiceResponse:
    """What the person who takes a transfer hears before the caller: the address the
    caller confirmed and the incident they opened in this call, when there are any."""
    said = [WHISPER_LEAD]
    try:
        tracker = await agent.tracker_store.retrieve(parent_call_sid) if parent_call_sid else None
    except Exception:  # the person still takes the call, just without the summary
        logger.exception("Reading call %s for the whisper failed", parent_call_sid)
        tracker = None
    if tracker is not None:
        email, incident = tracker.get_slot("previous_email"), tracker.get_slot("opened_incident")
        said += [f"The caller gave {email}."] if email else []
        said += [f"They opened incident {incident} in this call."] if incident else []
    response = VoiceResponse()
    response.say(speakable(" ".join(said)), voice=settings.voice, language=settings.language)
    return response


def hang_up(goodbye: str) -> Reply:
    """A goodbye, then the end of the call."""
    return Reply([{"text": goodbye}, {"custom": {"hangup": True}}])
