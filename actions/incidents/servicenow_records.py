"""ServiceNow's records and answers as the assistant reads them."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import requests

from actions.incidents import Incident, IncidentState

# ServiceNow computes priority from urgency and impact; with impact 2 (medium),
# urgency 1/2/3 gives priority 2 High, 3 Moderate and 4 Low in the default matrix.
URGENCY_BY_PRIORITY = {"high": "1", "medium": "2", "low": "3"}
PRIORITY_BY_URGENCY = {urgency: priority for priority, urgency in URGENCY_BY_PRIORITY.items()}
IMPACT = "2"
_SERVICENOW_TIME = "%Y-%m-%d %H:%M:%S"


def literal(value: str) -> str:
    """A value inside an encoded query: `^` separates conditions, so it is doubled."""
    return value.replace("^", "^^")


def describe_failure(method: str, table: str, reply: requests.Response) -> str:
    try:
        error = reply.json().get("error") or {}
    except ValueError:
        error = {}
    message = error.get("message") or reply.reason
    detail = f" ({error['detail']})" if error.get("detail") else ""
    reasons = {
        401: "refused the credentials",
        403: "denied access",
        404: "has no such table",
        429: "is rate limiting us",
    }
    reason = reasons.get(reply.status_code, "failed")
    return f"ServiceNow {reason}: {method} {table} -> {reply.status_code} {message}{detail}"


def incident_of(row: dict[str, Any]) -> Incident:
    try:
        state = IncidentState(int(row.get("state") or IncidentState.NEW))
    except ValueError:
        state = IncidentState.NEW
    opened = row.get("opened_at") or ""
    opened_at = (
        datetime.strptime(opened, _SERVICENOW_TIME).replace(tzinfo=timezone.utc)
        if opened
        else datetime.now(timezone.utc).replace(microsecond=0)
    )
    return Incident(
        number=row["number"],
        title=row.get("short_description", ""),
        description=row.get("description", ""),
        priority=PRIORITY_BY_URGENCY.get(str(row.get("urgency")), "medium"),
        state=state,
        opened_at=opened_at,
    )
