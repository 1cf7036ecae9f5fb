"""The trained assistant, served by the real stack, holds whole conversations."""

from __future__ import annotations

import urllib.request

import pytest

from tests.support.running_stack import RunningStack


def test_the_server_answers(stack: RunningStack) -> None:
    with urllib.request.urlopen(f"{stack.url}/", timeout=5) as response:
        assert b"Hello from Rasa" in response.read()


def test_hi_gets_the_greeting(stack: RunningStack) -> None:
    [greeting] = stack.say("greeting-caller", "hi")
    assert greeting.startswith("Hello! I can help you open a service request ticket")


def test_an_incident_opened_by_voice_is_found_by_the_status_check(stack: RunningStack) -> None:
    caller = "incident-caller"
    assert stack.say(caller, "um i can't reset my password") == ["What is your email address?"]
    assert stack.say(caller, "it's abraham.lincoln@example.com") == [
        "What is the priority of this issue?"
    ]
    assert stack.say(caller, "high") == ["What is the problem description for the issue?"]
    [confirm] = stack.say(caller, "password stuck in a loop")
    assert "title: Problem resetting password" in confirm
    assert "priority: high" in confirm
    opened, anything_else = stack.say(caller, "yes")
    assert anything_else == "Is there anything else I can help with?"
    assert opened.startswith("Successfully opened up incident INC00100")
    number = opened.split()[4]

    assert stack.say(caller, "can i check the status of my tickets") == [
        "Would you like to use the last email address you used, abraham.lincoln@example.com?"
    ]
    status, _ = stack.say(caller, "yes please")
    assert status.startswith(f'Incident {number}: "Problem resetting password", opened on ')
    assert status.endswith("is currently awaiting triage.")


def test_refusing_the_previous_address_asks_for_another(stack: RunningStack) -> None:
    caller = "refusing-caller"
    stack.say(caller, "check my incidents")
    stack.say(caller, "it's jane.doe@example.com")
    assert stack.say(caller, "what's the status of my ticket") == [
        "Would you like to use the last email address you used, jane.doe@example.com?"
    ]
    assert stack.say(caller, "no") == ["What is your email address?"]
    assert stack.say(caller, "it's sam@example.com") == [
        "I couldn't find any incidents for sam@example.com.",
        "Is there anything else I can help with?",
    ]


def test_caller_addresses_stay_out_of_the_logs(stack: RunningStack) -> None:
    stack.say("privacy-caller", "check my incidents")
    stack.say("privacy-caller", "my email is private.person@example.com")
    assert not any("private.person@example.com" in line for line in stack.output)


def test_a_conversation_survives_a_restart(stack: RunningStack) -> None:
    caller = "restarted-caller"
    assert stack.say(caller, "open a ticket") == ["What is your email address?"]
    stack.stop()
    stack.start()
    assert stack.say(caller, "it's pat@example.com") == ["What is the priority of this issue?"]


@pytest.mark.parametrize("text", ["", "   "])
def test_blank_text_on_the_rest_channel_is_answered(stack: RunningStack, text: str) -> None:
    assert stack.say(f"blank-{len(text)}", text) == [
        "Sorry, I didn't get that. Could you rephrase?"
    ]
