"""Opening incidents and speaking their status, against the embedded store."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.incident_actions import ActionOpenIncident
from actions.incident_status import ActionCheckIncidentStatus, spoken_date
from actions.incidents.embedded import EmbeddedIncidentStore
from actions.incidents.outbox import Outbox
from actions.incidents.reliable import ReliableServiceNow
from actions.incidents.servicenow import ServiceNowIncidents
from tests.actions.conftest import make_tracker, responses
from tests.conftest import servicenow_config
from tests.support.databases import sqlite_database
from tools.fakes.servicenow_server import ServiceNowTestServer

CONFIRMED = {
    "email": "abraham.lincoln@example.com",
    "previous_email": "abraham.lincoln@example.com",
    "priority": "high",
    "problem_description": "Password stuck in a loop",
    "incident_title": "Problem resetting password",
    "confirm": True,
}
FORM_SLOTS_CLEARED = [
    SlotSet(slot, None)
    for slot in (
        "email",
        "priority",
        "problem_description",
        "incident_title",
        "join_outage",
        "outage_number",
        "confirm",
    )
]


async def test_a_confirmed_incident_is_stored_and_its_number_spoken(
    store: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    events = await ActionOpenIncident(store).run(dispatcher, make_tracker(CONFIRMED), domain)

    assert dispatcher.messages[0]["response"] == "utter_incident_opened"
    assert dispatcher.messages[0]["incident_number"] == "INC0010001"
    caller = store.find_caller_by_email("abraham.lincoln@example.com")
    assert caller is not None
    [incident] = store.list_incidents(caller)
    assert (incident.title, incident.description, incident.priority) == (
        "Problem resetting password",
        "Password stuck in a loop",
        "high",
    )
    # The form's answers go; the number stays for a person the call may reach next.
    assert events == [*FORM_SLOTS_CLEARED, SlotSet("opened_incident", "INC0010001")]


async def test_a_refused_confirmation_opens_nothing(
    store: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    tracker = make_tracker({**CONFIRMED, "confirm": False}, intent="deny")
    events = await ActionOpenIncident(store).run(dispatcher, tracker, domain)

    assert responses(dispatcher) == ["utter_incident_creation_canceled"]
    caller = store.find_caller_by_email("abraham.lincoln@example.com")
    assert caller is not None and store.list_incidents(caller) == []
    assert events == FORM_SLOTS_CLEARED


@pytest.mark.parametrize("still_open", [True, False])
async def test_a_caller_who_joins_an_outage_gets_a_child_incident_while_it_is_open(
    store: EmbeddedIncidentStore,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    still_open: bool,
    tmp_path: Path,
) -> None:
    outage = store.declare_major_incident("Password resets fail", "ops@example.com")
    if not still_open:
        store.end_major_incident(outage.number)
    joined = {**CONFIRMED, "join_outage": True, "outage_number": outage.number}

    events = await ActionOpenIncident(store).run(dispatcher, make_tracker(joined), domain)

    opened = "INC0010002"
    if still_open:
        assert dispatcher.messages[0]["response"] == "utter_outage_joined"
        assert dispatcher.messages[0]["outage_number"] == outage.number
    else:
        assert responses(dispatcher) == ["utter_incident_opened"]
    assert dispatcher.messages[0]["incident_number"] == opened
    with closing(sqlite3.connect(tmp_path / "incidents.db")) as connection:
        [(parent,)] = connection.execute("SELECT parent_id FROM incidents WHERE id = 2").fetchall()
    assert parent == (int(outage.sys_id) if still_open else None)
    assert events == [*FORM_SLOTS_CLEARED, SlotSet("opened_incident", opened)]


async def test_a_caller_without_incidents_hears_so(
    store: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    tracker = make_tracker({"email": "new.caller@example.com"})
    events = await ActionCheckIncidentStatus(store).run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_no_incidents"]
    assert events == [SlotSet("email", None)]


async def test_status_speaks_the_three_newest_and_counts_the_rest(
    store: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    caller = store.find_caller_by_email("abraham.lincoln@example.com")
    assert caller is not None
    for n in range(1, 6):
        store.create_incident(caller, f"problem {n}", "details", "low")

    tracker = make_tracker({"email": "abraham.lincoln@example.com"})
    await ActionCheckIncidentStatus(store).run(dispatcher, tracker, domain)

    assert responses(dispatcher) == ["utter_incident_status"] * 3 + ["utter_more_incidents"]
    spoken = dispatcher.messages
    assert [message["incident_number"] for message in spoken[:3]] == [
        "INC0010005",
        "INC0010004",
        "INC0010003",
    ]
    assert spoken[0]["incident_title"] == "problem 5"
    assert spoken[0]["incident_state"] == "awaiting triage"
    assert spoken[3]["count"] == 2


def test_dates_are_spoken_as_month_day_and_year() -> None:
    assert spoken_date(datetime(2020, 5, 21, 9, 57, 6, tzinfo=timezone.utc)) == "May 21, 2020"


async def test_during_an_outage_the_caller_hears_it_is_recorded_and_later_pending(
    servicenow: ServiceNowTestServer,
    tmp_path: Path,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    config = servicenow_config(servicenow)
    backend = ReliableServiceNow(
        ServiceNowIncidents(config),
        Outbox(sqlite_database(tmp_path / "outbox.db")),
        config.longest_delivery,
    )
    servicenow.faults.down = True
    await ActionOpenIncident(backend).run(dispatcher, make_tracker(CONFIRMED), domain)
    assert responses(dispatcher) == ["utter_incident_recorded"]

    servicenow.faults.down = False
    status = CollectingDispatcher()
    tracker = make_tracker({"email": "abraham.lincoln@example.com"})
    await ActionCheckIncidentStatus(backend).run(status, tracker, domain)
    assert responses(status) == ["utter_incident_pending", "utter_incident_status"]
    assert status.messages[0]["incident_title"] == "Problem resetting password"
    assert status.messages[1]["incident_number"] == "INC0010001"

    assert backend.deliver_pending() == 1
    [filed] = servicenow.tables.query("incident", "short_description=Problem resetting password")
    assert filed["caller_id"] == servicenow.tables.rows["sys_user"][0]["sys_id"]


async def test_an_unreachable_system_gets_an_apology_on_a_status_check(
    servicenow: ServiceNowTestServer,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    backend = ServiceNowIncidents(servicenow_config(servicenow))
    servicenow.faults.down = True
    tracker = make_tracker({"email": "abraham.lincoln@example.com"})
    await ActionCheckIncidentStatus(backend).run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_incident_service_unavailable"]


@pytest.mark.parametrize(
    ("request_words", "titles"),
    [
        ("what's the status of my tickets", ["Email Log in problem"]),
        ("and my closed tickets too", ["Email Log in problem", "Monitor flickers"]),
    ],
)
async def test_closed_incidents_are_read_out_only_when_asked_for(
    servicenow: ServiceNowTestServer,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    request_words: str,
    titles: list[str],
) -> None:
    backend = ServiceNowIncidents(servicenow_config(servicenow))
    request = {
        "event": "user",
        "text": request_words,
        "parse_data": {"intent": {"name": "incident_status", "confidence": 1.0}},
    }
    tracker = make_tracker(
        {"email": "abraham.lincoln@example.com"}, intent="affirm", events=[request]
    )
    await ActionCheckIncidentStatus(backend).run(dispatcher, tracker, domain)
    spoken = [m["incident_title"] for m in dispatcher.messages if m.get("incident_title")]
    assert spoken == titles


async def test_an_incident_whose_address_was_not_confirmed_keeps_its_kind(
    store: EmbeddedIncidentStore,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    tmp_path: Path,
) -> None:
    """The desk's note ("Email address not confirmed ...") is no email problem."""
    printer = {
        **CONFIRMED,
        "email": "unconfirmed",
        "problem_description": "The printer on the third floor is jammed",
        "incident_title": "Printer jammed",
    }
    tracker = make_tracker(printer, metadata={"CallSid": "CA1", "From": "+15005550123"})
    await ActionOpenIncident(store).run(dispatcher, tracker, domain)
    with closing(sqlite3.connect(tmp_path / "incidents.db")) as connection:
        [(kind, description)] = connection.execute(
            "SELECT category, description FROM incidents"
        ).fetchall()
    assert "Email address not confirmed by phone" in description
    assert kind == "hardware"
