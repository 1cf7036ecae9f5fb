"""Chooses the incident backend from the environment."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from actions.incidents import IncidentBackend
from actions.incidents.embedded import EmbeddedIncidentStore
from actions.incidents.outbox import Outbox, OutboxWorker, ReliableServiceNow
from actions.incidents.servicenow import ServiceNowConfig, ServiceNowIncidents

DEFAULT_INCIDENT_DB = "var/incidents.db"
DEFAULT_OUTBOX_DB = "var/outbox.db"


@functools.lru_cache(maxsize=1)
def incident_backend() -> IncidentBackend:
    """ServiceNow with an outbox if `SERVICENOW_INSTANCE_URL` is set, else the embedded store."""
    config = ServiceNowConfig.from_environment()
    if config is None:
        return EmbeddedIncidentStore(Path(os.environ.get("INCIDENT_DB_PATH", DEFAULT_INCIDENT_DB)))
    backend = ReliableServiceNow(
        ServiceNowIncidents(config),
        Outbox(Path(os.environ.get("OUTBOX_DB_PATH", DEFAULT_OUTBOX_DB))),
    )
    OutboxWorker(backend, float(os.environ.get("OUTBOX_RETRY_SECONDS") or 30)).start()
    return backend


class UsesIncidentBackend:
    """Gives an action the process-wide backend, or the one a test hands it."""

    def __init__(self, backend: IncidentBackend | None = None) -> None:
        self._backend = backend

    @property
    def backend(self) -> IncidentBackend:
        return self._backend or incident_backend()
