"""The action server's metrics: actions and outage offers (ServiceNow calls and the
outbox are counted in actions/incidents/metrics.py).

Served on `ACTION_METRICS_PORT` (127.0.0.1 unless `METRICS_ADDRESS` says otherwise),
in Prometheus' exposition format.
"""

from __future__ import annotations

import time

import pluggy
from prometheus_client import Counter, Histogram
from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.incidents.metrics import LATENCY_BUCKETS
from helpdesk.log_format import set_logging_call
from helpdesk.turn_metadata import TURN_KEY

hookimpl = pluggy.HookimplMarker("rasa_sdk")
ACTION_SECONDS = Histogram(
    "helpdesk_action_seconds",
    "Time to run an action, by action",
    ["action"],
    buckets=LATENCY_BUCKETS,
)
ACTION_ERRORS = Counter(
    "helpdesk_action_errors_total", "Actions answered with an error", ["action"]
)
OUTAGE_OFFERS = Counter(
    "helpdesk_outage_offers_total",
    "Callers offered to join a known outage, by answer (joined, declined)",
    ["answer"],
)


class ActionMetrics:
    """rasa-sdk plugin: times every action the webhook runs."""

    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        @app.middleware("request")
        async def started(request: Request) -> None:
            request.ctx.started = time.monotonic()
            if request.path == "/webhook":
                _name_the_call(request)

        @app.middleware("response")
        async def finished(request: Request, response: HTTPResponse) -> None:
            if request.path != "/webhook" or not hasattr(request.ctx, "started"):
                return
            action = _action_name(request)
            ACTION_SECONDS.labels(action).observe(time.monotonic() - request.ctx.started)
            if response.status >= 400:
                ACTION_ERRORS.labels(action).inc()


def _name_the_call(request: Request) -> None:
    """Marks this request's log lines with the call SID and turn the action serves."""
    try:
        body = request.json or {}
        metadata = body.get("tracker", {}).get("latest_message", {}).get("metadata") or {}
        turn = metadata.get(TURN_KEY)
        set_logging_call(str(body.get("sender_id") or ""), turn if isinstance(turn, int) else None)
    except Exception:  # a body that is not JSON is rasa-sdk's to refuse, not ours
        return


def _action_name(request: Request) -> str:
    try:
        return str((request.json or {}).get("next_action") or "unknown")
    except Exception:  # a body that is not JSON is rasa-sdk's to refuse, not ours
        return "unknown"
