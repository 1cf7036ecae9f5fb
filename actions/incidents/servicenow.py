"""ServiceNow backend: the REST Table API over `requests`, with timeouts and retries."""

from __future__ import annotations

import logging
import time
from collections import Counter
from typing import Any

import requests

from actions.incidents import (
    LIST_LIMIT,
    TYPED,
    Caller,
    Incident,
    IncidentRejected,
    IncidentServiceError,
    MajorIncident,
    Reported,
)
from actions.incidents.directory import CANDIDATE_LIMIT, DOMAIN_LIMIT, candidate_patterns
from actions.incidents.metrics import SERVICENOW_ERRORS, SERVICENOW_SECONDS
from actions.incidents.phones import e164, last_digits
from actions.incidents.servicenow_config import ServiceNowConfig
from actions.incidents.servicenow_records import (
    IMPACT,
    URGENCY_BY_PRIORITY,
    describe_failure,
    incident_of,
    literal,
)
from actions.incidents.servicenow_session import servicenow_session
from actions.incidents.timed_cache import TimedCache

logger = logging.getLogger(__name__)

USER_FIELDS = "sys_id,email,name,phone,mobile_phone"
INCIDENT_FIELDS = "number,short_description,description,urgency,state,opened_at"
MAJOR_FIELDS = "sys_id,number,short_description"
# A caller hears of one outage; a few are read to match the caller's problem against.
MAJOR_LIMIT = 5
# How long a directory entry found is used before it is read again.
DIRECTORY_SECONDS = 60.0
# The organisation's domains change far more seldom; a sample of users shows them.
DOMAIN_SECONDS = 3600.0
DOMAIN_SAMPLE = 1000
# Statuses that refuse the record itself; 401 and 403 refuse the credentials, which a
# fix of the configuration cures for every record alike.
REJECTED_RECORD = (400, 422)


class ServiceNowIncidents:
    """Finds callers and opens and lists incidents in a ServiceNow instance."""

    def __init__(self, config: ServiceNowConfig) -> None:
        self._config = config
        self._session, self._oauth = servicenow_session(config)
        # A call looks its caller up at each question; the directory changes seldom.
        self._directory: TimedCache[Caller] = TimedCache(DIRECTORY_SECONDS)
        self._domains: TimedCache[list[str]] = TimedCache(DOMAIN_SECONDS)

    registers_new_callers = False

    def find_caller_by_email(self, email: str) -> Caller | None:
        key = f"email:{email.lower()}"
        caller = self._directory.get(key) or self._one_user(f"email={literal(email)}")
        if caller is not None:
            self._directory.put(key, caller)
        return caller

    def known_domains(self) -> list[str]:
        """The domains of a sample of the directory's users, most used first; read at
        most once in DOMAIN_SECONDS."""
        kept = self._domains.get("domains")
        if kept is not None:
            return kept
        rows = self._rows("sys_user", "emailISNOTEMPTY", "email", DOMAIN_SAMPLE)
        counts = Counter(str(row.get("email") or "").lower().partition("@")[2] for row in rows)
        counts.pop("", None)
        domains = [domain for domain, _ in counts.most_common(DOMAIN_LIMIT)]
        self._domains.put("domains", domains)
        return domains

    def addresses_like(self, email: str) -> list[str]:
        domain, start = (literal(part) for part in candidate_patterns(email))
        query = f"emailENDSWITH{domain}^ORemailSTARTSWITH{start}"
        rows = self._rows("sys_user", query, "email", CANDIDATE_LIMIT)
        return [str(row.get("email") or "").lower() for row in rows if row.get("email")]

    def find_caller_by_phone(self, phone: str) -> Caller | None:
        """The directory user with this number, however the directory wrote it.

        Directories hold free text, so the query finds entries ending in the same four
        digits and the comparison is made in E.164.
        """
        wanted = e164(phone, self._config.phone_region)
        tail = last_digits(wanted)
        if not wanted or not tail:
            return None
        found = self._directory.get(f"phone:{wanted}")
        if found is not None:
            return found
        query = f"phoneLIKE{tail}^ORmobile_phoneLIKE{tail}"
        for row in self._rows("sys_user", query, USER_FIELDS, CANDIDATE_LIMIT):
            caller = self._caller(row)
            if wanted in {caller.phone, caller.mobile_phone}:
                self._directory.put(f"phone:{wanted}", caller)
                return caller
        return None

    def bind_phone(self, caller: Caller, phone: str) -> Caller:
        return caller

    def create_incident(
        self,
        caller: Caller,
        title: str,
        description: str,
        priority: str,
        reported: Reported = TYPED,
        correlation_id: str = "",
    ) -> Incident:
        caller_id = caller.sys_id or (self._sys_id_of(caller.email) if caller.email else "")
        record = {
            "caller_id": caller_id,
            "short_description": title,
            "description": description,
            "urgency": URGENCY_BY_PRIORITY[priority],
            "impact": IMPACT,
            "correlation_id": correlation_id,
            "contact_type": reported.contact_type,
        }
        if reported.work_notes:
            record["work_notes"] = reported.work_notes
        if reported.parent_sys_id:
            record["parent_incident"] = reported.parent_sys_id
        routing = {
            "category": reported.category,
            "subcategory": reported.subcategory,
            "assignment_group": reported.assignment_group,
        }
        record.update({field: value for field, value in routing.items() if value})
        created = self._request("POST", "incident", json=record)
        if not isinstance(created, dict) or not created.get("number"):
            raise IncidentServiceError("ServiceNow created an incident without a number")
        return incident_of(created)

    def _sys_id_of(self, email: str) -> str:
        found = self.find_caller_by_email(email)
        if found is None:
            raise IncidentServiceError("the caller is no longer in the ServiceNow directory")
        return found.sys_id

    def find_incident_by_correlation(self, correlation_id: str) -> Incident | None:
        """The incident an earlier attempt created with this correlation ID, if any."""
        rows = self._rows(
            "incident", f"correlation_id={literal(correlation_id)}", INCIDENT_FIELDS, 1
        )
        return incident_of(rows[0]) if rows else None

    def major_incidents(self) -> list[MajorIncident]:
        """Incidents of the configured major-incident query (accepted major incidents
        still active, by default), newest first."""
        query = f"{self._config.major_incident_query}^ORDERBYDESCopened_at"
        rows = self._rows("incident", query, MAJOR_FIELDS, MAJOR_LIMIT)
        return [
            MajorIncident(row["sys_id"], row["number"], row["short_description"]) for row in rows
        ]

    def list_incidents(self, caller: Caller, include_closed: bool = False) -> list[Incident]:
        # Open incidents unless asked: a caller wants where things stand, not the archive.
        active = "" if include_closed else "^active=true"
        # opened_at has one-second resolution; the number breaks ties.
        query = f"caller_id={literal(caller.sys_id)}{active}^ORDERBYDESCopened_at^ORDERBYDESCnumber"
        return [
            incident_of(row) for row in self._rows("incident", query, INCIDENT_FIELDS, LIST_LIMIT)
        ]

    def _one_user(self, query: str) -> Caller | None:
        rows = self._rows("sys_user", query, USER_FIELDS, 1)
        return self._caller(rows[0]) if rows else None

    def _caller(self, row: dict[str, Any]) -> Caller:
        """A directory row, its numbers in E.164 (kept as written when they are not one)."""
        region = self._config.phone_region
        phone, mobile = row.get("phone") or "", row.get("mobile_phone") or ""
        return Caller(
            sys_id=row["sys_id"],
            email=row.get("email", "").lower(),
            name=row.get("name", ""),
            phone=e164(phone, region) or phone,
            mobile_phone=e164(mobile, region) or mobile,
        )

    def _rows(self, table: str, query: str, fields: str, limit: int) -> list[dict[str, Any]]:
        params = {"sysparm_query": query, "sysparm_fields": fields, "sysparm_limit": str(limit)}
        rows = self._request("GET", table, params=params)
        if not isinstance(rows, list):
            raise IncidentServiceError(f"ServiceNow answered a {table} query without a list")
        return rows

    def _request(self, method: str, table: str, **kwargs: Any) -> Any:
        reply = self._send(method, table, **kwargs)
        if reply.status_code == 401 and self._oauth is not None:
            # Revoked or expired early: one more try with a new token.
            self._oauth.refused()
            reply = self._send(method, table, **kwargs)
        if reply.status_code >= 400:
            SERVICENOW_ERRORS.labels(str(reply.status_code)).inc()
        if reply.status_code in REJECTED_RECORD:
            raise IncidentRejected(describe_failure(method, table, reply))
        if reply.status_code >= 400:
            raise IncidentServiceError(describe_failure(method, table, reply))
        try:
            return reply.json()["result"]
        except (ValueError, KeyError) as error:
            raise IncidentServiceError(f"ServiceNow {method} {table}: no JSON result") from error

    def _send(self, method: str, table: str, **kwargs: Any) -> requests.Response:
        url = f"{self._config.instance_url}/api/now/table/{table}"
        headers = {"Authorization": self._oauth.header()} if self._oauth else {}
        started = time.monotonic()
        try:
            return self._session.request(
                method,
                url,
                headers=headers,
                timeout=(self._config.connect_timeout, self._config.read_timeout),
                **kwargs,
            )
        except requests.RequestException as error:
            SERVICENOW_ERRORS.labels("unreachable").inc()
            raise IncidentServiceError(f"ServiceNow {method} {table} failed: {error}") from error
        finally:
            SERVICENOW_SECONDS.labels(method, table).observe(time.monotonic() - started)
