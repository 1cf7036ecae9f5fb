"""The embedded incident store: a SQLite file, used when no ServiceNow is configured."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import ClassVar

from actions.incidents import TYPED, Caller, Incident, IncidentState, MajorIncident, Reported
from actions.incidents.directory import CANDIDATE_LIMIT, DOMAIN_LIMIT, candidate_patterns
from actions.incidents.sqlite import SQLiteFile

_SCHEMA = """
CREATE TABLE IF NOT EXISTS callers (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    phone TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS incidents (
    id INTEGER PRIMARY KEY,
    caller_id INTEGER NOT NULL REFERENCES callers (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    priority TEXT NOT NULL,
    state INTEGER NOT NULL,
    opened_at TEXT NOT NULL,
    work_notes TEXT NOT NULL DEFAULT '',
    major INTEGER NOT NULL DEFAULT 0,
    parent_id INTEGER REFERENCES incidents (id),
    category TEXT NOT NULL DEFAULT '',
    subcategory TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS incidents_by_caller ON incidents (caller_id, id);
"""
# ServiceNow numbers its first incidents INC0010001 and up; the embedded store does too.
_FIRST_NUMBER = 10000


class EmbeddedIncidentStore(SQLiteFile):
    """Keeps callers and incidents in one SQLite file; callers register on first use."""

    SCHEMA = _SCHEMA
    ADDED_COLUMNS: ClassVar[dict[str, dict[str, str]]] = {
        "incidents": {
            "work_notes": "TEXT NOT NULL DEFAULT ''",
            "major": "INTEGER NOT NULL DEFAULT 0",
            "parent_id": "INTEGER REFERENCES incidents (id)",
            "category": "TEXT NOT NULL DEFAULT ''",
            "subcategory": "TEXT NOT NULL DEFAULT ''",
        }
    }
    registers_new_callers = True

    def addresses_like(self, email: str) -> list[str]:
        """Known addresses sharing this one's domain or the start of its local part."""
        domain, start = (_like_literal(part) for part in candidate_patterns(email))
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT email FROM callers WHERE email LIKE ? ESCAPE '\\'"
                " OR email LIKE ? ESCAPE '\\' LIMIT ?",
                (f"%{domain}", f"{start}%", CANDIDATE_LIMIT),
            ).fetchall()
        return [row[0] for row in rows]

    def known_domains(self) -> list[str]:
        """The domains of addresses confirmed in earlier calls, most used first."""
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT lower(substr(email, instr(email, '@') + 1)) AS domain FROM callers"
                " WHERE email LIKE '%@%' GROUP BY domain ORDER BY count(*) DESC, domain LIMIT ?",
                (DOMAIN_LIMIT,),
            ).fetchall()
        return [row[0] for row in rows]

    def find_caller_by_email(self, email: str) -> Caller | None:
        """Returns the caller, registering an unknown address as a new caller."""
        with self._connection() as connection:
            connection.execute(
                "INSERT INTO callers (email) VALUES (?) ON CONFLICT (email) DO NOTHING",
                (email.lower(),),
            )
            row = connection.execute(
                "SELECT id, email, phone FROM callers WHERE email = ?", (email,)
            ).fetchone()
        return _caller(row)

    def find_caller_by_phone(self, phone: str) -> Caller | None:
        """The caller registered with this phone number, if any."""
        with self._connection() as connection:
            row = connection.execute(
                "SELECT id, email, phone FROM callers WHERE phone = ? AND phone != ''", (phone,)
            ).fetchone()
        return _caller(row) if row else None

    def bind_phone(self, caller: Caller, phone: str) -> Caller:
        """The first verified number to use an address stays bound to it."""
        with self._connection() as connection:
            connection.execute(
                "UPDATE callers SET phone = ? WHERE id = ? AND phone = ''",
                (phone, int(caller.sys_id)),
            )
            row = connection.execute(
                "SELECT id, email, phone FROM callers WHERE id = ?", (int(caller.sys_id),)
            ).fetchone()
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
        with self._connection() as connection:
            cursor = connection.execute(
                "INSERT INTO incidents (caller_id, title, description, priority, state,"
                " opened_at, work_notes, parent_id, category, subcategory)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    int(known.sys_id),
                    title,
                    description,
                    priority,
                    IncidentState.NEW,
                    opened_at.isoformat(),
                    reported.work_notes,
                    int(reported.parent_sys_id) if reported.parent_sys_id.isdigit() else None,
                    reported.category,
                    reported.subcategory,
                ),
            )
            incident_id = cursor.lastrowid
        assert incident_id is not None
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
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT id, title FROM incidents WHERE major = 1 AND state < ? ORDER BY id DESC",
                (IncidentState.RESOLVED,),
            ).fetchall()
        return [MajorIncident(str(row[0]), _number(row[0]), row[1]) for row in rows]

    def declare_major_incident(self, title: str, declared_by: str) -> MajorIncident:
        """An outage the desk works on, as a major incident opened by `declared_by`."""
        declarer = self.find_caller_by_email(declared_by)
        assert declarer is not None  # this store registers every address it is given
        opened = self.create_incident(declarer, title, title, "high")
        incident_id = _incident_id(opened.number)
        with self._connection() as connection:
            connection.execute("UPDATE incidents SET major = 1 WHERE id = ?", (incident_id,))
        return MajorIncident(str(incident_id), opened.number, title)

    def end_major_incident(self, number: str) -> bool:
        """Resolves the outage with this number; False when there is no such open one."""
        with self._connection() as connection:
            ended = connection.execute(
                "UPDATE incidents SET state = ? WHERE id = ? AND major = 1 AND state < ?",
                (IncidentState.RESOLVED, _incident_id(number), IncidentState.RESOLVED),
            )
        return ended.rowcount == 1

    def forget_caller(self, email: str = "", phone: str = "") -> int:
        """Deletes the directory entries with this address or number, their incidents,
        and incidents whose text names the number (filed for no one, from that phone);
        returns how many incidents went. Outages and other callers' incidents stay."""
        email, phone = email.strip(), phone.strip()
        mentions = f"%{_like_literal(phone)}%" if phone else None
        with self._connection() as connection:
            callers = [
                row[0]
                for row in connection.execute(
                    "SELECT id FROM callers WHERE (email = ? AND email != '')"
                    " OR (phone = ? AND phone != '')",
                    (email, phone),
                )
            ]
            marks = ",".join("?" * len(callers))
            doomed = [
                row[0]
                for row in connection.execute(
                    f"SELECT id FROM incidents WHERE major = 0 AND (caller_id IN ({marks})"
                    " OR description LIKE ? ESCAPE '\\' OR work_notes LIKE ? ESCAPE '\\')",
                    (*callers, mentions, mentions),
                )
            ]
            connection.executemany("DELETE FROM incidents WHERE id = ?", [(i,) for i in doomed])
            connection.executemany("DELETE FROM callers WHERE id = ?", [(c,) for c in callers])
        return len(doomed)

    def list_incidents(self, caller: Caller, include_closed: bool = False) -> list[Incident]:
        """The caller's incidents, newest first (nothing closes them in this store)."""
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT id, title, description, priority, state, opened_at FROM incidents"
                " WHERE caller_id = ? ORDER BY id DESC",
                (int(caller.sys_id),),
            ).fetchall()
        return [
            Incident(
                number=_number(row[0]),
                title=row[1],
                description=row[2],
                priority=row[3],
                state=IncidentState(row[4]),
                opened_at=datetime.fromisoformat(row[5]),
            )
            for row in rows
        ]


def _like_literal(text: str) -> str:
    """Text matched as itself in a LIKE pattern: `_` and `%` are wildcards there."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _caller(row: tuple) -> Caller:
    return Caller(sys_id=str(row[0]), email=row[1], phone=row[2])


def _number(incident_id: int) -> str:
    return f"INC{_FIRST_NUMBER + incident_id:07d}"


def _incident_id(number: str) -> int:
    """INC0010003 -> 3; -1 for anything that is no number of this store."""
    digits = number.upper().removeprefix("INC")
    return int(digits) - _FIRST_NUMBER if digits.isdigit() else -1
