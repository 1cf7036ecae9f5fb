"""A streaming phone call: acts as Twilio's ConversationRelay towards a running assistant.

Like Twilio, it posts the signed voice webhook, opens the `wss://` socket the TwiML
names with the upgrade signed, sends `setup` with every documented field, then the
caller's `prompt`s (one per utterance, `last: true`) and `dtmf` keys one digit at a
time, and tells the assistant when its speech has been played (`agentSpeaking` off).
When a session ends it posts the `<Connect action>` callback and follows the TwiML:
a new session, a transfer, a recording, the `<Gather>` line, or a hang-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import websockets
from twilio.request_validator import RequestValidator
from websockets.legacy.client import WebSocketClientProtocol

from tools.phone.call import CallEnded, SimulatedCall
from tools.phone.twiml import Heard
from tools.runner.loop_thread import LoopThread

RELAY_WEBHOOK_PATH = "/webhooks/conversation_relay/webhook"
RELAY_STATUS_PATH = "/webhooks/conversation_relay/status"
# Twilio's codes when the application closes the socket mid-call, or cannot be reached.
SOCKET_ENDED, NO_SOCKET = "64105", "64102"
# How long the phone line stays open after a turn for the assistant's `end`: the
# assistant ends a session only after the caller heard the turn out.
END_GRACE_SECONDS = 0.3
# Longest a turn may take before the simulated Twilio gives up on it.
TURN_SECONDS = 30.0
# How long the line listens for what came in while the caller was quiet.
PENDING_SECONDS = 0.02
# Where a session's caller answers: on the socket, not at a URL.
SOCKET = "socket"


class RelayCall(SimulatedCall):
    """One streaming call to the assistant's ConversationRelay channel.

    Speaks the same language as `SimulatedCall` (start, say, press, stay_silent,
    leave_message, hang_up), so that one description of a call runs on both lines.
    """

    def __init__(self, server_url: str, auth_token: str, **options: Any) -> None:
        # A failed webhook is the test's failure, not a detour through a Fallback URL.
        super().__init__(server_url, auth_token, **{"fallback_path": None, **options})
        self._signer = RequestValidator(auth_token)
        # Runs for the whole call, so that the socket answers pings between turns.
        self._line = LoopThread("simulated-line")
        self._socket: WebSocketClientProtocol | None = None
        self._session_id = ""
        self._action_url = ""
        # The session's recognition settings, as the TwiML gave them to Twilio.
        self._hints, self._language = "", ""
        # The handoffData of an `end` that came while the caller was quiet.
        self._handoff = ""
        self._on_gather = False
        # Frames the assistant sent, as JSON objects, in order (for tests to inspect).
        self.frames: list[dict[str, Any]] = []

    def start(self) -> Heard:
        return self._follow(RELAY_WEBHOOK_PATH, self.line.incoming())

    def say(self, speech: str, confidence: float = 0.92) -> Heard:
        if self._on_gather:
            return super().say(speech, confidence)
        return self._turn(
            [{"type": "prompt", "voicePrompt": speech, "lang": "en-US", "last": True}]
        )

    @property
    def listening_on_socket(self) -> bool:
        """Whether the call is in a streaming session (not moved to `<Gather>`)."""
        return self._socket is not None and not self._on_gather

    def start_speaking(self) -> None:
        """The caller starts to talk: Twilio's speaker event (`clientSpeaking` on), which
        holds the assistant's silence timer until their prompt arrives."""
        if self._socket is not None and self.listening_on_socket:
            speaking = {"type": "info", "name": "clientSpeaking", "value": "on"}
            self._line.run(self._socket.send(json.dumps(speaking)))

    def send_as_is(self, frames: list[str | bytes]) -> None:
        """Sends frames unchecked on the open socket: what a broken or hostile peer sends."""
        assert self._socket is not None
        for frame in frames:
            self._line.run(self._socket.send(frame))

    def drop_connection(self) -> None:
        """The network drops the socket's connection, with no closing handshake: Twilio
        learns of it at its next frame."""
        assert self._socket is not None
        self._line.run(_aborted(self._socket))

    def press(self, digits: str) -> Heard:
        if self._on_gather:
            return super().press(digits)
        return self._turn([{"type": "dtmf", "digit": digit} for digit in digits])

    def talk_over(self, heard_characters: int, speech: str, confidence: float = 0.92) -> Heard:
        if not self.listening_on_socket:
            return super().talk_over(heard_characters, speech, confidence)
        return self.interrupt(heard_characters, speech)

    def interrupt(self, heard_characters: int, speech: str) -> Heard:
        """The caller talks over the assistant after hearing this much of its last turn."""
        stop = {
            "type": "interrupt",
            "utteranceUntilInterrupt": self.last.text[:heard_characters],
            "durationUntilInterruptMs": str(heard_characters * 70),
        }
        self.interruptions += 1
        prompt = {"type": "prompt", "voicePrompt": speech, "lang": "en-US", "last": True}
        return self._turn([stop, prompt])

    def stay_silent(self) -> Heard:
        """The caller says nothing: Twilio sends nothing, and the assistant speaks first
        (after a `<Record>` that heard nothing, Twilio goes on to the `<Redirect>`)."""
        if self._on_gather or (self._socket is None and self.last.record_url is not None):
            return super().stay_silent()
        return self._turn([])

    def hang_up(self) -> int:
        if not self._line.closed:
            self._finish()
        return self.post(RELAY_STATUS_PATH, self.line.status_callback("completed", 42)).status_code

    def lose_socket(self) -> Heard:
        """The socket dies (the server restarted): Twilio reports the session failed
        (64105) to the action URL and follows the answer."""
        self._close()
        fields = self.line.relay_ended(self._session_id, "failed", error=SOCKET_ENDED)
        return self._settle(self._fetch(self._action_url, fields))

    def _follow(self, url: str, fields: dict[str, str]) -> Heard:
        return self._settle(self._fetch(url, fields))

    def _turn(self, messages: list[dict[str, Any]]) -> Heard:
        if self._socket is None:
            raise CallEnded("the assistant is not listening")
        try:
            if self._line.run(self._ended_meanwhile()).hung_up:
                # The assistant ended the session while the caller was quiet (its server
                # stopping): Twilio follows the action URL to a new session first.
                ended = Heard(hung_up=True, relay_action=self._action_url, whisper=self._handoff)
                self._settle(ended)
            heard = self._line.run(self._exchange(messages))
        except websockets.ConnectionClosed:  # type: ignore[attr-defined]
            # Closed without an `end` (a crash, a dropped connection): the session failed,
            # and what the caller said in it is lost, as on Twilio's line.
            return self.lose_socket()
        return self._settle(heard)

    async def _ended_meanwhile(self) -> Heard:
        """Whether an `end` came in since the last turn (read from the socket briefly)."""
        frame = await self._receive(PENDING_SECONDS)
        if frame is not None and frame.get("type") != "end":
            raise AssertionError(f"the assistant spoke out of turn: {frame}")
        self._handoff = str(frame.get("handoffData") or "") if frame else ""
        return Heard(hung_up=frame is not None)

    def _settle(self, heard: Heard) -> Heard:
        """Goes on as Twilio does until the caller is asked something or the call ends:
        sessions are opened and ended, transfers dialled, redirects followed."""
        said: list[str] = []
        transfer: Heard | None = None
        while True:
            said += heard.said
            if heard.relay_url is not None:
                self._action_url = heard.relay_action or ""
                try:
                    heard = self._line.run(self._open(heard))
                except (OSError, websockets.InvalidStatusCode):  # type: ignore[attr-defined]
                    # Twilio could not open the socket (64102): the session failed.
                    self._socket = None
                    fields = self.line.relay_ended(self._session_id, "failed", error=NO_SOCKET)
                    heard = self._fetch(self._action_url, fields)
            elif heard.relay_action is not None and heard.hung_up:
                # The assistant ended the session: Twilio asks the action URL what next.
                self._close()
                fields = self.line.relay_ended(self._session_id, "ended", heard.whisper)
                heard = self._fetch(self._action_url, fields)
            elif heard.dialed is not None and heard.dial_url:
                transfer = heard
                if heard.whisper_url and self.transfer_outcome == "completed":
                    whisper = self._fetch(heard.whisper_url, self.line.whisper(heard.dialed))
                    transfer.whisper = whisper.text
                heard = self._fetch(heard.dial_url, self.line.dial_ended(self.transfer_outcome, 30))
            elif heard.answer_url is None and heard.silence_url and heard.record_url is None:
                heard = self._fetch(heard.silence_url, self.line.redirected())
            else:
                break
        if transfer is not None:
            heard.dialed, heard.whisper = transfer.dialed, transfer.whisper
            heard.dial_attributes = transfer.dial_attributes
        self._on_gather = heard.answer_url not in (None, SOCKET)
        if heard.ended:
            self._finish()
        heard.said = said
        self.last = heard
        self.transcript.append(heard.text)
        return heard

    async def _open(self, heard: Heard) -> Heard:
        assert heard.relay_url is not None
        self._hints = heard.relay_attributes.get("hints", "")
        self._language = heard.relay_attributes.get("language", "")
        signature = self._signer.compute_signature(heard.relay_url, {})
        self._socket = await websockets.connect(  # type: ignore[attr-defined]
            self._reachable(heard.relay_url),
            extra_headers={"X-Twilio-Signature": signature},
            max_size=2**20,
            # It answers the server's pings; pings of its own Twilio does not document.
            ping_interval=None,
        )
        self._session_id = "VX" + uuid.uuid4().hex
        return await self._exchange(
            [self.line.relay_setup(self._session_id, heard.relay_parameters)]
        )

    def _reachable(self, relay_url: str) -> str:
        """The socket URL on the server this call reaches (the public one may be a proxy's)."""
        public, server = urlsplit(relay_url), urlsplit(self.server_url)
        scheme = "wss" if server.scheme == "https" else "ws"
        return urlunsplit((scheme, server.netloc, public.path, public.query, ""))

    async def _exchange(self, messages: list[dict[str, Any]]) -> Heard:
        """Sends the caller's messages and hears the assistant's turn to its `last` token,
        plays it (agentSpeaking off) and gives the assistant a moment to end the session.

        A turn heard to its end listens on the socket (`answer_url` is `SOCKET`); a
        session the assistant ended is `hung_up` with the `end`'s handoffData in
        `whisper`, until the action callback says what follows.
        """
        assert self._socket is not None
        for message in messages:
            await self._socket.send(json.dumps(message))
        heard = Heard(
            answer_url=SOCKET,
            relay_action=self._action_url,
            hints=self._hints,
            language=self._language,
        )
        while True:
            frame = await self._receive(TURN_SECONDS)
            if frame is None:
                raise CallEnded(f"the assistant said nothing in {TURN_SECONDS:.0f} s")
            if frame.get("type") == "end":
                return _ended(heard, frame)
            if frame.get("type") == "text":
                if frame.get("token"):
                    heard.said.append(str(frame["token"]))
                if frame.get("last"):
                    break
        played = {"type": "info", "name": "agentSpeaking", "value": "off"}
        await self._socket.send(json.dumps(played))
        frame = await self._receive(END_GRACE_SECONDS)
        if frame is not None and frame.get("type") == "end":
            return _ended(heard, frame)
        if frame is not None:
            raise AssertionError(f"the assistant spoke out of turn: {frame}")
        return heard

    async def _receive(self, timeout: float) -> dict[str, Any] | None:
        """The assistant's next frame, or None when it sent none in `timeout` seconds;
        raises `ConnectionClosed` when the socket has closed."""
        assert self._socket is not None
        try:
            raw = await asyncio.wait_for(self._socket.recv(), timeout)
        except asyncio.TimeoutError:
            return None
        frame = json.loads(raw)
        self.frames.append(frame)
        return frame if isinstance(frame, dict) else None

    def _close(self) -> None:
        if self._socket is not None:
            # The server side may be gone already (killed, restarted).
            with contextlib.suppress(websockets.ConnectionClosed):  # type: ignore[attr-defined]
                self._line.run(self._socket.close())
            self._socket = None

    def _finish(self) -> None:
        """The call is over: its socket closed and its event loop with it."""
        self._close()
        self._line.close()


async def _aborted(socket: WebSocketClientProtocol) -> None:
    """Its connection cut on the loop that owns it (a transport is not thread-safe)."""
    socket.transport.abort()


def _ended(heard: Heard, frame: dict[str, Any]) -> Heard:
    heard.answer_url = None
    heard.hung_up = True
    heard.whisper = str(frame.get("handoffData") or "")
    return heard
