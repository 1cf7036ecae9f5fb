"""Major incidents (outages) in both backends: listed while open, joined by children."""

from __future__ import annotations

import sqlalchemy as sa

from actions.incidents import Caller, IncidentState, MajorIncident, Reported
from actions.incidents.embedded import EmbeddedIncidentStore
from actions.incidents.servicenow import ServiceNowIncidents
from actions.storage.database import Database
from actions.storage.schema import incidents
from tests.conftest import servicenow_config
from tools.fakes.servicenow_server import ServiceNowTestServer

CALLER = "jane.doe@example.com"


def caller_of(backend: EmbeddedIncidentStore | ServiceNowIncidents) -> Caller:
    caller = backend.find_caller_by_email(CALLER)
    assert caller is not None
    return caller


def test_the_embedded_store_lists_declared_outages_newest_first_until_they_end(
    database: Database,
) -> None:
    store = EmbeddedIncidentStore(database)
    email = store.declare_major_incident("Email is down", "ops@example.com")
    vpn = store.declare_major_incident("VPN drops every minute", "ops@example.com")
    store.create_incident(caller_of(store), "Printer jam", "jammed", "low")

    assert store.major_incidents() == [vpn, email]
    assert store.end_major_incident(email.number)
    assert not store.end_major_incident(email.number)
    assert not store.end_major_incident("nonsense")
    assert store.major_incidents() == [vpn]


def test_an_embedded_child_incident_is_linked_to_its_outage(database: Database) -> None:
    store = EmbeddedIncidentStore(database)
    email = store.declare_major_incident("Email is down", "ops@example.com")

    child = store.create_incident(
        caller_of(store),
        "Problem with email",
        "no mail",
        "medium",
        Reported(parent_sys_id=email.sys_id),
    )

    with database.transaction() as connection:
        parent = connection.execute(
            sa.select(incidents.c.parent_id).where(incidents.c.title == "Problem with email")
        ).scalar_one()
    assert str(parent) == email.sys_id
    assert [i.number for i in store.list_incidents(caller_of(store))] == [child.number]


def test_servicenow_major_incidents_are_the_accepted_active_ones(
    servicenow: ServiceNowTestServer,
) -> None:
    tables = servicenow.tables
    accepted = tables.insert(
        "incident",
        {"short_description": "Email is down", "major_incident_state": "accepted"},
    )
    tables.insert(
        "incident", {"short_description": "Wi-Fi slow", "major_incident_state": "proposed"}
    )
    tables.insert(
        "incident",
        {
            "short_description": "VPN was down",
            "major_incident_state": "accepted",
            "state": str(int(IncidentState.RESOLVED)),
        },
    )
    backend = ServiceNowIncidents(servicenow_config(servicenow))

    assert backend.major_incidents() == [
        MajorIncident(accepted["sys_id"], accepted["number"], "Email is down")
    ]


def test_a_configured_query_chooses_the_outages(servicenow: ServiceNowTestServer) -> None:
    flagged = servicenow.tables.insert(
        "incident", {"short_description": "Teams is down", "u_outage": "true"}
    )
    backend = ServiceNowIncidents(
        servicenow_config(servicenow, major_incident_query="u_outage=true^active=true")
    )

    assert [major.number for major in backend.major_incidents()] == [flagged["number"]]


def test_a_servicenow_child_incident_names_its_parent(servicenow: ServiceNowTestServer) -> None:
    parent = servicenow.tables.insert(
        "incident", {"short_description": "Email is down", "major_incident_state": "accepted"}
    )
    backend = ServiceNowIncidents(servicenow_config(servicenow))

    child = backend.create_incident(
        caller_of(backend),
        "Problem with email",
        "no mail",
        "medium",
        Reported(parent_sys_id=parent["sys_id"]),
    )

    [stored] = servicenow.tables.query("incident", f"number={child.number}")
    assert stored["parent_incident"] == parent["sys_id"]
