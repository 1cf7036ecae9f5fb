"""The real voice channel mounted in a Sanic app, served from a thread on a free port."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from channels.twilio_voice import TwilioVoiceInput
from tools.phone.call import SimulatedCall
from tools.runner.loop_thread import LoopThread
from tools.runner.processes import free_port

MessageHandler = Callable[[UserMessage], Awaitable[Any]]
TOKEN = "unit-test-token"
PUBLIC_URL = "https://voice.example.com"
CALLER = "+15005550006"


class VoiceServer:
    """Serves `TwilioVoiceInput` with a real agent and a replaceable message handler."""

    def __init__(self, channel: TwilioVoiceInput, agent: Agent) -> None:
        self.channel = channel
        self.agent = agent
        self.port = free_port()
        self.handler: MessageHandler | None = None
        self.app = Sanic(f"voice_test_{uuid.uuid4().hex}")
        self.line: LoopThread | None = None
        self._server: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def on_new_message(self, message: UserMessage) -> Any:
        """The test's handler when one is set, else the agent, as `rasa run` does."""
        if self.handler is not None:
            return await self.handler(message)
        return await self.agent.handle_message(message)

    def start(self) -> None:
        self.line = LoopThread("voice-test-server")
        self._server = self.line.run(self._serve(), timeout=30)

    def stop(self) -> None:
        if self.line is not None:
            self.line.run(self._close(), timeout=10)
            self.line.close()

    async def _close(self) -> None:
        await self._server.close()  # Sanic's server returns a task to await, not a coroutine

    async def _serve(self) -> Any:
        app = self.app
        app.ctx.agent = self.agent
        app.blueprint(
            self.channel.blueprint(self.on_new_message), url_prefix="/webhooks/twilio_voice"
        )
        server = await app.create_server(
            host="127.0.0.1", port=self.port, return_asyncio_server=True, access_log=False
        )
        assert server is not None
        await server.startup()
        return server


def call(server: VoiceServer) -> SimulatedCall:
    """A new call to the server, signed for the public URL, as Twilio places it."""
    return SimulatedCall(server.url, TOKEN, public_url=PUBLIC_URL, caller=CALLER)


def recorded(server: VoiceServer, *replies: dict[str, Any]) -> list[UserMessage]:
    """Makes the server answer every message with these replies; returns what it received."""
    received: list[UserMessage] = []

    async def handler(message: UserMessage) -> None:
        received.append(message)
        for reply in replies:
            await message.output_channel.send_response(message.sender_id, reply)

    server.handler = handler
    return received


def run_in_server(server: VoiceServer, coroutine: Any) -> Any:
    """Runs a coroutine on the server's event loop, where its agent lives."""
    assert server.line is not None, "the server is not started"
    return server.line.run(coroutine, timeout=10)
