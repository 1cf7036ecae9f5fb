"""The outbox: incidents ServiceNow could not take, kept in SQLite until it can.

Each entry backs off on its own (OUTBOX_RETRY_SECONDS, 30 s by default, doubling, at
most an hour), so one that keeps failing never holds up the ones behind it. An entry
ServiceNow refuses outright (HTTP 400 or 422: the record itself, not the connection) is
dead-lettered with the reason: kept, logged as an error and counted, never retried
blindly. The caller still hears it as waiting to be filed; a person has to look at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import ClassVar

from actions.incidents import TYPED, Caller, Incident, IncidentState, Reported
from actions.incidents.sqlite import SQLiteFile

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pending (
    correlation_id TEXT PRIMARY KEY,
    caller_sys_id TEXT NOT NULL,
    caller_email TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    priority TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL DEFAULT '',
    dead_reason TEXT NOT NULL DEFAULT '',
    call_sid TEXT NOT NULL DEFAULT '',
    recording_url TEXT NOT NULL DEFAULT '',
    parent_sys_id TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    subcategory TEXT NOT NULL DEFAULT '',
    assignment_group TEXT NOT NULL DEFAULT ''
);
"""
# Columns added since the first outbox files were written, with their definitions.
_ADDED_COLUMNS = {
    "next_attempt_at": "TEXT NOT NULL DEFAULT ''",
    "dead_reason": "TEXT NOT NULL DEFAULT ''",
    "call_sid": "TEXT NOT NULL DEFAULT ''",
    "recording_url": "TEXT NOT NULL DEFAULT ''",
    "parent_sys_id": "TEXT NOT NULL DEFAULT ''",
    "category": "TEXT NOT NULL DEFAULT ''",
    "subcategory": "TEXT NOT NULL DEFAULT ''",
    "assignment_group": "TEXT NOT NULL DEFAULT ''",
}
RETRY_FIRST_SECONDS = 30.0
RETRY_LONGEST_SECONDS = 3600.0


def retry_delay(attempts: int, first_seconds: float = RETRY_FIRST_SECONDS) -> timedelta:
    """How long an entry waits after its `attempts`-th failed delivery: doubling from
    `first_seconds`, at most an hour."""
    seconds = first_seconds * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, RETRY_LONGEST_SECONDS))


@dataclass(frozen=True)
class OutboxDepth:
    """What the outbox holds: entries waiting, the oldest one's age, and dead letters."""

    waiting: int
    oldest_seconds: float
    dead: int


@dataclass(frozen=True)
class PendingIncident:
    """An incident recorded while ServiceNow was unreachable."""

    correlation_id: str
    caller: Caller
    title: str
    description: str
    priority: str
    recorded_at: datetime
    reported: Reported = TYPED

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
    ADDED_COLUMNS: ClassVar[dict[str, dict[str, str]]] = {"pending": _ADDED_COLUMNS}

    def __init__(self, path: Path, first_retry_seconds: float = RETRY_FIRST_SECONDS) -> None:
        super().__init__(path)
        self._first_retry_seconds = first_retry_seconds

    def add(self, incident: PendingIncident) -> None:
        with self._connection() as connection:
            connection.execute(
                "INSERT INTO pending (correlation_id, caller_sys_id, caller_email, title,"
                " description, priority, recorded_at, call_sid, recording_url, parent_sys_id,"
                " category, subcategory, assignment_group)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    incident.correlation_id,
                    incident.caller.sys_id,
                    incident.caller.email.lower(),
                    incident.title,
                    incident.description,
                    incident.priority,
                    incident.recorded_at.isoformat(),
                    incident.reported.call_sid,
                    incident.reported.recording_url,
                    incident.reported.parent_sys_id,
                    incident.reported.category,
                    incident.reported.subcategory,
                    incident.reported.assignment_group,
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
        return _incidents(rows)

    def due(self, now: datetime) -> list[PendingIncident]:
        """Entries to try now: not dead-lettered, their wait over; least tried first."""
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT * FROM pending WHERE dead_reason = '' AND next_attempt_at <= ?"
                " ORDER BY next_attempt_at, recorded_at, rowid",
                (now.isoformat(),),
            ).fetchall()
        return _incidents(rows)

    def dead_letters(self) -> list[tuple[PendingIncident, str]]:
        """Entries ServiceNow refused, with the reason."""
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT * FROM pending WHERE dead_reason != '' ORDER BY recorded_at, rowid"
            ).fetchall()
        return [(incident, row[9]) for incident, row in zip(_incidents(rows), rows, strict=True)]

    def depth(self, now: datetime) -> OutboxDepth:
        with self._connection() as connection:
            waiting, oldest = connection.execute(
                "SELECT count(*), min(recorded_at) FROM pending WHERE dead_reason = ''"
            ).fetchone()
            [dead] = connection.execute(
                "SELECT count(*) FROM pending WHERE dead_reason != ''"
            ).fetchone()
        age = (now - datetime.fromisoformat(oldest)).total_seconds() if oldest else 0.0
        return OutboxDepth(waiting, age, dead)

    def delivered(self, correlation_id: str) -> None:
        with self._connection() as connection:
            connection.execute("DELETE FROM pending WHERE correlation_id = ?", (correlation_id,))

    def retry_later(self, correlation_id: str, now: datetime) -> None:
        """Counts a failed delivery and puts the entry's next try off, longer each time."""
        with self._connection() as connection:
            [attempts] = connection.execute(
                "UPDATE pending SET attempts = attempts + 1 WHERE correlation_id = ?"
                " RETURNING attempts",
                (correlation_id,),
            ).fetchone()
            connection.execute(
                "UPDATE pending SET next_attempt_at = ? WHERE correlation_id = ?",
                (
                    (now + retry_delay(attempts, self._first_retry_seconds)).isoformat(),
                    correlation_id,
                ),
            )

    def forget(self, email: str) -> int:
        """Deletes every entry recorded for this address; returns how many."""
        with self._connection() as connection:
            cursor = connection.execute(
                "DELETE FROM pending WHERE caller_email = ?", (email.strip().lower(),)
            )
        return cursor.rowcount

    def dead_letter(self, correlation_id: str, reason: str) -> None:
        with self._connection() as connection:
            connection.execute(
                "UPDATE pending SET attempts = attempts + 1, dead_reason = ?"
                " WHERE correlation_id = ?",
                (reason or "refused", correlation_id),
            )


def _incidents(rows: list[tuple]) -> list[PendingIncident]:
    return [
        PendingIncident(
            correlation_id=row[0],
            caller=Caller(sys_id=row[1], email=row[2]),
            title=row[3],
            description=row[4],
            priority=row[5],
            recorded_at=datetime.fromisoformat(row[6]),
            reported=Reported(*row[10:16]),
        )
        for row in rows
    ]
