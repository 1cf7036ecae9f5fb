"""An outage of ServiceNow loses no incident and, on recovery, files each exactly once,
with one action server or several sharing the outbox (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from actions.incidents import Caller, IncidentServiceError, Reported
from actions.incidents.outbox import Outbox, retry_delay
from actions.incidents.reliable import OutboxWorker, ReliableServiceNow
from actions.incidents.servicenow import ServiceNowIncidents
from actions.storage.database import Database
from tests.conftest import servicenow_config
from tests.support.databases import sqlite_database
from tools.fakes.servicenow_server import ServiceNowTestServer

RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000000/Recordings/REaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"


@pytest.fixture
def outbox(database: Database) -> Outbox:
    return Outbox(database)


def replica(servicenow: ServiceNowTestServer, outbox: Outbox, **config: Any) -> ReliableServiceNow:
    """An action server's backend on the shared outbox."""
    settings = servicenow_config(servicenow, **config)
    return ReliableServiceNow(ServiceNowIncidents(settings), outbox, settings.longest_delivery)


@pytest.fixture
def reliable(servicenow: ServiceNowTestServer, outbox: Outbox) -> ReliableServiceNow:
    return replica(servicenow, outbox)


# Past every entry's wait for its next try.
LATER = datetime.now(timezone.utc) + timedelta(days=1)


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

    assert reliable.deliver_pending(now=LATER) == 1
    assert reliable.deliver_pending(now=LATER) == 0
    assert outbox.pending() == []
    [row] = filed(servicenow, "VPN down")
    assert (row["urgency"], row["caller_id"]) == ("1", caller.sys_id)
    [incident] = reliable.list_incidents(caller)
    assert not incident.pending and incident.number == row["number"]


def test_a_create_that_timed_out_after_reaching_servicenow_is_not_filed_twice(
    servicenow: ServiceNowTestServer, outbox: Outbox
) -> None:
    slow = replica(servicenow, outbox, read_timeout=0.2)
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
    servicenow: ServiceNowTestServer, database: Database, reliable: ReliableServiceNow
) -> None:
    servicenow.faults.down = True
    reliable.create_incident(jane_while_up(servicenow, reliable), "Kept", "d", "low")
    reopened = Outbox(Database.open(database.engine.url))
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


def record_during_outage(
    servicenow: ServiceNowTestServer, reliable: ReliableServiceNow, titles: list[str]
) -> None:
    caller = jane(reliable)
    servicenow.faults.down = True
    for title in titles:
        reliable.create_incident(caller, title, "d", "low")
    servicenow.faults.down = False


def test_a_refused_entry_is_dead_lettered_and_the_others_are_filed(
    servicenow: ServiceNowTestServer,
    outbox: Outbox,
    reliable: ReliableServiceNow,
    caplog: pytest.LogCaptureFixture,
) -> None:
    record_during_outage(servicenow, reliable, ["First", "Refused", "Third"])
    servicenow.faults.invalid_titles = {"Refused"}
    assert reliable.deliver_pending(now=LATER) == 2
    assert [len(filed(servicenow, t)) for t in ("First", "Refused", "Third")] == [1, 0, 1]
    [(dead, reason)] = outbox.dead_letters()
    assert dead.title == "Refused" and "400 Data Policy Exception" in reason
    assert outbox.depth(LATER).dead == 1 and outbox.depth(LATER).waiting == 0
    assert "dead-lettered" in caplog.text and "jane.doe@example.com" not in caplog.text
    # Never retried blindly, and still heard by the caller as waiting to be filed.
    assert reliable.deliver_pending(now=LATER + timedelta(days=30)) == 0
    assert [i.title for i in reliable.list_incidents(jane(reliable)) if i.pending] == ["Refused"]


def test_an_entry_that_fails_waits_longer_each_time_and_blocks_nobody(
    servicenow: ServiceNowTestServer, outbox: Outbox, reliable: ReliableServiceNow
) -> None:
    record_during_outage(servicenow, reliable, ["Flaky", "Behind"])
    now = datetime.now(timezone.utc)
    servicenow.faults.server_errors = 100
    assert reliable.deliver_pending(now=now) == 0
    assert [p.title for p in outbox.due(now)] == ["Behind"]
    servicenow.faults.server_errors = 0
    assert reliable.deliver_pending(now=now) == 1
    assert len(filed(servicenow, "Behind")) == 1
    assert outbox.due(now + timedelta(seconds=29)) == []
    assert [p.title for p in outbox.due(now + timedelta(seconds=30))] == ["Flaky"]
    depth = outbox.depth(now + timedelta(seconds=30))
    assert depth.waiting == 1 and depth.oldest_seconds >= 30


def test_retries_back_off_from_thirty_seconds_to_an_hour() -> None:
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 8, 20)] == [
        30,
        60,
        120,
        3600,
        3600,
    ]


def test_an_outbox_file_written_before_migrations_is_adopted(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE pending (correlation_id TEXT PRIMARY KEY, caller_sys_id TEXT NOT NULL,"
            " caller_email TEXT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL,"
            " priority TEXT NOT NULL, recorded_at TEXT NOT NULL,"
            " attempts INTEGER NOT NULL DEFAULT 0)"
        )
        connection.execute(
            "INSERT INTO pending VALUES ('c1', 's1', 'a@example.com', 'Old', 'd', 'low',"
            " '2026-01-01T00:00:00+00:00', 3)"
        )
    upgraded = Outbox(sqlite_database(path))
    assert [p.title for p in upgraded.due(LATER)] == ["Old"]
    assert upgraded.dead_letters() == []


def test_the_call_its_message_its_outage_and_its_routing_survive_the_outbox(
    servicenow: ServiceNowTestServer, reliable: ReliableServiceNow
) -> None:
    caller = jane(reliable)
    servicenow.faults.down = True
    reliable.create_incident(
        caller,
        "Phone in outage",
        "d",
        "low",
        Reported("CA" + "2" * 32, RECORDING, "f" * 32, "hardware", "", "Desktop Support"),
    )
    servicenow.faults.down = False
    assert reliable.deliver_pending(now=LATER) == 1
    [row] = filed(servicenow, "Phone in outage")
    assert row["contact_type"] == "phone" and "CA" + "2" * 32 in row["work_notes"]
    assert RECORDING in row["work_notes"] and row["parent_incident"] == "f" * 32
    assert (row["category"], row["assignment_group"]) == ("hardware", "Desktop Support")
    assert "subcategory" not in row  # none known: ServiceNow keeps its own default


def test_two_action_servers_sharing_the_outbox_file_each_entry_once(
    servicenow: ServiceNowTestServer, outbox: Outbox
) -> None:
    first, second = replica(servicenow, outbox), replica(servicenow, outbox)
    caller = jane(first)
    servicenow.faults.down = True
    for number in range(12):
        (first if number % 2 else second).create_incident(caller, f"Shared {number}", "d", "low")
    servicenow.faults.down = False
    # Each replica sees what the other recorded.
    assert len([i for i in second.list_incidents(caller) if i.pending]) == 12
    # Slow enough that workers without leases would look up and create the same entry.
    servicenow.faults.latency_seconds = 0.05

    with ThreadPoolExecutor(4) as workers:
        passes = [workers.submit(r.deliver_pending, LATER) for r in (first, second) * 2]
        delivered = sum(done.result() for done in passes)

    assert delivered == 12
    for number in range(12):
        assert len(filed(servicenow, f"Shared {number}")) == 1
    assert outbox.pending() == []


def test_an_entry_held_by_a_worker_is_left_to_it_until_its_lease_ends(
    servicenow: ServiceNowTestServer, outbox: Outbox, reliable: ReliableServiceNow
) -> None:
    caller = jane(reliable)
    servicenow.faults.down = True
    reliable.create_incident(caller, "Held", "d", "low")
    servicenow.faults.down = False
    [entry] = outbox.pending()
    now = datetime.now(timezone.utc)
    # Another action server claimed it and was killed mid-delivery.
    assert outbox.claim(entry.correlation_id, now, timedelta(minutes=2))
    assert not outbox.claim(entry.correlation_id, now, timedelta(minutes=2))

    assert reliable.deliver_pending(now=now + timedelta(minutes=1)) == 0
    assert filed(servicenow, "Held") == []
    assert reliable.deliver_pending(now=now + timedelta(minutes=3)) == 1
    assert len(filed(servicenow, "Held")) == 1


def test_a_lease_outlasts_a_delivery_with_every_retry(servicenow: ServiceNowTestServer) -> None:
    config = servicenow_config(servicenow)
    one_request = (config.retries + 1) * (config.connect_timeout + config.read_timeout)
    assert config.longest_delivery.total_seconds() >= 2 * one_request
