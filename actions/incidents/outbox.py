"""Nothing lost: incidents ServiceNow could not take wait in a local outbox until it can."""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from actions.incidents import Caller, Incident, IncidentServiceError, IncidentState
from actions.incidents.servicenow import ServiceNowIncidents
from actions.incidents.sqlite import SQLiteFile
from actions.privacy import mask_email

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pending (
    correlation_id TEXT PRIMARY KEY,
    caller_sys_id TEXT NOT NULL,
    caller_email TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    priority TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0
);
"""


@dataclass(frozen=True)
class PendingIncident:
    """An incident recorded while ServiceNow was unreachable."""

    correlation_id: str
    caller: Caller
    title: str
    description: str
    priority: str
    recorded_at: datetime

    def as_incident(self) -> Incident:
        return Incident(
            number="",
            title=self.title,
            description=self.description,
            priority=self.priority,
            state=IncidentState.NEW,
            opened_at=self.recorded_at,
            pending=True,
        )


class Outbox(SQLiteFile):
    """Pending incidents in a SQLite file, so they survive a restart of the action server."""

    SCHEMA = _SCHEMA

    def add(self, incident: PendingIncident) -> None:
        with self._connection() as connection:
            connection.execute(
                "INSERT INTO pending (correlation_id, caller_sys_id, caller_email, title,"
                " description, priority, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    incident.correlation_id,
                    incident.caller.sys_id,
                    incident.caller.email.lower(),
                    incident.title,
                    incident.description,
                    incident.priority,
                    incident.recorded_at.isoformat(),
                ),
            )

    def pending(self, caller: Caller | None = None) -> list[PendingIncident]:
        """Oldest first; only the caller's when a caller is given.

        Callers are matched by address: an incident recorded while the directory was
        unreachable has no directory ID yet.
        """
        query = "SELECT * FROM pending"
        args: tuple[str, ...] = ()
        if caller is not None:
            query += " WHERE caller_email = ?"
            args = (caller.email.lower(),)
        with self._connection() as connection:
            rows = connection.execute(query + " ORDER BY recorded_at, rowid", args).fetchall()
        return [
            PendingIncident(
                correlation_id=row[0],
                caller=Caller(sys_id=row[1], email=row[2]),
                title=row[3],
                description=row[4],
                priority=row[5],
                recorded_at=datetime.fromisoformat(row[6]),
            )
            for row in rows
        ]

    def delivered(self, correlation_id: str) -> None:
        with self._connection() as connection:
            connection.execute("DELETE FROM pending WHERE correlation_id = ?", (correlation_id,))

    def attempted(self, correlation_id: str) -> None:
        with self._connection() as connection:
            connection.execute(
                "UPDATE pending SET attempts = attempts + 1 WHERE correlation_id = ?",
                (correlation_id,),
            )


class ReliableServiceNow:
    """ServiceNow behind an outbox: a failed create is recorded and delivered later, once."""

    def __init__(self, servicenow: ServiceNowIncidents, outbox: Outbox) -> None:
        self._servicenow = servicenow
        self._outbox = outbox
        self._delivering = threading.Lock()

    registers_new_callers = False

    def find_caller_by_email(self, email: str) -> Caller | None:
        return self._servicenow.find_caller_by_email(email)

    def addresses_like(self, email: str) -> list[str]:
        return self._servicenow.addresses_like(email)

    def find_caller_by_phone(self, phone: str) -> Caller | None:
        return self._servicenow.find_caller_by_phone(phone)

    def bind_phone(self, caller: Caller, phone: str) -> Caller:
        return self._servicenow.bind_phone(caller, phone)

    def create_incident(
        self, caller: Caller, title: str, description: str, priority: str
    ) -> Incident:
        correlation_id = uuid.uuid4().hex
        try:
            return self._servicenow.create_incident(
                caller, title, description, priority, correlation_id=correlation_id
            )
        except IncidentServiceError as error:
            logger.warning(
                "Recorded an incident for %s in the outbox: %s", mask_email(caller.email), error
            )
            pending = PendingIncident(
                correlation_id=correlation_id,
                caller=caller,
                title=title,
                description=description,
                priority=priority,
                recorded_at=datetime.now(timezone.utc).replace(microsecond=0),
            )
            self._outbox.add(pending)
            return pending.as_incident()

    def list_incidents(self, caller: Caller) -> list[Incident]:
        waiting = [pending.as_incident() for pending in reversed(self._outbox.pending(caller))]
        return waiting + self._servicenow.list_incidents(caller)

    def deliver_pending(self) -> int:
        """Files what the outbox holds; stops at the first failure. Returns how many went."""
        delivered = 0
        with self._delivering:
            for pending in self._outbox.pending():
                try:
                    # A create that timed out may still have reached ServiceNow.
                    filed = self._servicenow.find_incident_by_correlation(pending.correlation_id)
                    if filed is None:
                        filed = self._servicenow.create_incident(
                            pending.caller,
                            pending.title,
                            pending.description,
                            pending.priority,
                            correlation_id=pending.correlation_id,
                        )
                except IncidentServiceError as error:
                    self._outbox.attempted(pending.correlation_id)
                    logger.warning("Outbox delivery paused: %s", error)
                    break
                self._outbox.delivered(pending.correlation_id)
                logger.info("Delivered a recorded incident as %s", filed.number)
                delivered += 1
        return delivered


class OutboxWorker(threading.Thread):
    """Retries the outbox in the background of the action server."""

    def __init__(self, backend: ReliableServiceNow, interval_seconds: float) -> None:
        super().__init__(name="incident-outbox", daemon=True)
        self._backend = backend
        self._interval = interval_seconds
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.wait(self._interval):
            try:
                self._backend.deliver_pending()
            except Exception:
                logger.exception("Outbox delivery failed unexpectedly")

    def stop(self) -> None:
        self._stopped.set()
