"""Log lines as JSON when `LOG_FORMAT=json`: one event a line, with the call and its turn.

Both servers use it. The voice channel (and the action server, from the request it
serves) names the call and turn being handled; every line logged while handling it,
Rasa's own included, carries them. Personal data stays masked (actions/privacy.py).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Any

from helpdesk import environment as env
from helpdesk import variables as names

_CALL: ContextVar[tuple[str, int | None] | None] = ContextVar("call", default=None)
# Attributes every LogRecord has; anything else passed in `extra` goes into the line.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def set_logging_call(call_sid: str, turn: int | None = None) -> None:
    """Marks the rest of the current task's lines (a request's) with the call SID and turn."""
    _CALL.set((call_sid, turn))


class JsonFormatter(logging.Formatter):
    """`{"time", "level", "logger", "message", "call_sid", "turn", ...extra}` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        call = _CALL.get()
        if call:
            line["call_sid"], line["turn"] = call
        line.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def use_configured_log_format(environ: Mapping[str, str] = os.environ) -> None:
    """With LOG_FORMAT=json, every handler of the root logger writes JSON lines."""
    if env.text(names.LOG_FORMAT, environ=environ).lower() == "json":
        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonFormatter())
