"""Calls during an outage the desk already works on: named in the greeting, and a
caller whose problem sounds like it is offered to join it instead of a duplicate."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from actions.incidents.embedded import EmbeddedIncidentStore
from tests.support.databases import sqlite_database
from tests.support.running_stack import RunningStack
from tools.harness.load import scrape
from tools.phone.call import SimulatedCall

OUTAGE = "Email is down for everyone"
OFFER = (
    f"This sounds like a problem we already know about, {OUTAGE}. "
    "It's incident I N C, 0 0 1, 0 0 0 1. Shall I add you to it, so you hear when it's fixed? "
    "Say Yes or No, or press 1 or 2."
)


@pytest.fixture(scope="module")
def during_outage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """The assistant with one outage declared (`make outage`) before it starts."""
    state = Path(tmp_path_factory.mktemp("outage"))
    store = EmbeddedIncidentStore(sqlite_database(state / "incidents.db"))
    store.declare_major_incident(OUTAGE, "ops@example.com")
    running = RunningStack(state, services="actions,rasa")
    running.start()
    yield running
    running.stop()


def parents(stack: RunningStack, email: str) -> list[int | None]:
    with closing(sqlite3.connect(stack.environ["INCIDENT_DB_PATH"])) as connection:
        rows = connection.execute(
            "SELECT parent_id FROM incidents JOIN callers ON callers.id = incidents.caller_id"
            " WHERE callers.email = ?",
            (email,),
        ).fetchall()
    return [row[0] for row in rows]


def offers(stack: RunningStack, answer: str) -> float:
    return scrape(stack.action_metrics_port).get(
        ("helpdesk_outage_offers_total", (("answer", answer),)), 0.0
    )


def described(
    stack: RunningStack, problem: str, email_spoken: str, description: str
) -> tuple[SimulatedCall, str]:
    """A call that reports a problem up to its description, and what the caller hears next."""
    phone = stack.call()
    greeting = phone.start()
    assert greeting.text.startswith(
        "Hello, this is the I T help desk's automated assistant. We already know about this "
        f"problem, and it's being worked on, {OUTAGE}. I can open an incident for you"
    )
    phone.say(problem)
    phone.say_address(email_spoken)
    phone.press("2")
    return phone, phone.say(description).text


def test_a_caller_with_the_same_problem_joins_the_outage(during_outage: RunningStack) -> None:
    before = offers(during_outage, "joined")
    phone, heard = described(
        during_outage, "i have a problem with my email", "jo dot in at example dot com",
        "outlook shows no new mail since this morning",
    )  # fmt: skip
    assert heard == OFFER

    joined = phone.say("yes please")

    assert joined.said[0] == (
        f"Done. I've added you to incident I N C, 0 0 1, 0 0 0 1, {OUTAGE}. Your own incident "
        "number is I N C, 0 0 1, 0 0 0 2. You'll hear from us when it's fixed."
    )
    assert parents(during_outage, "jo.in@example.com") == [1]
    assert offers(during_outage, "joined") == before + 1


def test_a_caller_who_declines_gets_an_incident_of_their_own(during_outage: RunningStack) -> None:
    before = offers(during_outage, "declined")
    phone, heard = described(
        during_outage, "i have a problem with my email", "de dot cline at example dot com",
        "my email signature is wrong",
    )  # fmt: skip
    assert heard == OFFER

    confirm = phone.say("no")
    assert confirm.text.startswith("I'll open an incident called Problem with email")
    assert phone.say("yes").text.startswith("Done. Your incident number is")
    assert parents(during_outage, "de.cline@example.com") == [None]
    assert offers(during_outage, "declined") == before + 1


def test_a_different_problem_hears_no_offer(during_outage: RunningStack) -> None:
    _, heard = described(
        during_outage, "i can't reset my password", "pass dot word at example dot com",
        "the reset link has expired",
    )  # fmt: skip

    assert heard.startswith("I'll open an incident called Problem resetting password")
