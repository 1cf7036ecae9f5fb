"""Nothing lost: ServiceNow behind the outbox, and the worker that empties it."""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import datetime, timedelta, timezone

from actions.incidents import (
    TYPED,
    Caller,
    Incident,
    IncidentRejected,
    IncidentServiceError,
    MajorIncident,
    Reported,
)
from actions.incidents.metrics import OUTBOX_DEAD, OUTBOX_OLDEST_SECONDS, OUTBOX_WAITING
from actions.incidents.outbox import Outbox, PendingIncident
from actions.incidents.servicenow import ServiceNowIncidents
from helpdesk.privacy import mask_email

logger = logging.getLogger(__name__)


class ReliableServiceNow:
    """ServiceNow behind an outbox: a failed create is recorded and delivered later, once."""

    def __init__(self, servicenow: ServiceNowIncidents, outbox: Outbox, lease: timedelta) -> None:
        self._servicenow = servicenow
        self._outbox = outbox
        # How long a worker holds an entry it delivers: longer than a delivery can take.
        self._lease = lease
        self._delivering = threading.Lock()

    registers_new_callers = False

    def find_caller_by_email(self, email: str) -> Caller | None:
        return self._servicenow.find_caller_by_email(email)

    def known_domains(self) -> list[str]:
        return self._servicenow.known_domains()

    def addresses_like(self, email: str) -> list[str]:
        return self._servicenow.addresses_like(email)

    def find_caller_by_phone(self, phone: str) -> Caller | None:
        return self._servicenow.find_caller_by_phone(phone)

    def bind_phone(self, caller: Caller, phone: str) -> Caller:
        return self._servicenow.bind_phone(caller, phone)

    def create_incident(
        self,
        caller: Caller,
        title: str,
        description: str,
        priority: str,
        reported: Reported = TYPED,
    ) -> Incident:
        correlation_id = uuid.uuid4().hex
        try:
            return self._servicenow.create_incident(
                caller,
                title,
                description,
                priority,
                reported,
                correlation_id=correlation_id,
            )
        except IncidentServiceError as error:
            logger.warning(
                "Recorded an incident for %s in the outbox: %s", mask_email(caller.email), error
            )
            pending = PendingIncident(
                correlation_id=correlation_id,
                caller=caller,
                title=title,
                description=description,
                priority=priority,
                # To the microsecond: entries are tried in the order they were recorded.
                recorded_at=datetime.now(timezone.utc),
                reported=reported,
            )
            self._outbox.add(pending)
            return pending.as_incident()

    def major_incidents(self) -> list[MajorIncident]:
        return self._servicenow.major_incidents()

    def list_incidents(self, caller: Caller, include_closed: bool = False) -> list[Incident]:
        waiting = [pending.as_incident() for pending in reversed(self._outbox.pending(caller))]
        return waiting + self._servicenow.list_incidents(caller, include_closed)

    def deliver_pending(self, now: datetime | None = None) -> int:
        """Files the entries that are due; returns how many went.

        A refused entry is dead-lettered and the others go on; any other failure puts
        that entry off and ends the pass, so an outage is not hammered entry by entry.
        Each entry is claimed first: one another action server holds is left to it, and
        one whose worker died is taken over when its lease ends.
        """
        now = now or datetime.now(timezone.utc)
        delivered = 0
        with self._delivering:
            for pending in self._outbox.due(now):
                if not self._outbox.claim(pending.correlation_id, now, self._lease):
                    continue
                try:
                    filed = self._file(pending)
                except IncidentRejected as error:
                    self._outbox.dead_letter(pending.correlation_id, str(error))
                    logger.error(
                        "ServiceNow refused an incident recorded for %s; dead-lettered: %s",
                        mask_email(pending.caller.email),
                        error,
                    )
                    continue
                except IncidentServiceError as error:
                    self._outbox.retry_later(pending.correlation_id, now)
                    logger.warning("Outbox delivery paused: %s", error)
                    break
                self._outbox.delivered(pending.correlation_id)
                logger.info("Delivered a recorded incident as %s", filed.number)
                delivered += 1
            depth = self._outbox.depth(now)
        OUTBOX_WAITING.set(depth.waiting)
        OUTBOX_OLDEST_SECONDS.set(depth.oldest_seconds)
        OUTBOX_DEAD.set(depth.dead)
        if depth.waiting or depth.dead:
            logger.warning(
                "Outbox: %d waiting (oldest %.0f s), %d dead-lettered",
                depth.waiting,
                depth.oldest_seconds,
                depth.dead,
            )
        return delivered

    def _file(self, pending: PendingIncident) -> Incident:
        # A create that timed out may still have reached ServiceNow.
        filed = self._servicenow.find_incident_by_correlation(pending.correlation_id)
        if filed is not None:
            return filed
        return self._servicenow.create_incident(
            pending.caller,
            pending.title,
            pending.description,
            pending.priority,
            pending.reported,
            correlation_id=pending.correlation_id,
        )


class OutboxWorker(threading.Thread):
    """Retries the outbox in the background of the action server."""

    def __init__(self, backend: ReliableServiceNow, interval_seconds: float) -> None:
        super().__init__(name="incident-outbox", daemon=True)
        self._backend = backend
        self._interval = interval_seconds
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.wait(self._interval):
            try:
                self._backend.deliver_pending()
            except Exception:
                logger.exception("Outbox delivery failed unexpectedly")

    def stop(self) -> None:
        self._stopped.set()
