"""The voice channel served over real HTTP with the trained agent, once per session.

Once, not per module: Sanic 21.12 cannot start a second app in a process after the
first one stopped (its HTTP touch-ups are global).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rasa.core.agent import Agent

from channels.settings import VoiceSettings
from channels.twilio_voice import TwilioVoiceInput
from tests.support.voice_server import PUBLIC_URL, TOKEN, VoiceServer


@pytest.fixture(scope="session")
def server(trained_agent: Agent) -> Iterator[VoiceServer]:
    settings = VoiceSettings(auth_token=TOKEN, public_url=PUBLIC_URL, hints=("outlook",))
    voice = VoiceServer(TwilioVoiceInput(settings), trained_agent)
    voice.start()
    yield voice
    voice.stop()


@pytest.fixture
def voice(server: VoiceServer) -> Iterator[VoiceServer]:
    """The module's server; a test's handler and settings are undone after it."""
    settings = server.channel.settings
    yield server
    server.handler = None
    server.channel.settings = settings
