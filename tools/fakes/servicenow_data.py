"""The ServiceNow test instance's data: tables, encoded queries, faults and OAuth tokens."""

from __future__ import annotations

import csv
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path
from typing import Any

SEED_USERS = (
    # Numbers as people type them into a real directory: free text, not E.164.
    {"email": "abraham.lincoln@example.com", "name": "Abraham Lincoln", "phone": "(500) 555-0011"},
    {"email": "jane.doe@example.com", "name": "Jane Doe", "phone": "500.555.0007"},
    {"email": "anything@example.com", "name": "Any Thing", "phone": ""},
)


@dataclass
class Faults:
    """Switches that make the server misbehave, each for a number of requests."""

    latency_seconds: float = 0.0
    rate_limited: int = 0
    retry_after_seconds: int = 1
    server_errors: int = 0
    down: bool = False
    # Reads answer, creates get 503: an instance that is up but cannot write.
    creates_refused: bool = False
    # Incidents with these titles get 400, as a data policy refuses a record.
    invalid_titles: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def take(self, creating: bool = False) -> tuple[int, dict[str, str]] | None:
        """The fault to answer the next request with, if any."""
        with self.lock:
            if self.down or (creating and self.creates_refused):
                return HTTPStatus.SERVICE_UNAVAILABLE, {}
            if self.rate_limited:
                self.rate_limited -= 1
                return HTTPStatus.TOO_MANY_REQUESTS, {"Retry-After": str(self.retry_after_seconds)}
            if self.server_errors:
                self.server_errors -= 1
                return HTTPStatus.INTERNAL_SERVER_ERROR, {}
        return None


class Tables:
    """The records of the two tables, in memory."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, str]]] = {"sys_user": [], "incident": []}
        self._next_number = 10001
        self._lock = threading.Condition()
        for user in SEED_USERS:
            self.insert("sys_user", {**user, "mobile_phone": ""})
        lincoln = self.rows["sys_user"][0]["sys_id"]
        self.insert(
            "incident",
            {
                "caller_id": lincoln,
                "short_description": "Email Log in problem",
                "description": "Outlook keeps asking for the password",
                "urgency": "2",
                "impact": "2",
                "state": "2",
                "opened_at": "2020-05-21 09:57:06",
            },
        )
        self.insert(
            "incident",
            {
                "caller_id": lincoln,
                "short_description": "Monitor flickers",
                "description": "Replaced the cable",
                "urgency": "3",
                "impact": "2",
                "state": "7",
                "opened_at": "2020-03-02 14:10:00",
            },
        )

    def insert(self, table: str, record: dict[str, Any]) -> dict[str, str]:
        with self._lock:
            row = {key: "" if value is None else str(value) for key, value in record.items()}
            row["sys_id"] = uuid.uuid4().hex
            if table == "incident":
                row["number"] = f"INC{self._next_number:07d}"
                self._next_number += 1
                row.setdefault("state", "1")
                # Resolved (6), closed (7) and canceled (8) incidents are inactive.
                row.setdefault("active", "true" if int(row["state"]) < 6 else "false")
                row.setdefault(
                    "opened_at", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
                )
            self.rows[table].append(row)
            self._lock.notify_all()
            return row

    def wait_for(self, table: str, count: int, timeout: float = 10.0) -> bool:
        """Waits until the table holds `count` rows, for requests still being served."""
        with self._lock:
            return self._lock.wait_for(lambda: len(self.rows[table]) >= count, timeout)

    def query(self, table: str, encoded_query: str) -> list[dict[str, str]]:
        """Applies a ServiceNow encoded query: `a=1^b=2^ORc=3^ORDERBYDESCfield`."""
        conditions, order_by = _parse_query(encoded_query)
        with self._lock:
            rows = [row for row in self.rows[table] if _matches(row, conditions)]
        for descending, name in reversed(order_by):
            rows.sort(key=lambda row: row.get(name, ""), reverse=descending)
        return rows


# ServiceNow's encoded-query operators that the assistant uses, longest first.
_OPERATORS = ("ISNOTEMPTY", "STARTSWITH", "ENDSWITH", "LIKE", "=")
Condition = tuple[str, str, str]


def _condition(text: str) -> Condition | None:
    """`emailSTARTSWITHjan` -> ("email", "STARTSWITH", "jan")."""
    found = [(text.find(op), op) for op in _OPERATORS if text.find(op) > 0]
    if not found:
        return None
    position, operator = min(found)
    return text[:position], operator, text[position + len(operator) :]


def _parse_query(encoded: str) -> tuple[list[list[Condition]], list[tuple[bool, str]]]:
    """AND-groups of OR-alternatives, and ordering; `^^` is a literal caret."""
    placeholder = "\x00"
    parts = encoded.replace("^^", placeholder).split("^") if encoded else []
    groups: list[list[Condition]] = []
    order_by: list[tuple[bool, str]] = []
    for part in parts:
        part = part.replace(placeholder, "^")
        if part.startswith("ORDERBYDESC"):
            order_by.append((True, part[len("ORDERBYDESC") :]))
        elif part.startswith("ORDERBY"):
            order_by.append((False, part[len("ORDERBY") :]))
        elif part.startswith("OR") and groups and (alternative := _condition(part[2:])):
            groups[-1].append(alternative)
        elif condition := _condition(part):
            groups.append([condition])
    return groups, order_by


def _holds(row: dict[str, str], condition: Condition) -> bool:
    name, operator, value = condition
    field, value = row.get(name, "").lower(), value.lower()
    if operator == "ISNOTEMPTY":
        return field != ""
    if operator == "STARTSWITH":
        return field.startswith(value)
    if operator == "ENDSWITH":
        return field.endswith(value)
    if operator == "LIKE":
        return value in field
    return field == value


def _matches(row: dict[str, str], groups: list[list[Condition]]) -> bool:
    return all(any(_holds(row, condition) for condition in group) for group in groups)


@dataclass
class Tokens:
    """OAuth tokens the instance issued, each valid for `lifetime_seconds`."""

    lifetime_seconds: int = 1800
    access: dict[str, float] = field(default_factory=dict)
    refresh: set[str] = field(default_factory=set)
    grants: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def issue(self, grant: str) -> dict[str, Any]:
        with self.lock:
            access, refresh = uuid.uuid4().hex, uuid.uuid4().hex
            self.access[access] = time.monotonic() + self.lifetime_seconds
            self.refresh.add(refresh)
            self.grants.append(grant)
        return {
            "access_token": access,
            "refresh_token": refresh,
            "token_type": "Bearer",
            "expires_in": self.lifetime_seconds,
            "scope": "useraccount",
        }

    def valid(self, access: str) -> bool:
        with self.lock:
            return self.access.get(access, 0.0) > time.monotonic()

    def revoke_all(self) -> None:
        with self.lock:
            self.access.clear()


def load_users(path: Path) -> list[dict[str, str]]:
    """Directory users from a TSV file with `email`, `name` and `phone` columns."""
    with open(path, encoding="utf-8", newline="") as users:
        return [
            {"email": row["email"], "name": row["name"], "phone": row["phone"], "mobile_phone": ""}
            for row in csv.DictReader(users, delimiter="\t")
        ]
