"""One contract, two backends: the embedded store and ServiceNow give the same answers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from actions.incidents import LIST_LIMIT, Caller, IncidentBackend, IncidentState
from actions.incidents.embedded import EmbeddedIncidentStore
from actions.incidents.servicenow import ServiceNowIncidents
from tests.conftest import servicenow_config
from tests.support.databases import sqlite_database
from tools.fakes.servicenow_server import ServiceNowTestServer

# Known to both: the embedded store registers on first use, ServiceNow has it seeded.
CALLER = "jane.doe@example.com"


@pytest.fixture(params=["embedded", "servicenow"])
def backend(
    request: pytest.FixtureRequest, tmp_path: Path, servicenow: ServiceNowTestServer
) -> Iterator[IncidentBackend]:
    if request.param == "embedded":
        yield EmbeddedIncidentStore(sqlite_database(tmp_path / "incidents.db"))
    else:
        yield ServiceNowIncidents(servicenow_config(servicenow))


def test_a_known_caller_is_found_in_any_case(backend: IncidentBackend) -> None:
    caller = backend.find_caller_by_email("Jane.Doe@Example.COM")
    assert caller is not None
    assert caller.email == CALLER
    again = backend.find_caller_by_email(CALLER)
    assert again is not None and again.sys_id == caller.sys_id


def test_a_new_caller_has_no_incidents(backend: IncidentBackend) -> None:
    caller = backend.find_caller_by_email(CALLER)
    assert caller is not None
    assert backend.list_incidents(caller) == []


def test_an_opened_incident_is_listed_first_as_opened(backend: IncidentBackend) -> None:
    caller = backend.find_caller_by_email(CALLER)
    assert caller is not None
    first = backend.create_incident(caller, "Problem with email", "no mail", "low")
    second = backend.create_incident(caller, "Problem resetting password", "locked", "high")

    assert re.fullmatch(r"INC\d{7}", second.number)
    assert second.number != first.number
    assert (second.state, second.pending) == (IncidentState.NEW, False)
    listed = backend.list_incidents(caller)
    assert [(i.number, i.title, i.priority, i.state) for i in listed] == [
        (second.number, "Problem resetting password", "high", IncidentState.NEW),
        (first.number, "Problem with email", "low", IncidentState.NEW),
    ]


def test_a_long_history_is_listed_newest_first_up_to_the_limit(backend: IncidentBackend) -> None:
    caller = backend.find_caller_by_email(CALLER)
    assert caller is not None
    opened = [
        backend.create_incident(caller, f"Problem {n}", "again", "low").number
        for n in range(LIST_LIMIT + 2)
    ]

    listed = [incident.number for incident in backend.list_incidents(caller)]
    assert listed == opened[::-1][:LIST_LIMIT]


def test_an_unknown_number_finds_no_caller(backend: IncidentBackend) -> None:
    assert backend.find_caller_by_phone("+19999999999") is None


def test_the_directory_knows_its_callers_domains(backend: IncidentBackend) -> None:
    backend.find_caller_by_email(CALLER)  # the embedded store learns it on first use
    assert backend.known_domains()[0] == "example.com"


def test_an_incident_for_no_one_known_is_filed_all_the_same(backend: IncidentBackend) -> None:
    """A caller whose address could not be confirmed nor found by number."""
    opened = backend.create_incident(Caller(sys_id="", email=""), "Laptop", "no boot", "high")
    assert re.fullmatch(r"INC\d{7}", opened.number) and not opened.pending
