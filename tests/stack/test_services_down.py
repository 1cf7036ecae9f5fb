"""A call through outages: the action server stops mid-form, Duckling is down throughout.

The Rasa server runs alone (`tools.runner.stack --services rasa`); this module starts and
stops the real action server itself, and no Duckling answers at its URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.running_stack import ActionServer, RunningStack
from tools.runner.processes import free_port

ASK_EMAIL = "What is your email address?"
ASK_PRIORITY = "How urgent is this? Say low, medium, or high, or press 1, 2, or 3."


@pytest.fixture(scope="module")
def actions() -> Iterator[ActionServer]:
    server = ActionServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def rasa_alone(
    tmp_path_factory: pytest.TempPathFactory, actions: ActionServer
) -> Iterator[RunningStack]:
    running = RunningStack(
        Path(tmp_path_factory.mktemp("outages")),
        services="rasa",
        ACTION_ENDPOINT_URL=actions.url,
        RASA_DUCKLING_HTTP_URL=f"http://127.0.0.1:{free_port()}",
    )
    running.start()
    yield running
    running.stop()


def test_the_action_server_stops_mid_form_and_the_call_goes_on(
    rasa_alone: RunningStack, actions: ActionServer
) -> None:
    phone = rasa_alone.call()
    phone.start()
    assert phone.say("i want to open an incident").text == ASK_EMAIL
    actions.stop()
    try:
        heard = phone.say("kim dot lee at example dot com")
    finally:
        actions.start()
    assert heard.text == f"Sorry, I had a problem with that. {ASK_EMAIL}"
    assert heard.answer_url is not None
    # Duckling has been down all along: the spelled address is understood without it.
    assert phone.say_address("kim dot lee at example dot com").text == ASK_PRIORITY


def test_without_the_action_server_a_new_call_still_hears_the_greeting(
    rasa_alone: RunningStack, actions: ActionServer
) -> None:
    actions.stop()
    try:
        greeting = rasa_alone.call().start()
    finally:
        actions.start()
    assert greeting.text.startswith("Hello, this is the I T help desk's automated assistant.")
    assert greeting.answer_url is not None
