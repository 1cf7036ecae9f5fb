"""The embedded store keeps real incidents in the database: a SQLite file, or
PostgreSQL (every test runs on both)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from actions.incidents import IncidentState, Reported
from actions.incidents.embedded import EmbeddedIncidentStore
from actions.storage.database import Database
from actions.storage.schema import incidents


@pytest.fixture
def store(database: Database) -> EmbeddedIncidentStore:
    return EmbeddedIncidentStore(database)


def test_callers_register_on_first_use_and_ignore_case(store: EmbeddedIncidentStore) -> None:
    first = store.find_caller_by_email("Jane.Doe@Example.com")
    again = store.find_caller_by_email("jane.doe@example.com")
    assert first is not None and again is not None
    assert first.sys_id == again.sys_id
    assert again.email == "jane.doe@example.com"


def test_incidents_are_numbered_like_servicenow(store: EmbeddedIncidentStore) -> None:
    caller = store.find_caller_by_email("jane.doe@example.com")
    assert caller is not None
    first = store.create_incident(caller, "Problem with email", "outlook crashes", "low")
    second = store.create_incident(caller, "Problem resetting password", "locked out", "high")
    assert (first.number, second.number) == ("INC0010001", "INC0010002")
    assert first.state is IncidentState.NEW


def test_lists_only_the_callers_incidents_newest_first(store: EmbeddedIncidentStore) -> None:
    jane = store.find_caller_by_email("jane.doe@example.com")
    sam = store.find_caller_by_email("sam@example.com")
    assert jane is not None and sam is not None
    store.create_incident(jane, "first", "d", "low")
    store.create_incident(sam, "other caller", "d", "low")
    store.create_incident(jane, "second", "d", "medium")
    assert [incident.title for incident in store.list_incidents(jane)] == ["second", "first"]


def test_incidents_survive_a_restart(database: Database) -> None:
    before = EmbeddedIncidentStore(database)
    caller = before.find_caller_by_email("jane.doe@example.com")
    assert caller is not None
    opened = before.create_incident(caller, "Problem with email", "no mail", "high")

    after = EmbeddedIncidentStore(Database.open(database.engine.url))
    caller_again = after.find_caller_by_email("jane.doe@example.com")
    assert caller_again is not None
    assert after.list_incidents(caller_again) == [opened]


def test_an_incident_keeps_its_category(store: EmbeddedIncidentStore, database: Database) -> None:
    caller = store.find_caller_by_email("jo@example.com")
    assert caller is not None
    store.create_incident(
        caller, "VPN", "drops", "low", Reported(category="network", subcategory="vpn")
    )
    with database.transaction() as connection:
        kept = connection.execute(sa.select(incidents.c.category, incidents.c.subcategory)).all()
    assert [tuple(row) for row in kept] == [("network", "vpn")]
