"""A stand-in for Twilio's Messages API on 127.0.0.1, with Twilio's wire format.

`POST /2010-04-01/Accounts/{AccountSid}/Messages.json` with HTTP basic auth (an API key
SID and secret) and a form of `To`, `From` and `Body` answers 201 and the message
resource as Twilio returns it; a missing field or a wrong key gets Twilio's error
body. The messages it took are kept for the tests to read.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs

from tools.runner.loopback import LoopbackServer

ACCOUNT_SID = "AC" + "0" * 32
KEY_SID = "SK" + "0" * 32
KEY_SECRET = "api-key-secret"
_MESSAGES = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages\.json$")


class TwilioApiHandler(BaseHTTPRequestHandler):
    server: TwilioApiStandIn

    def do_POST(self) -> None:
        path = _MESSAGES.match(self.path)
        if path is None:
            self._error(HTTPStatus.NOT_FOUND, 20404, "The requested resource was not found")
            return
        expected = base64.b64encode(f"{KEY_SID}:{KEY_SECRET}".encode()).decode()
        if self.headers.get("Authorization") != f"Basic {expected}":
            self._error(HTTPStatus.UNAUTHORIZED, 20003, "Authenticate")
            return
        length = int(self.headers.get("Content-Length") or 0)
        form = {
            key: values[-1] for key, values in parse_qs(self.rfile.read(length).decode()).items()
        }
        if not form.get("To"):
            self._error(HTTPStatus.BAD_REQUEST, 21604, "A 'To' phone number is required.")
            return
        if not form.get("From"):
            self._error(HTTPStatus.BAD_REQUEST, 21603, "A 'From' phone number is required.")
            return
        sid = "SM" + uuid.uuid4().hex
        now = formatdate(usegmt=True)
        message = {
            "sid": sid,
            "account_sid": path.group(1),
            "to": form["To"],
            "from": form["From"],
            "body": form.get("Body", ""),
            "status": "queued",
            "direction": "outbound-api",
            "num_segments": "1",
            "num_media": "0",
            "price": None,
            "price_unit": "USD",
            "error_code": None,
            "error_message": None,
            "api_version": "2010-04-01",
            "date_created": now,
            "date_updated": now,
            "date_sent": None,
            "messaging_service_sid": None,
            "uri": f"/2010-04-01/Accounts/{path.group(1)}/Messages/{sid}.json",
            "subresource_uris": {
                "media": f"/2010-04-01/Accounts/{path.group(1)}/Messages/{sid}/Media.json"
            },
        }
        self.server.messages.append(message)
        self._json(HTTPStatus.CREATED, message)

    def _error(self, status: int, code: int, message: str) -> None:
        self._json(
            status,
            {
                "code": code,
                "message": message,
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": int(status),
            },
        )

    def _json(self, status: int, body: Any) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        return


class TwilioApiStandIn(LoopbackServer):
    """The stand-in and the messages it was asked to send."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), TwilioApiHandler)
        self.messages: list[dict[str, Any]] = []
