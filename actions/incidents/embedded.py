"""The embedded incident store: the database's own callers and incidents, used when no
ServiceNow is configured."""

from __future__ import annotations

import contextlib
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from actions.incidents import (
    LIST_LIMIT,
    TYPED,
    Caller,
    Incident,
    IncidentState,
    MajorIncident,
    Reported,
)
from actions.incidents.directory import CANDIDATE_LIMIT, DOMAIN_LIMIT, candidate_patterns
from actions.storage.database import Database
from actions.storage.schema import callers, incidents

# ServiceNow numbers its first incidents INC0010001 and up; the embedded store does too.
_FIRST_NUMBER = 10000


class EmbeddedIncidentStore:
    """Keeps callers and incidents in the database; callers register on first use."""

    registers_new_callers = True

    def __init__(self, database: Database) -> None:
        self._database = database

    def addresses_like(self, email: str) -> list[str]:
        """Known addresses sharing this one's domain or the start of its local part."""
        domain, start = (_like_literal(part) for part in candidate_patterns(email))
        query = (
            sa.select(callers.c.email)
            .where(
                sa.or_(
                    callers.c.email.like(f"%{domain}", escape="\\"),
                    callers.c.email.like(f"{start}%", escape="\\"),
                )
            )
            .limit(CANDIDATE_LIMIT)
        )
        with self._database.transaction() as connection:
            return list(connection.execute(query).scalars())

    def known_domains(self) -> list[str]:
        """The domains of addresses confirmed in earlier calls, most used first."""
        at = sa.func.strpos if self._database.is_postgresql else sa.func.instr
        domain = sa.func.lower(sa.func.substr(callers.c.email, at(callers.c.email, "@") + 1)).label(
            "domain"
        )
        query = (
            sa.select(domain)
            .where(callers.c.email.like("%@%"))
            .group_by(domain)
            .order_by(sa.func.count().desc(), domain)
            .limit(DOMAIN_LIMIT)
        )
        with self._database.transaction() as connection:
            return list(connection.execute(query).scalars())

    def find_caller_by_email(self, email: str) -> Caller | None:
        """Returns the caller, registering an unknown address as a new caller."""
        address = email.lower()
        with self._database.transaction() as connection:
            row = self._caller_row(connection, callers.c.email == address)
            if row is None:
                # Another replica may register the same address at the same moment.
                with contextlib.suppress(sa.exc.IntegrityError), connection.begin_nested():
                    connection.execute(callers.insert().values(email=address))
                row = self._caller_row(connection, callers.c.email == address)
        return _caller(row)

    def find_caller_by_phone(self, phone: str) -> Caller | None:
        """The caller registered with this phone number, if any."""
        with self._database.transaction() as connection:
            row = self._caller_row(connection, callers.c.phone == phone, callers.c.phone != "")
        return _caller(row) if row else None

    def bind_phone(self, caller: Caller, phone: str) -> Caller:
        """The first verified number to use an address stays bound to it."""
        caller_id = int(caller.sys_id)
        with self._database.transaction() as connection:
            connection.execute(
                callers.update()
                .where(callers.c.id == caller_id, callers.c.phone == "")
                .values(phone=phone)
            )
            row = self._caller_row(connection, callers.c.id == caller_id)
        return _caller(row)

    def create_incident(
        self,
        caller: Caller,
        title: str,
        description: str,
        priority: str,
        reported: Reported = TYPED,
    ) -> Incident:
        """Stores a new incident in state New and returns it with its number."""
        opened_at = datetime.now(timezone.utc).replace(microsecond=0)
        # No one known (an address the caller could not confirm): a caller without one.
        known = caller if caller.sys_id else self.find_caller_by_email(caller.email)
        assert known is not None  # this store registers every address it is given
        parent = reported.parent_sys_id
        with self._database.transaction() as connection:
            inserted = connection.execute(
                incidents.insert().values(
                    caller_id=int(known.sys_id),
                    title=title,
                    description=description,
                    priority=priority,
                    state=int(IncidentState.NEW),
                    opened_at=opened_at.isoformat(),
                    work_notes=reported.work_notes,
                    parent_id=int(parent) if parent.isdigit() else None,
                    category=reported.category,
                    subcategory=reported.subcategory,
                )
            )
            incident_id = int(inserted.inserted_primary_key[0])
        return Incident(
            number=_number(incident_id),
            title=title,
            description=description,
            priority=priority,
            state=IncidentState.NEW,
            opened_at=opened_at,
        )

    def major_incidents(self) -> list[MajorIncident]:
        """Declared outages not yet ended (`make outage`), newest first."""
        query = (
            sa.select(incidents.c.id, incidents.c.title)
            .where(incidents.c.major == 1, incidents.c.state < int(IncidentState.RESOLVED))
            .order_by(incidents.c.id.desc())
        )
        with self._database.transaction() as connection:
            rows = connection.execute(query).all()
        return [MajorIncident(str(row.id), _number(row.id), row.title) for row in rows]

    def declare_major_incident(self, title: str, declared_by: str) -> MajorIncident:
        """An outage the desk works on, as a major incident opened by `declared_by`."""
        declarer = self.find_caller_by_email(declared_by)
        assert declarer is not None  # this store registers every address it is given
        opened = self.create_incident(declarer, title, title, "high")
        incident_id = _incident_id(opened.number)
        with self._database.transaction() as connection:
            connection.execute(
                incidents.update().where(incidents.c.id == incident_id).values(major=1)
            )
        return MajorIncident(str(incident_id), opened.number, title)

    def end_major_incident(self, number: str) -> bool:
        """Resolves the outage with this number; False when there is no such open one."""
        resolved = int(IncidentState.RESOLVED)
        with self._database.transaction() as connection:
            ended = connection.execute(
                incidents.update()
                .where(
                    incidents.c.id == _incident_id(number),
                    incidents.c.major == 1,
                    incidents.c.state < resolved,
                )
                .values(state=resolved)
            )
        return ended.rowcount == 1

    def forget_caller(self, email: str = "", phone: str = "") -> int:
        """Deletes the directory entries with this address or number, their incidents,
        and incidents whose text names the number (filed for no one, from that phone);
        returns how many incidents went. Outages and other callers' incidents stay."""
        email, phone = email.strip().lower(), phone.strip()
        named = [callers.c.email == email] if email else []
        named += [callers.c.phone == phone] if phone else []
        if not named:
            return 0
        with self._database.transaction() as connection:
            found = list(
                connection.execute(sa.select(callers.c.id).where(sa.or_(*named))).scalars()
            )
            theirs = [incidents.c.caller_id.in_(found)] if found else []
            if phone:
                mentions = f"%{_like_literal(phone)}%"
                theirs += [
                    incidents.c.description.like(mentions, escape="\\"),
                    incidents.c.work_notes.like(mentions, escape="\\"),
                ]
            doomed = list(
                connection.execute(
                    sa.select(incidents.c.id).where(incidents.c.major == 0, sa.or_(*theirs))
                ).scalars()
                if theirs
                else []
            )
            if doomed:
                connection.execute(incidents.delete().where(incidents.c.id.in_(doomed)))
            if found:
                connection.execute(callers.delete().where(callers.c.id.in_(found)))
        return len(doomed)

    def list_incidents(self, caller: Caller, include_closed: bool = False) -> list[Incident]:
        """The caller's incidents, newest first (nothing closes them in this store)."""
        query = (
            sa.select(incidents)
            .where(incidents.c.caller_id == int(caller.sys_id))
            .order_by(incidents.c.id.desc())
            .limit(LIST_LIMIT)
        )
        with self._database.transaction() as connection:
            rows = connection.execute(query).all()
        return [
            Incident(
                number=_number(row.id),
                title=row.title,
                description=row.description,
                priority=row.priority,
                state=IncidentState(row.state),
                opened_at=datetime.fromisoformat(row.opened_at),
            )
            for row in rows
        ]

    @staticmethod
    def _caller_row(connection: sa.engine.Connection, *where: Any) -> Any:
        return connection.execute(
            sa.select(callers.c.id, callers.c.email, callers.c.phone).where(*where)
        ).first()


def _like_literal(text: str) -> str:
    """Text matched as itself in a LIKE pattern: `_` and `%` are wildcards there."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _caller(row: Any) -> Caller:
    return Caller(sys_id=str(row.id), email=row.email, phone=row.phone)


def _number(incident_id: int) -> str:
    return f"INC{_FIRST_NUMBER + incident_id:07d}"


def _incident_id(number: str) -> int:
    """INC0010003 -> 3; -1 for anything that is no number of this store."""
    digits = number.upper().removeprefix("INC")
    return int(digits) - _FIRST_NUMBER if digits.isdigit() else -1
