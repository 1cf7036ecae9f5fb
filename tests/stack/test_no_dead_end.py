"""Whole calls where answers never come through: every caller still leaves with an
incident number (the desk calls back), never a goodbye; with a person at the desk, the
incident is still filed and the person offered."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from actions.incidents import Caller, Incident
from actions.incidents.embedded import EmbeddedIncidentStore
from tests.support.databases import sqlite_database
from tests.support.running_stack import RunningStack
from tools.phone.call import SimulatedCall

ASK_PRIORITY = "How urgent is this? Say low, medium, or high, or press 1, 2, or 3."
NOT_CAUGHT = "Sorry, I didn't catch that. Could you say it another way?"
UNCONFIRMED = (
    "I'm sorry, I couldn't get your email address right. I'll note it as I heard it, with "
    "the number you're calling from, and someone from the help desk will confirm it with you."
)


@pytest.fixture(scope="module")
def no_person(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """The default stack with no transfer number: nobody to hand a caller to."""
    running = RunningStack(tmp_path_factory.mktemp("no-person"), HANDOFF_PHONE_NUMBER="")
    running.start()
    yield running
    running.stop()


def calling(stack: RunningStack, number: str, request: str) -> SimulatedCall:
    phone = stack.call(caller=number)
    phone.start()
    phone.say(request)
    return phone


def incidents_of_no_one(state: Path) -> list[Incident]:
    """The embedded store's incidents for callers whose address was not confirmed."""
    store = EmbeddedIncidentStore(sqlite_database(state / "incidents.db"))
    no_one = store.find_caller_by_email("")
    assert no_one is not None
    return store.list_incidents(Caller(sys_id=no_one.sys_id, email=""))


def test_an_address_never_understood_still_ends_in_an_incident(no_person: RunningStack) -> None:
    phone = calling(no_person, "+15005550123", "i want to open an incident")
    for _ in range(3):
        heard = phone.say("drhm lync com")  # nothing the line can read as an address
        assert heard.text.startswith(NOT_CAUGHT) and "Goodbye" not in heard.text
    assert phone.say("drhm lync com").text.endswith(f"{UNCONFIRMED} {ASK_PRIORITY}")
    phone.say("high")
    phone.say("my laptop will not start")
    read_back = phone.say("laptop will not start").text
    assert "for the number you're calling from" in read_back and "unconfirmed" not in read_back
    opened = phone.say("yes").text
    assert opened.startswith("Done. Your incident number is I N C")
    [incident] = [i for i in incidents_of_no_one(no_person.state_dir) if "laptop" in i.title]
    assert "Email address not confirmed by phone. The line could not make out any address" in (
        incident.description
    )
    assert "Reported by phone from +15005550123 (caller ID not attested)" in incident.description


def test_an_address_refused_again_and_again_is_noted_as_heard(no_person: RunningStack) -> None:
    phone = calling(no_person, "+15005550124", "my email is broken")
    for _ in range(4):
        assert phone.say("bob at x dot com").text.startswith("I heard")
        phone.say("no")
        phone.say("no")  # the part before the at
        last = phone.say("no")  # the domain
    assert last.text == f"{UNCONFIRMED} {ASK_PRIORITY}"
    phone.say("low")
    assert "for the number you're calling from" in phone.say("outlook shows no new mail").text
    assert phone.say("yes").text.startswith("Done. Your incident number is I N C")
    [incident] = [i for i in incidents_of_no_one(no_person.state_dir) if i.priority == "low"]
    assert "The line heard bob@x.com, which the caller did not confirm" in incident.description


def test_a_status_check_without_an_address_gets_a_call_back(no_person: RunningStack) -> None:
    phone = calling(no_person, "+15005550125", "what's the status of my tickets")
    for _ in range(4):
        last = phone.say("drhm lync com")
    assert f"{UNCONFIRMED} Without your address I can't read out your incidents" in last.text
    assert "call you back. Your request is incident I N C" in last.text and not last.ended
    titles = [i.title for i in incidents_of_no_one(no_person.state_dir)]
    assert "Call back about incident status" in titles


def test_a_priority_never_understood_becomes_medium(no_person: RunningStack) -> None:
    phone = calling(no_person, "+15005550126", "open an incident")
    phone.say_address("kim at example dot com")
    assert phone.say("purple").text == f"{NOT_CAUGHT} {ASK_PRIORITY}"
    with_way_out = (
        f"{NOT_CAUGHT} How urgent is this? If this isn't working, you can say cancel to stop. "
        "Say low, medium, or high, or press 1, 2, or 3."
    )
    assert [phone.say("purple").text for _ in range(2)] == [with_way_out, with_way_out]
    assert phone.say("purple").text.endswith(
        "I'll set the priority to medium for now. The help desk can change it. "
        "Please describe the problem in a sentence or two."
    )


def test_with_a_person_at_the_desk_an_address_heard_wrong_still_files_and_offers_them(
    stack: RunningStack,
) -> None:
    phone = calling(stack, "+15005550126", "my email is broken")
    for _ in range(4):
        phone.say("bob at x dot com")
        phone.say("no")
        phone.say("no")  # the part before the at
        last = phone.say("no")  # the domain
    person = "If you'd rather talk to a colleague, say person at any time."
    assert last.text == f"{UNCONFIRMED} {person} {ASK_PRIORITY}" and last.dialed is None
    phone.say("low")
    phone.say("outlook shows no new mail")
    assert phone.say("yes").text.startswith("Done. Your incident number is I N C")


def test_a_read_back_answered_with_neither_yes_nor_no_is_asked_again_then_given_up(
    stack: RunningStack,
) -> None:
    """A read-back whose answers are never yes, no or a new address is not asked for
    ever: after four, the address is noted as heard, as for any question."""
    phone = calling(stack, "+15005550127", "my email is broken")
    read_back = phone.say("bob at x dot com").text
    assert read_back.startswith("I heard bob at x dot com. Is that right?")
    for _ in range(3):
        heard = phone.say("the weather is nice").text
        assert heard.count("Sorry") == 1 and "I heard bob at x dot com. Is that right?" in heard
    person = "If you'd rather talk to a colleague, say person at any time."
    assert phone.say("the weather is nice").text.endswith(f"{UNCONFIRMED} {person} {ASK_PRIORITY}")
