"""A ServiceNow-compatible test server: the Table API subset the assistant uses.

Serves `/api/now/table/sys_user` and `/api/now/table/incident` with basic or bearer
auth, ServiceNow's JSON error bodies, and switches for latency, 429 with Retry-After,
and 5xx, so that the ServiceNow backend can be tested over real HTTP.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import csv
import json
import logging
import os
import threading
import time
import uuid
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tools.loopback import LoopbackServer, serving

logger = logging.getLogger(__name__)

DEFAULT_PORT = 8081
USER = "assistant"
PASSWORD = "assistant-password"
TOKEN = "assistant-token"
TABLES = ("sys_user", "incident")
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
_OPERATORS = ("STARTSWITH", "ENDSWITH", "LIKE", "=")
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
    if operator == "STARTSWITH":
        return field.startswith(value)
    if operator == "ENDSWITH":
        return field.endswith(value)
    if operator == "LIKE":
        return value in field
    return field == value


def _matches(row: dict[str, str], groups: list[list[Condition]]) -> bool:
    return all(any(_holds(row, condition) for condition in group) for group in groups)


class ServiceNowHandler(BaseHTTPRequestHandler):
    """HTTP front of the tables, attached to the server."""

    server: ServiceNowTestServer

    def do_GET(self) -> None:
        if self.path == "/":
            self._json(HTTPStatus.OK, {"result": "ServiceNow test instance"})
            return
        self._serve(lambda table, params: self._list(table, params))

    def do_POST(self) -> None:
        self._serve(lambda table, params: self._create(table), creating=True)

    def _serve(self, action: Any, creating: bool = False) -> None:
        self.server.requests_seen += 1
        if self.server.faults.latency_seconds:
            time.sleep(self.server.faults.latency_seconds)
        fault = self.server.faults.take(creating)
        if fault:
            status, headers = fault
            self._error(status, "Service unavailable", f"injected {int(status)}", headers)
            return
        if not self._authenticated():
            self._error(
                HTTPStatus.UNAUTHORIZED,
                "User Not Authenticated",
                "Required to provide Auth information",
            )
            return
        url = urlsplit(self.path)
        prefix = "/api/now/table/"
        table = url.path[len(prefix) :] if url.path.startswith(prefix) else ""
        if table not in TABLES:
            self._error(HTTPStatus.NOT_FOUND, "Invalid table", f"{url.path} does not exist")
            return
        action(table, {key: values[-1] for key, values in parse_qs(url.query).items()})

    def _list(self, table: str, params: dict[str, str]) -> None:
        rows = self.server.tables.query(table, params.get("sysparm_query", ""))
        limit = int(params.get("sysparm_limit", "10000"))
        fields = [name for name in params.get("sysparm_fields", "").split(",") if name]
        result = [
            {name: row.get(name, "") for name in fields} if fields else row for row in rows[:limit]
        ]
        self._json(HTTPStatus.OK, {"result": result})

    def _create(self, table: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            record = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError:
            self._error(HTTPStatus.BAD_REQUEST, "Invalid JSON", "The body is not JSON")
            return
        if (
            table == "incident"
            and record.get("short_description") in self.server.faults.invalid_titles
        ):
            self._error(HTTPStatus.BAD_REQUEST, "Data Policy Exception", "Description is invalid")
            return
        row = self.server.tables.insert(table, record)
        self._json(HTTPStatus.CREATED, {"result": row})

    def _authenticated(self) -> bool:
        header = self.headers.get("Authorization", "")
        basic = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        return header in (f"Basic {basic}", f"Bearer {TOKEN}")

    def _error(
        self,
        status: int,
        message: str,
        detail: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        body = {"error": {"message": message, "detail": detail}, "status": "failure"}
        self._json(status, body, headers)

    def _json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug(format, *args)


class ServiceNowTestServer(LoopbackServer):
    """The server, its tables and its fault switches."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__((host, port), ServiceNowHandler)
        self.tables = Tables()
        self.faults = Faults()
        self.requests_seen = 0


def running_servicenow() -> AbstractContextManager[ServiceNowTestServer]:
    """Serves the test instance from a background thread for the duration of a `with` block."""
    return serving(ServiceNowTestServer())


def load_users(path: Path) -> list[dict[str, str]]:
    """Directory users from a TSV file with `email`, `name` and `phone` columns."""
    with open(path, encoding="utf-8", newline="") as users:
        return [
            {"email": row["email"], "name": row["name"], "phone": row["phone"], "mobile_phone": ""}
            for row in csv.DictReader(users, delimiter="\t")
        ]


def main() -> None:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--host", default="127.0.0.1")
    cli.add_argument("--port", type=int, default=DEFAULT_PORT)
    cli.add_argument(
        "--users",
        type=Path,
        default=os.environ.get("SERVICENOW_TEST_USERS") or None,
        help="more directory users: a TSV file with email, name and phone columns",
    )
    cli.add_argument(
        "--latency-ms",
        type=int,
        default=int(os.environ.get("SERVICENOW_TEST_LATENCY_MS") or 0),
        help="answer every request this late, as real instances do (hundreds of ms)",
    )
    args = cli.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    server = ServiceNowTestServer(args.host, args.port)
    server.faults.latency_seconds = args.latency_ms / 1000
    if args.users:
        for user in load_users(args.users):
            server.tables.insert("sys_user", user)
    logger.info("ServiceNow test instance at %s (user %s, password %s)", server.url, USER, PASSWORD)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    main()
