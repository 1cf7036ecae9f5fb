"""One ConversationRelay session: a call's socket, from `setup` to `end`.

Inputs are queued and answered one turn at a time (Rasa's lock would make a second
turn of the same call wait and poll). While a turn runs the socket is still read, so
that an interruption or a speaker event is never missed. Twilio sends nothing while a
caller is silent: the session keeps its own timer, started when the caller has heard
the assistant out (Twilio's agentSpeaking event), or from the text's length when no
such event comes.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass
from typing import Any, Protocol

from rasa.core.agent import Agent

from channels.call_engine import CallTurnRunner
from channels.call_history import last_exchange
from channels.call_moments import (
    SILENCE_LEAD_IN,
    after_silence,
    greet,
    hang_up,
    repeat_last,
    the_question,
)
from channels.call_recovery import offer_after_failed_transfer
from channels.call_turn import CALL_FIELDS
from channels.caller_input import CallerInput
from channels.draining import DRAIN
from channels.metrics import (
    RELAY_BAD_MESSAGES,
    RELAY_INTERRUPTIONS,
    RELAY_SESSIONS,
    RELAY_SILENCE_ESTIMATED,
    RELAY_TWILIO_ERRORS,
    TURN_SECONDS,
    TURNS,
)
from channels.relay_messages import (
    BadMessage,
    Incoming,
    Info,
    Interrupted,
    Keypress,
    Prompt,
    Setup,
    TwilioError,
    end_session,
    parse_message,
)
from channels.relay_output import RelayOutput
from channels.relay_pacing import IDLE, TOO_LONG, RelayPacing
from channels.relay_settings import RelaySettings
from channels.speech import sentences
from channels.spoken_turn import Reply, SpokenTurn, spoken_turn
from channels.twilio_request import CALL_SID, loggable
from helpdesk.log_format import set_logging_call
from helpdesk.turn_metadata import CONFIDENCE_KEY, INPUT_KEY, INTERRUPTION_KEY

logger = logging.getLogger(__name__)

_WORDS = re.compile(r"[a-z0-9']+")

# Why a session was started again for the same call (the `resume` <Parameter>).
RESUME_PARAMETER = "resume"
RESUME_AFTER_FAILURE = "failed"
RESUME_AFTER_TRANSFER = "transfer_failed"
RESUME_AFTER_SILENCE = "silence"
# The server that held the session stopped: the new one listens for the answer.
MOVED = "moved"
RECONNECTED = "Sorry, the line dropped for a moment."
# The turn, as the conversation records it.
RELAY_TURN_KEY = "relay_turn"
# Twilio sends `setup` at once; a socket that sends nothing is not a call.
SETUP_SECONDS = 10.0
# What the caller hears when a session is ended for them.
IDLE_GOODBYE = "I can't hear anything on the line, so I'll end the call now. Goodbye."
TOO_LONG_GOODBYE = (
    "We've been on the line a long time, so I'll end the call now. "
    "Please call again if you still need help. Goodbye."
)
# The most prompts one free-text answer is made of.
MAX_PARTS = 5
# How long Twilio has to close a socket after `end`.
CLOSE_WAIT_SECONDS = 5.0
# Menus of more than nine choices take several keys, ended by #.
KEYS_END = "#"
POLICY_VIOLATION = 1008


class Socket(Protocol):
    """What a session needs of a WebSocket (Sanic's, or a test's)."""

    async def recv(self, timeout: float | None = None) -> str | bytes | None: ...

    async def send(self, message: str) -> None: ...

    async def close(self, code: int = 1000, reason: str = "") -> None: ...


class _Closed:
    """The socket closed: no more inputs."""


class _Moving:
    """The server is stopping: the call moves to a session on another replica."""


@dataclass(frozen=True)
class _Ending:
    """The session ends for the caller: idle too long, or the call too long."""

    reason: str
    goodbye: str


CLOSED = _Closed()
MOVING = _Moving()
QueuedInput = CallerInput | _Closed


class RelaySession:
    """A call's ConversationRelay socket, served from `setup` to `end`."""

    def __init__(self, socket: Socket, runner: CallTurnRunner, settings: RelaySettings) -> None:
        self.socket = socket
        self.runner = runner
        self.agent: Agent = runner.agent
        self.settings = settings
        self.call_sid = ""
        self.turn = 0
        self._metadata: dict[str, Any] = {}
        self._inputs: asyncio.Queue[QueuedInput] = asyncio.Queue()
        self._timing = asyncio.Event()
        self._prompt_parts: list[str] = []
        self._keys = ""
        self._buttons: list[dict[str, Any]] = []
        # How long a free-text answer may pause and go on (see `_rest_of`).
        self._more_seconds = 0.0
        self._held: QueuedInput | None = None
        self._interruption: Interrupted | None = None
        # What the last turn said before its closing question (a read-back's details).
        self._details = ""
        self._silences = 0
        self._pacing = RelayPacing(
            settings.line.input_timeout, settings.idle_seconds, settings.longest_call_seconds
        )
        self._ended = False

    async def serve(self) -> None:
        """Reads `setup`, greets or resumes the call, then answers turns until the end.

        Known to the drain from the moment the socket opened: a server that starts
        stopping while a session's setup is on its way still moves that call.
        """
        DRAIN.track(self)
        try:
            await self._serve()
        finally:
            DRAIN.forget(self)

    async def _serve(self) -> None:
        setup = await self._setup()
        if setup is None:
            RELAY_SESSIONS.labels("refused").inc()
            await self.socket.close(POLICY_VIOLATION, "expected Twilio's setup message")
            return
        self.call_sid = setup.call_sid
        set_logging_call(self.call_sid, self.turn)
        self._metadata = {
            key: setup.parameters[key] for key in CALL_FIELDS if setup.parameters.get(key)
        }
        self._metadata["CallSid"] = self.call_sid
        reader = asyncio.ensure_future(self._read())
        try:
            if not DRAIN.active:
                resume = setup.parameters.get(RESUME_PARAMETER, "")
                await self._speak(*await self._opening(resume))
            while not self._ended:
                caller = await self._next_input()
                if isinstance(caller, _Closed):
                    RELAY_SESSIONS.labels("closed_by_twilio").inc()
                    return
                if isinstance(caller, _Moving):
                    await self._until_heard()
                    await self.move_now()
                    return
                if isinstance(caller, _Ending):
                    RELAY_SESSIONS.labels(caller.reason).inc()
                    await self._speak(hang_up(caller.goodbye), RelayOutput(self.socket.send))
                    return
                reply, output = await self._answer(caller)
                await self._speak(reply, output)
                if output.timings():
                    # One line per turn, with the call SID and turn: joined with
                    # Twilio's Voice Insights events in docs/operations.md.
                    logger.info(
                        "call %s turn %d spoken",
                        self.call_sid,
                        self.turn,
                        extra={"relay_timing": output.timings()},
                    )
            RELAY_SESSIONS.labels("ended").inc()
        finally:
            await _closed_by_twilio(reader)

    def wake(self) -> None:
        """Looks again at what to do next (the server started draining)."""
        self._timing.set()

    async def move_now(self) -> None:
        """Ends the session so that the call continues on a new one, elsewhere."""
        if not self._ended:
            self._ended = True
            RELAY_SESSIONS.labels("moved").inc()
            await self.socket.send(end_session({"reason": MOVED}))

    async def _setup(self) -> Setup | None:
        try:
            frame = await self.socket.recv(SETUP_SECONDS)
            message = parse_message(frame) if frame is not None else None
        except BadMessage:
            message = None
        if isinstance(message, Setup) and CALL_SID.fullmatch(message.call_sid):
            return message
        logger.warning("A relay socket opened without Twilio's setup message")
        return None

    async def _opening(self, resume: str) -> tuple[Reply, RelayOutput]:
        """What the caller hears first: the greeting, or the call where it was."""
        exchange = await last_exchange(self.agent.tracker_store, self.call_sid)
        if exchange.user_turn is None:
            output = RelayOutput(self.socket.send, disclosure=True)
            for notice in (
                self.settings.line.recording_notice,
                self.settings.spoken_providers_notice,
            ):
                if notice:
                    await output.say(notice, False, interruptible=False)
            await greet(self.agent, self.call_sid, self._metadata, output)
            return Reply(output.messages, sent=True), output
        output = RelayOutput(self.socket.send)
        if resume == RESUME_AFTER_TRANSFER:
            await offer_after_failed_transfer(self.agent, self.call_sid, output)
            return Reply(output.messages, sent=True), output
        if resume == RESUME_AFTER_SILENCE:
            return Reply(the_question(exchange.bot_turn), SILENCE_LEAD_IN), output
        if resume == RESUME_AFTER_FAILURE:
            return Reply(the_question(exchange.bot_turn), RECONNECTED), output
        if resume == MOVED:
            return Reply(), output  # the caller was answering the question: listen
        return repeat_last(exchange), output

    async def _answer(self, caller: CallerInput | None) -> tuple[Reply, RelayOutput]:
        if caller is None:
            self._silences += 1
            reply = await after_silence(
                self.agent, self.call_sid, self._silences, self.settings.line
            )
            return reply, RelayOutput(self.socket.send)
        # Only a caller's turn is timed from their prompt (a silence has none).
        started = time.monotonic()
        output = RelayOutput(self.socket.send, prompted_at=started)
        self._silences = 0
        self.turn += 1
        set_logging_call(self.call_sid, self.turn)
        exchange = await last_exchange(self.agent.tracker_store, self.call_sid)
        metadata = {**self._metadata, RELAY_TURN_KEY: self.turn, INPUT_KEY: caller.said}
        if caller.speech:
            # Spoken, as the actions need to know; ConversationRelay reports no confidence.
            metadata[CONFIDENCE_KEY] = None
        if self._interruption is not None:
            metadata[INTERRUPTION_KEY] = {
                "heard": self._interruption.heard,
                "duration_ms": self._interruption.duration_ms,
                # A yes over a read-back confirms only what the caller heard read back.
                "details_heard": heard_in_full(self._interruption.heard, self._details),
            }
            self._interruption = None
        reply = await self.runner.answer(
            self.call_sid,
            caller,
            exchange,
            output,
            metadata,
            self.settings.line.turn_budget_seconds,
        )
        TURNS.labels("relay").inc()
        TURN_SECONDS.labels("relay").observe(time.monotonic() - started)
        return reply, output

    async def _speak(self, reply: Reply, output: RelayOutput) -> None:
        """Says what the output has not said yet, ends the turn, and then listens,
        or ends the session once the caller has heard a goodbye or a transfer note."""
        turn = spoken_turn(reply)
        self._details = details_before_the_question(turn)
        unsaid = turn.sentences[output.sentences_sent :] if reply.sent else turn.sentences
        for sentence in unsaid[:-1]:
            await output.say(sentence, last=False)
        await output.say(unsaid[-1] if unsaid else "", last=True)
        self._buttons = turn.buttons
        self._keys = ""
        self._more_seconds = self._pause_allowed(turn)
        self._pacing.spoke(output.characters_sent)
        self._timing.set()
        if turn.ends_call or turn.record:
            await self._until_heard()
            reason = "transfer" if turn.transfer else "record" if turn.record else "hangup"
            await self.socket.send(end_session({"reason": reason}))
            self._ended = True

    async def _until_heard(self) -> None:
        """Waits until the caller has heard the turn (speaker event, or the estimate)."""
        pacing = self._pacing
        while pacing.heard_at is not None and not pacing.heard_confirmed:
            remaining = pacing.heard_at - time.monotonic()
            if remaining <= 0:
                return
            self._timing.clear()
            try:
                await asyncio.wait_for(self._timing.wait(), remaining)
            except asyncio.TimeoutError:
                return

    def _pause_allowed(self, turn: SpokenTurn) -> float:
        """A question that gives callers more time than the line's pacing (a
        description: `speech_timeout` 4 against 2) lets their answer pause that much
        longer: Twilio's end-of-turn detection cuts a description at a short pause."""
        own, line = turn.speech_timeout, self.settings.line.speech_timeout
        if not own or not own.isdigit():
            return 0.0
        return max(float(own) - (float(line) if line.isdigit() else 0.0), 0.0)

    async def _next_input(self) -> CallerInput | _Closed | _Moving | _Ending | None:
        """The caller's next words or keys; None when the caller stayed silent."""
        caller = await self._next_queued()
        if isinstance(caller, CallerInput) and caller.speech and self._more_seconds:
            return await self._rest_of(caller)
        return caller

    async def _rest_of(self, caller: CallerInput) -> CallerInput:
        """A free-text answer with what the caller said after a pause, as one answer.

        Twilio sends a description with a pause as two prompts; the second is awaited
        for the question's extra time (longer while Twilio reports the caller talking).
        """
        for _ in range(MAX_PARTS):
            try:
                more = await asyncio.wait_for(self._inputs.get(), self._more_seconds)
            except asyncio.TimeoutError:
                if self._pacing.caller_speaking:
                    continue
                return caller
            if not (isinstance(more, CallerInput) and more.speech):
                self._held = more
                return caller
            caller = CallerInput.of(f"{caller.speech} {more.speech}", "")
        return caller

    async def _next_queued(self) -> CallerInput | _Closed | _Moving | _Ending | None:
        if self._held is not None:
            held, self._held = self._held, None
            return held
        while True:
            if not self._inputs.empty():  # what the caller said is answered here first
                return self._inputs.get_nowait()
            if DRAIN.active:
                return MOVING
            deadline, due = self._pacing.deadline()
            self._timing.clear()
            getter = asyncio.ensure_future(self._inputs.get())
            timing = asyncio.ensure_future(self._timing.wait())
            timeout = max(deadline - time.monotonic(), 0)
            try:
                done, _ = await asyncio.wait(
                    {getter, timing}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
                )
            finally:  # also when the socket's task is cancelled as the socket closes
                timing.cancel()
                if not getter.done():
                    getter.cancel()
            if getter in done:
                return getter.result()
            if timing in done:
                continue
            if due == IDLE:
                return _Ending(IDLE, IDLE_GOODBYE)
            if due == TOO_LONG:
                return _Ending(TOO_LONG, TOO_LONG_GOODBYE)
            if not self._pacing.heard_confirmed:
                RELAY_SILENCE_ESTIMATED.inc()
            self._pacing.answered()  # the silence is the caller's answer
            return None

    async def _read(self) -> None:
        """Reads the socket for the whole session; inputs go to the queue."""
        try:
            while True:
                frame = await self.socket.recv()
                if frame is None:
                    continue
                try:
                    self._take(parse_message(frame))
                except BadMessage as bad:
                    RELAY_BAD_MESSAGES.inc()
                    logger.warning("call %s: skipped a frame: %s", self.call_sid, bad)
        except Exception:  # the socket closed, however it closed
            pass
        finally:
            self._inputs.put_nowait(CLOSED)

    def _take(self, message: Incoming) -> None:
        if isinstance(message, Prompt):
            self._prompt_parts.append(message.text)
            if message.last:
                said = " ".join(part.strip() for part in self._prompt_parts if part.strip())
                self._prompt_parts = []
                self._pacing.speaking(False)
                if said:
                    self._queue(CallerInput.of(said, ""))
        elif isinstance(message, Keypress):
            self._press(message.key)
        elif isinstance(message, Interrupted):
            RELAY_INTERRUPTIONS.inc()
            self._interruption = message
            self._pacing.heard()
        elif isinstance(message, Info):
            self._on_info(message)
        elif isinstance(message, TwilioError):
            RELAY_TWILIO_ERRORS.inc()
            logger.warning(
                "call %s: Twilio reports %s", self.call_sid, loggable(message.description)
            )
        else:
            logger.warning("call %s: a second setup message, ignored", self.call_sid)

    def _press(self, key: str) -> None:
        """A key answers at once, except in a menu of ten or more choices (ended by #)."""
        if len(self._buttons) <= 9 or key == "*":
            self._queue(CallerInput.of("", key))
        elif key == KEYS_END:
            keys, self._keys = self._keys, ""
            self._queue(CallerInput.of("", keys or KEYS_END))
        else:
            self._keys += key

    def _on_info(self, info: Info) -> None:
        speaking = info.value.lower() in ("on", "true", "started")
        if info.name == "agentSpeaking" and not speaking:
            self._pacing.heard()
        elif info.name == "clientSpeaking":
            self._pacing.speaking(speaking)
        self._timing.set()

    def _queue(self, caller: CallerInput) -> None:
        self._pacing.answered()
        self._inputs.put_nowait(caller)


def details_before_the_question(turn: SpokenTurn) -> str:
    """What a turn says before its closing question and menu: for a read-back, what it
    reads back ("I heard kim dot lee at example dot com." before "Is that right?")."""
    said = turn.sentences[:-1] if turn.buttons else turn.sentences
    return " ".join(sentences(" ".join(said).strip())[:-1])


def heard_in_full(heard: str, details: str) -> bool:
    """Whether what the caller heard before talking over the assistant holds all of the
    details, found by words wherever they are (Twilio reports the text it had played,
    from where it started); nothing placed is nothing heard."""
    wanted = _WORDS.findall(details.lower())
    return " ".join(wanted) in " ".join(_WORDS.findall(heard.lower()))


async def _closed_by_twilio(reader: asyncio.Future[None]) -> None:
    """Lets Twilio close the socket after `end` (the reader then stops by itself);
    stops reading only if it does not."""
    try:
        await asyncio.wait_for(asyncio.shield(reader), CLOSE_WAIT_SECONDS)
    except asyncio.TimeoutError:
        reader.cancel()
