"""An outage of ServiceNow loses no incident and, on recovery, files each exactly once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from actions.incidents import Caller, IncidentServiceError
from actions.incidents.outbox import Outbox, OutboxWorker, ReliableServiceNow
from actions.incidents.servicenow import ServiceNowIncidents
from tests.conftest import servicenow_config
from tools.servicenow_server import ServiceNowTestServer


@pytest.fixture
def outbox(tmp_path: Path) -> Outbox:
    return Outbox(tmp_path / "outbox.db")


@pytest.fixture
def reliable(servicenow: ServiceNowTestServer, outbox: Outbox) -> ReliableServiceNow:
    return ReliableServiceNow(ServiceNowIncidents(servicenow_config(servicenow)), outbox)


def jane(backend: ReliableServiceNow) -> Caller:
    caller = backend.find_caller_by_email("jane.doe@example.com")
    assert caller is not None
    return caller


def filed(servicenow: ServiceNowTestServer, title: str) -> list[dict[str, str]]:
    return [row for row in servicenow.tables.rows["incident"] if row["short_description"] == title]


def test_an_outage_records_the_incident_and_recovery_files_it_once(
    servicenow: ServiceNowTestServer, outbox: Outbox, reliable: ReliableServiceNow
) -> None:
    caller = jane(reliable)
    servicenow.faults.down = True
    recorded = reliable.create_incident(caller, "VPN down", "cannot connect", "high")
    assert recorded.pending and recorded.number == ""
    assert len(outbox.pending()) == 1
    assert reliable.deliver_pending() == 0
    assert len(outbox.pending()) == 1

    servicenow.faults.down = False
    [listed] = reliable.list_incidents(caller)
    assert listed.pending and listed.title == "VPN down"

    assert reliable.deliver_pending() == 1
    assert reliable.deliver_pending() == 0
    assert outbox.pending() == []
    [row] = filed(servicenow, "VPN down")
    assert (row["urgency"], row["caller_id"]) == ("1", caller.sys_id)
    [incident] = reliable.list_incidents(caller)
    assert not incident.pending and incident.number == row["number"]


def test_a_create_that_timed_out_after_reaching_servicenow_is_not_filed_twice(
    servicenow: ServiceNowTestServer, outbox: Outbox
) -> None:
    slow = ReliableServiceNow(
        ServiceNowIncidents(servicenow_config(servicenow, read_timeout=0.2)), outbox
    )
    caller = jane(slow)
    incidents_before = len(servicenow.tables.rows["incident"])
    servicenow.faults.latency_seconds = 0.4
    recorded = slow.create_incident(caller, "Printer on fire", "smoke", "high")
    assert recorded.pending

    servicenow.faults.latency_seconds = 0.0
    # The server finishes the slow create after the client gave up.
    assert servicenow.tables.wait_for("incident", incidents_before + 1)
    assert len(filed(servicenow, "Printer on fire")) == 1
    assert slow.deliver_pending() == 1
    assert len(filed(servicenow, "Printer on fire")) == 1
    assert outbox.pending() == []


def test_the_outbox_survives_a_restart(
    servicenow: ServiceNowTestServer, tmp_path: Path, reliable: ReliableServiceNow
) -> None:
    servicenow.faults.down = True
    reliable.create_incident(jane_while_up(servicenow, reliable), "Kept", "d", "low")
    reopened = Outbox(tmp_path / "outbox.db")
    assert [pending.title for pending in reopened.pending()] == ["Kept"]


def jane_while_up(servicenow: ServiceNowTestServer, backend: ReliableServiceNow) -> Caller:
    down, servicenow.faults.down = servicenow.faults.down, False
    try:
        return jane(backend)
    finally:
        servicenow.faults.down = down


def test_the_worker_delivers_in_the_background(
    servicenow: ServiceNowTestServer, outbox: Outbox, reliable: ReliableServiceNow
) -> None:
    caller = jane(reliable)
    servicenow.faults.down = True
    reliable.create_incident(caller, "Background", "d", "medium")
    servicenow.faults.down = False
    delivered = threading.Event()

    class Watched:
        def deliver_pending(self) -> int:
            count = reliable.deliver_pending()
            if count:
                delivered.set()
            return count

    worker = OutboxWorker(Watched(), interval_seconds=0.01)  # type: ignore[arg-type]
    worker.start()
    try:
        assert delivered.wait(timeout=10)
    finally:
        worker.stop()
        worker.join(timeout=5)
    assert len(filed(servicenow, "Background")) == 1


def test_listing_during_an_outage_is_an_error_not_an_empty_list(
    servicenow: ServiceNowTestServer, reliable: ReliableServiceNow
) -> None:
    caller = jane(reliable)
    servicenow.faults.down = True
    with pytest.raises(IncidentServiceError):
        reliable.list_incidents(caller)
