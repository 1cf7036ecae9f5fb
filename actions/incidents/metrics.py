"""The incident backends' metrics: ServiceNow requests and the outbox's depth.

Registered with prometheus_client's default registry, which the action server's
metrics port serves (actions/metrics.py).
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8)
SERVICENOW_SECONDS = Histogram(
    "helpdesk_servicenow_seconds",
    "Time of a ServiceNow request, by method and table",
    ["method", "table"],
    buckets=LATENCY_BUCKETS,
)
SERVICENOW_ERRORS = Counter(
    "helpdesk_servicenow_errors_total", "ServiceNow requests that failed, by status", ["status"]
)
OUTBOX_WAITING = Gauge("helpdesk_outbox_waiting", "Recorded incidents waiting for ServiceNow")
OUTBOX_OLDEST_SECONDS = Gauge(
    "helpdesk_outbox_oldest_seconds", "Age of the oldest incident waiting for ServiceNow"
)
OUTBOX_DEAD = Gauge("helpdesk_outbox_dead_letters", "Recorded incidents ServiceNow refused")
