"""The README's connected-mode conversation, with actions on the ServiceNow test server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.running_stack import RunningStack
from tools.fakes.servicenow_server import PASSWORD, USER, ServiceNowTestServer, running_servicenow


@pytest.fixture(scope="module")
def connected(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[RunningStack, ServiceNowTestServer]]:
    with running_servicenow() as servicenow:
        stack = RunningStack(
            tmp_path_factory.mktemp("connected"),
            SERVICENOW_INSTANCE_URL=servicenow.url,
            SERVICENOW_USER=USER,
            SERVICENOW_PASSWORD=PASSWORD,
        )
        stack.start()
        yield stack, servicenow
        stack.stop()


def test_the_connected_mode_conversation(
    connected: tuple[RunningStack, ServiceNowTestServer],
) -> None:
    stack, servicenow = connected
    caller = "connected-caller"
    assert stack.say(caller, "help me reset my password") == ["What is your email address?"]
    assert stack.say(caller, "idontexist@example.com") == [
        'Sorry, "idontexist@example.com" isn\'t in our incident management system.'
        " Please try again.",
        "What is your email address?",
    ]
    assert stack.say(caller, "abraham.lincoln@example.com") == [
        "What is the priority of this issue?"
    ]
    assert stack.say(caller, '/inform{"priority":"high"}') == [
        "What is the problem description for the issue?"
    ]
    [confirm] = stack.say(caller, "Password stuck in a loop")
    assert "priority: high" in confirm
    assert stack.say(caller, "/affirm") == [
        "Successfully opened up incident INC0010003 for you. Someone will reach out soon.",
        "Is there anything else I can help with?",
    ]
    assert stack.say(caller, "Can I check the status of my tickets?") == [
        "Would you like to use the last email address you used, abraham.lincoln@example.com?"
    ]
    newest, oldest, anything_else = stack.say(caller, "Yes please")
    assert anything_else == "Is there anything else I can help with?"
    assert newest.startswith('Incident INC0010003: "Problem resetting password", opened on ')
    assert newest.endswith("is currently awaiting triage.")
    assert oldest == (
        'Incident INC0010001: "Email Log in problem", opened on May 21, 2020,'
        " is currently in progress."
    )
    [row] = servicenow.tables.query("incident", "number=INC0010003")
    assert (row["urgency"], row["impact"]) == ("1", "2")


def test_a_caller_known_by_number_is_offered_their_address(
    connected: tuple[RunningStack, ServiceNowTestServer],
) -> None:
    stack, _ = connected
    phone = stack.call(caller="+15005550007")
    phone.start()
    assert phone.say("check my incidents").text == (
        "This number belongs to jane dot doe at example dot com. Is that your email address?"
        " Say Yes or No, or press 1 or 2."
    )
