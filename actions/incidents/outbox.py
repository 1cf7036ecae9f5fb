"""The outbox: incidents ServiceNow could not take, kept in the database until it can.

Each entry backs off on its own (OUTBOX_RETRY_SECONDS, 30 s by default, doubling, at
most an hour), so one that keeps failing never holds up the ones behind it. An entry
ServiceNow refuses outright (HTTP 400 or 422: the record itself, not the connection) is
dead-lettered with the reason: kept, logged as an error and counted, never retried
blindly. The caller still hears it as waiting to be filed; a person has to look at it.
Action servers sharing the database share the outbox: a worker claims an entry (a
lease) before delivering it, so that each is delivered once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from actions.incidents import TYPED, Caller, Incident, IncidentState, Reported
from actions.storage.database import Database
from actions.storage.schema import pending as table

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
            opened_at=self.recorded_at.replace(microsecond=0),
            pending=True,
        )


class Outbox:
    """Pending incidents in the database, so that they survive a restart and any action
    server sharing it can deliver them, each once (`claim`)."""

    def __init__(
        self, database: Database, first_retry_seconds: float = RETRY_FIRST_SECONDS
    ) -> None:
        self._database = database
        self._first_retry_seconds = first_retry_seconds

    def add(self, incident: PendingIncident) -> None:
        with self._database.transaction() as connection:
            connection.execute(
                table.insert().values(
                    correlation_id=incident.correlation_id,
                    caller_sys_id=incident.caller.sys_id,
                    caller_email=incident.caller.email.lower(),
                    title=incident.title,
                    description=incident.description,
                    priority=incident.priority,
                    recorded_at=incident.recorded_at.isoformat(),
                    call_sid=incident.reported.call_sid,
                    recording_url=incident.reported.recording_url,
                    parent_sys_id=incident.reported.parent_sys_id,
                    category=incident.reported.category,
                    subcategory=incident.reported.subcategory,
                    assignment_group=incident.reported.assignment_group,
                )
            )

    def pending(self, caller: Caller | None = None) -> list[PendingIncident]:
        """Oldest first; only the caller's when a caller is given.

        Callers are matched by address: an incident recorded while the directory was
        unreachable has no directory ID yet.
        """
        query = sa.select(table)
        if caller is not None:
            query = query.where(table.c.caller_email == caller.email.lower())
        return self._incidents(query.order_by(table.c.recorded_at, table.c.correlation_id))

    def due(self, now: datetime) -> list[PendingIncident]:
        """Entries to try now: not dead-lettered, their wait over, held by no worker;
        least tried first."""
        at = now.isoformat()
        return self._incidents(
            sa.select(table)
            .where(
                table.c.dead_reason == "",
                table.c.next_attempt_at <= at,
                table.c.lease_until <= at,
            )
            .order_by(table.c.next_attempt_at, table.c.recorded_at, table.c.correlation_id)
        )

    def claim(self, correlation_id: str, now: datetime, lease: timedelta) -> bool:
        """Holds the entry for this worker until `now + lease`; False when another
        worker holds it or it is gone. One conditional update: of two workers trying at
        once, one changes the row and the other finds the lease taken."""
        at = now.isoformat()
        with self._database.transaction() as connection:
            claimed = connection.execute(
                table.update()
                .where(
                    table.c.correlation_id == correlation_id,
                    table.c.dead_reason == "",
                    table.c.lease_until <= at,
                )
                .values(lease_until=(now + lease).isoformat())
            )
        return claimed.rowcount == 1

    def dead_letters(self) -> list[tuple[PendingIncident, str]]:
        """Entries ServiceNow refused, with the reason."""
        with self._database.transaction() as connection:
            rows = connection.execute(
                sa.select(table)
                .where(table.c.dead_reason != "")
                .order_by(table.c.recorded_at, table.c.correlation_id)
            ).all()
        return [(_incident(row), row.dead_reason) for row in rows]

    def depth(self, now: datetime) -> OutboxDepth:
        waiting = table.c.dead_reason == ""
        with self._database.transaction() as connection:
            count, oldest = connection.execute(
                sa.select(sa.func.count(), sa.func.min(table.c.recorded_at)).where(waiting)
            ).one()
            dead = connection.execute(
                sa.select(sa.func.count()).where(sa.not_(waiting))
            ).scalar_one()
        age = (now - datetime.fromisoformat(oldest)).total_seconds() if oldest else 0.0
        return OutboxDepth(count, age, dead)

    def delivered(self, correlation_id: str) -> None:
        with self._database.transaction() as connection:
            connection.execute(table.delete().where(table.c.correlation_id == correlation_id))

    def retry_later(self, correlation_id: str, now: datetime) -> None:
        """Counts a failed delivery, puts the entry's next try off (longer each time)
        and lets go of it."""
        with self._database.transaction() as connection:
            attempts = connection.execute(
                sa.select(table.c.attempts).where(table.c.correlation_id == correlation_id)
            ).scalar_one_or_none()
            if attempts is None:
                return
            wait = retry_delay(attempts + 1, self._first_retry_seconds)
            connection.execute(
                table.update()
                .where(table.c.correlation_id == correlation_id)
                .values(
                    attempts=table.c.attempts + 1,
                    next_attempt_at=(now + wait).isoformat(),
                    lease_until="",
                )
            )

    def forget(self, email: str) -> int:
        """Deletes every entry recorded for this address; returns how many."""
        with self._database.transaction() as connection:
            deleted = connection.execute(
                table.delete().where(table.c.caller_email == email.strip().lower())
            )
        return deleted.rowcount

    def dead_letter(self, correlation_id: str, reason: str) -> None:
        with self._database.transaction() as connection:
            connection.execute(
                table.update()
                .where(table.c.correlation_id == correlation_id)
                .values(
                    attempts=table.c.attempts + 1, dead_reason=reason or "refused", lease_until=""
                )
            )

    def _incidents(self, query: Any) -> list[PendingIncident]:
        with self._database.transaction() as connection:
            return [_incident(row) for row in connection.execute(query).all()]


def _incident(row: Any) -> PendingIncident:
    return PendingIncident(
        correlation_id=row.correlation_id,
        caller=Caller(sys_id=row.caller_sys_id, email=row.caller_email),
        title=row.title,
        description=row.description,
        priority=row.priority,
        recorded_at=datetime.fromisoformat(row.recorded_at),
        reported=Reported(
            row.call_sid,
            row.recording_url,
            row.parent_sys_id,
            row.category,
            row.subcategory,
            row.assignment_group,
        ),
    )
