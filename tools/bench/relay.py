"""The streaming line under load, for `make bench`: server time from the caller's final
`prompt` to the first `text` token and to the turn's `last` token.

Sessions speak to the socket as Twilio does (signed upgrade, `setup`, `prompt`s,
`agentSpeaking` off after each turn) on one event loop, so that 200 open sessions
cost the bench little. Twilio's own share (recognition, end of turn, speech) cannot be
measured here and is not guessed.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from dataclasses import dataclass, field
from typing import Any

import websockets
from twilio.request_validator import RequestValidator

from tools.harness.load import percentile
from tools.phone.twilio_params import CallLine

SOCKET_PATH = "/webhooks/conversation_relay/websocket"
READ_BACK = "Is that right?"
TURN_SECONDS = 60.0


@dataclass
class RelayLoad:
    sessions: int
    first: list[float] = field(default_factory=list)
    last: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def describe(self, values: list[float]) -> str:
        if not values:
            return "no turns"
        p50, p95 = statistics.median(values), percentile(values, 0.95)
        return f"p50 {p50 * 1000:5.0f} p95 {p95 * 1000:6.0f} ms"


class RelaySession:
    """One streaming call, timed turn by turn."""

    def __init__(self, url: str, token: str, caller: str, load: RelayLoad) -> None:
        self.url = url
        self.signature = RequestValidator(token).compute_signature(url, {})
        self.line = CallLine(caller=caller)
        self.load = load
        self.socket: Any = None

    async def open(self) -> str:
        """Connects and hears the greeting (not timed: no prompt precedes it)."""
        self.socket = await websockets.connect(  # type: ignore[attr-defined]
            self.url, extra_headers={"X-Twilio-Signature": self.signature}
        )
        setup = self.line.relay_setup("VX" + self.line.call_sid[2:], {"From": self.line.caller})
        await self.socket.send(json.dumps(setup))
        return await self._hear(None)

    async def say(self, words: str) -> str:
        prompt = {"type": "prompt", "voicePrompt": words, "lang": "en-US", "last": True}
        await self.socket.send(json.dumps(prompt))
        return await self._hear(time.monotonic())

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()

    async def _hear(self, prompted: float | None) -> str:
        said: list[str] = []
        while True:
            frame = json.loads(await asyncio.wait_for(self.socket.recv(), TURN_SECONDS))
            if frame.get("type") == "end":
                return " ".join(said)
            if frame.get("type") != "text":
                continue
            if prompted is not None and len(said) == 0:
                self.load.first.append(time.monotonic() - prompted)
            said.append(str(frame.get("token", "")))
            if frame.get("last"):
                if prompted is not None:
                    self.load.last.append(time.monotonic() - prompted)
                played = {"type": "info", "name": "agentSpeaking", "value": "off"}
                await self.socket.send(json.dumps(played))
                return " ".join(said)


async def place_relay_calls(
    server_url: str, token: str, sessions: int, calls_each: int, script: tuple[str, ...]
) -> RelayLoad:
    """`sessions` streaming callers at once, each placing `calls_each` scripted calls."""
    load = RelayLoad(sessions)
    url = server_url.replace("http://", "ws://") + SOCKET_PATH

    async def caller(number: int) -> None:
        for n in range(calls_each):
            session = RelaySession(url, token, f"+1501{number:03d}{n:04d}", load)
            try:
                await session.open()
                for words in script:
                    heard = await session.say(words)
                    if READ_BACK in heard:
                        await session.say("yes")
            except Exception as error:  # counted and reported
                load.errors.append(f"{type(error).__name__}: {error}"[:200])
            finally:
                await session.close()

    await asyncio.gather(*(caller(number) for number in range(sessions)))
    return load


async def held_open(server_url: str, token: str, sessions: int) -> list[RelaySession]:
    """`sessions` calls greeted and left open, to weigh what an open session costs."""
    url = server_url.replace("http://", "ws://") + SOCKET_PATH
    load = RelayLoad(sessions)
    opened = [RelaySession(url, token, f"+1502{n:07d}", load) for n in range(sessions)]
    await asyncio.gather(*(session.open() for session in opened))
    return opened
