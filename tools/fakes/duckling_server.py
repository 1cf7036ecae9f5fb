"""Duckling's HTTP API served from the compiled facebook/duckling library.

`rasa/duckling` needs Docker; `pyduckling-native-phihos` ships the same Haskell
library compiled for CPython, so this module puts Duckling's own HTTP contract
(`GET /` -> `quack!`, `POST /parse` with form fields) in front of it. Rasa's
`DucklingEntityExtractor` talks to it unchanged.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import re
import time
import zoneinfo
from contextlib import AbstractContextManager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs

import duckling

from tools.runner.loopback import LoopbackServer, serving

logger = logging.getLogger(__name__)

ZONEINFO_PATH = "/usr/share/zoneinfo"
DEFAULT_TIMEZONE = "UTC"
DEFAULT_LANG = "EN"
MAX_BODY_BYTES = 64 * 1024
# The library passes text to Haskell as a C string: a NUL makes it panic. Control
# characters become spaces, one for one, so entity offsets still point into the text.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Duckling's English dimensions, as named on its HTTP API.
KNOWN_DIMENSIONS = (
    "amount-of-money",
    "credit-card-number",
    "distance",
    "duration",
    "email",
    "number",
    "ordinal",
    "phone-number",
    "quantity",
    "temperature",
    "time",
    "url",
    "volume",
)


class ParseError(ValueError):
    """A request field that Duckling cannot use; answered with 422."""


class DucklingParser:
    """Parses text with the embedded Duckling library, one request at a time."""

    def __init__(self, zoneinfo_path: str = ZONEINFO_PATH) -> None:
        self._time_zones = duckling.load_time_zones(zoneinfo_path)
        self._valid_zones = zoneinfo.available_timezones()

    def parse(self, fields: dict[str, str]) -> list[dict[str, Any]]:
        """Answers a `/parse` request given its form fields."""
        text = _CONTROL_CHARACTERS.sub(" ", fields.get("text") or "")
        if not text:
            raise ParseError("Need a 'text' parameter to parse")
        tz = fields.get("tz") or DEFAULT_TIMEZONE
        if tz not in self._valid_zones:
            raise ParseError(f"Unknown time zone {tz!r}")
        context = duckling.Context(self._reference_time(fields, tz), self._locale(fields))
        dimensions = duckling.parse_dimensions(self._dimensions(fields))
        latent = fields.get("latent", "false").lower() == "true"
        return duckling.parse(text, context, dimensions, latent)

    def _reference_time(self, fields: dict[str, str], tz: str) -> Any:
        reftime = fields.get("reftime")
        if not reftime:
            return duckling.get_current_ref_time(self._time_zones, tz)
        try:
            milliseconds = int(reftime)
        except ValueError as error:
            raise ParseError("'reftime' must be milliseconds since the epoch") from error
        return duckling.parse_ref_time(self._time_zones, tz, milliseconds // 1000)

    @staticmethod
    def _locale(fields: dict[str, str]) -> Any:
        locale = fields.get("locale")
        lang = fields.get("lang") or (locale.split("_")[0] if locale else DEFAULT_LANG)
        default = duckling.default_locale_lang(duckling.parse_lang(lang.upper()))
        return duckling.parse_locale(locale, default) if locale else default

    @staticmethod
    def _dimensions(fields: dict[str, str]) -> list[str]:
        raw = fields.get("dims")
        if not raw:
            return []
        try:
            dims = json.loads(raw)
        except json.JSONDecodeError as error:
            raise ParseError("'dims' must be a JSON list of dimension names") from error
        if not isinstance(dims, list) or not all(isinstance(d, str) for d in dims):
            raise ParseError("'dims' must be a JSON list of dimension names")
        unknown = sorted(set(dims) - set(KNOWN_DIMENSIONS))
        if unknown:
            raise ParseError(f"Unknown dimensions: {', '.join(unknown)}")
        return dims


class DucklingHandler(BaseHTTPRequestHandler):
    """HTTP front of a `DucklingParser`, attached to the server as `parser`."""

    server: DucklingHTTPServer

    def do_GET(self) -> None:
        if self.path.split("?")[0] == "/":
            self._reply(HTTPStatus.OK, b"quack!", "text/plain")
        else:
            self._reply(HTTPStatus.NOT_FOUND, b"Not found", "text/plain")

    def do_POST(self) -> None:
        if self.path.split("?")[0] != "/parse":
            self._reply(HTTPStatus.NOT_FOUND, b"Not found", "text/plain")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, b"Body too large", "text/plain")
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        fields = {key: values[-1] for key, values in parse_qs(body).items()}
        try:
            result = self.server.parser.parse(fields)
        except ParseError as error:
            self._reply(HTTPStatus.UNPROCESSABLE_ENTITY, str(error).encode(), "text/plain")
            return
        self._reply(HTTPStatus.OK, json.dumps(result).encode(), "application/json")

    def _reply(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        # Request lines carry no caller text, but the default writes to stderr unformatted.
        logger.debug(format, *args)


class DucklingHTTPServer(LoopbackServer):
    """A threading HTTP server that owns one `DucklingParser`."""

    def __init__(self, host: str, port: int, parser: DucklingParser | None = None) -> None:
        super().__init__((host, port), DucklingHandler)
        self.parser = parser or DucklingParser()


def running_duckling(
    host: str = "127.0.0.1", port: int = 0
) -> AbstractContextManager[DucklingHTTPServer]:
    """Serves Duckling from a background thread for the duration of a `with` block."""
    return serving(DucklingHTTPServer(host, port))


def main(argv: list[str] | None = None) -> None:
    """Runs the server in the foreground until interrupted."""
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--host", default="127.0.0.1")
    cli.add_argument("--port", type=int, default=8000)
    args = cli.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    started = time.monotonic()
    server = DucklingHTTPServer(args.host, args.port)
    logger.info(
        "Duckling listening on %s (ready in %.1f s)", server.url, time.monotonic() - started
    )
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    server.server_close()


if __name__ == "__main__":
    main()
