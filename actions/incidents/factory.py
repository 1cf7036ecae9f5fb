"""Chooses the incident backend from the environment."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from actions.incidents import IncidentBackend
from actions.incidents.embedded import EmbeddedIncidentStore
from actions.incidents.outbox import RETRY_FIRST_SECONDS, Outbox
from actions.incidents.reliable import OutboxWorker, ReliableServiceNow
from actions.incidents.servicenow import ServiceNowIncidents
from actions.incidents.servicenow_config import ServiceNowConfig
from actions.storage.places import incidents_url, open_database, outbox_url
from helpdesk import environment as env
from helpdesk import variables as names

# Backend calls block (requests, sqlite3); they run here, at most this many at once,
# so that one slow ServiceNow answer does not stall every other caller's actions.
BACKEND_THREADS = env.integer(names.BACKEND_THREADS, 16, minimum=1)
_BACKEND_POOL = ThreadPoolExecutor(BACKEND_THREADS, thread_name_prefix="incident-backend")
Result = TypeVar("Result")


@functools.lru_cache(maxsize=1)
def incident_backend() -> IncidentBackend:
    """ServiceNow with an outbox if `SERVICENOW_INSTANCE_URL` is set, else the embedded store."""
    config = ServiceNowConfig.from_environment()
    if config is None:
        return EmbeddedIncidentStore(open_database(incidents_url()))
    retry_seconds = outbox_retry_seconds()
    backend = ReliableServiceNow(
        ServiceNowIncidents(config),
        Outbox(open_database(outbox_url()), retry_seconds),
        config.longest_delivery,
    )
    OutboxWorker(backend, retry_seconds).start()
    return backend


def outbox_retry_seconds() -> float:
    """OUTBOX_RETRY_SECONDS: the first wait before an undelivered incident is sent again."""
    return env.positive(names.OUTBOX_RETRY_SECONDS, RETRY_FIRST_SECONDS)


class UsesIncidentBackend:
    """Gives an action the process-wide backend, or the one a test hands it."""

    def __init__(self, backend: IncidentBackend | None = None) -> None:
        self._backend = backend

    @property
    def backend(self) -> IncidentBackend:
        return self._backend or incident_backend()

    async def off_loop(self, call: Callable[[], Result]) -> Result:
        """Runs a blocking backend call in the bounded pool, off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(_BACKEND_POOL, call)
