"""A ServiceNow-compatible test server: the Table API subset the assistant uses.

Serves `/api/now/table/sys_user` and `/api/now/table/incident` with basic or bearer
auth, ServiceNow's JSON error bodies, and switches for latency, 429 with Retry-After,
and 5xx, so that the ServiceNow backend can be tested over real HTTP.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import logging
import os
import time
from contextlib import AbstractContextManager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tools.fakes.servicenow_data import Faults, Tables, Tokens, load_users
from tools.runner.loopback import LoopbackServer, serving

logger = logging.getLogger(__name__)

DEFAULT_PORT = 8081
USER = "assistant"
PASSWORD = "assistant-password"
TOKEN = "assistant-token"
CLIENT_ID = "assistant-client"
CLIENT_SECRET = "assistant-client-secret"
TABLES = ("sys_user", "incident")


class ServiceNowHandler(BaseHTTPRequestHandler):
    """HTTP front of the tables, attached to the server."""

    server: ServiceNowTestServer

    def do_GET(self) -> None:
        if self.path == "/":
            self._json(HTTPStatus.OK, {"result": "ServiceNow test instance"})
            return
        self._serve(lambda table, params: self._list(table, params))

    def do_POST(self) -> None:
        if self.path == "/oauth_token.do":
            self._issue_token()
            return
        self._serve(lambda table, params: self._create(table), creating=True)

    def _issue_token(self) -> None:
        """ServiceNow's OAuth endpoint: client credentials, password and refresh grants."""
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[-1] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        tokens = self.server.tokens
        grants = {
            "client_credentials": True,
            "password": (form.get("username"), form.get("password")) == (USER, PASSWORD),
            "refresh_token": form.get("refresh_token") in tokens.refresh,
        }
        client = (form.get("client_id"), form.get("client_secret")) == (CLIENT_ID, CLIENT_SECRET)
        if not client or not grants.get(form.get("grant_type", "")):
            self._json(HTTPStatus.UNAUTHORIZED, {"error": "access_denied"})
            return
        self._json(HTTPStatus.OK, tokens.issue(form["grant_type"]))

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
        issued = header.startswith("Bearer ") and self.server.tokens.valid(header[7:])
        return header in (f"Basic {basic}", f"Bearer {TOKEN}") or issued

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
        self.tokens = Tokens()
        self.requests_seen = 0


def running_servicenow() -> AbstractContextManager[ServiceNowTestServer]:
    """Serves the test instance from a background thread for the duration of a `with` block."""
    return serving(ServiceNowTestServer())


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
    cli.add_argument(
        "--major-incident",
        default="",
        metavar="TITLE",
        help="an accepted major incident (an outage callers hear of), e.g. 'Email is down'",
    )
    args = cli.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    server = ServiceNowTestServer(args.host, args.port)
    server.faults.latency_seconds = args.latency_ms / 1000
    if args.users:
        for user in load_users(args.users):
            server.tables.insert("sys_user", user)
    if args.major_incident:
        server.tables.insert(
            "incident",
            {"short_description": args.major_incident, "major_incident_state": "accepted"},
        )
    logger.info("ServiceNow test instance at %s (user %s, password %s)", server.url, USER, PASSWORD)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    main()
