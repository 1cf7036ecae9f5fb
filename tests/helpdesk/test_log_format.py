"""JSON log lines: one event a line, with the call and turn being handled."""

from __future__ import annotations

import asyncio
import json
import logging
import sys

from helpdesk.log_format import JsonFormatter, set_logging_call, use_configured_log_format


def record(message: str, **extra: object) -> logging.LogRecord:
    line = logging.LogRecord("channels.twilio_voice", logging.INFO, "", 0, message, None, None)
    line.__dict__.update(extra)
    return line


def test_a_line_carries_the_call_and_turn_of_the_task_that_logged_it() -> None:
    async def handle(call_sid: str, turn: int) -> dict:
        set_logging_call(call_sid, turn)
        await asyncio.sleep(0)  # another request's task runs here meanwhile
        return json.loads(JsonFormatter().format(record("answered")))

    async def two_requests() -> list[dict]:
        return list(await asyncio.gather(handle("CA1", 3), handle("CA2", 7)))

    first, second = asyncio.run(two_requests())
    assert (first["call_sid"], first["turn"], second["call_sid"], second["turn"]) == (
        "CA1",
        3,
        "CA2",
        7,
    )
    assert first["message"] == "answered" and first["level"] == "INFO"


def test_extra_fields_and_errors_go_into_the_line() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        failed = record("failed", call_summary={"outcome": "other"})
        failed.exc_info = sys.exc_info()
    line = json.loads(JsonFormatter().format(failed))
    assert line["call_summary"] == {"outcome": "other"}
    assert "ValueError: boom" in line["error"]


def test_json_is_chosen_by_log_format() -> None:
    handler = logging.StreamHandler()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        use_configured_log_format({"LOG_FORMAT": "text"})
        assert not isinstance(handler.formatter, JsonFormatter)
        use_configured_log_format({"LOG_FORMAT": "json"})
        assert isinstance(handler.formatter, JsonFormatter)
    finally:
        root.removeHandler(handler)
