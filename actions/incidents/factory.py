"""Chooses the incident backend from the environment."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from actions.incidents import IncidentBackend
from actions.incidents.embedded import EmbeddedIncidentStore

DEFAULT_INCIDENT_DB = "var/incidents.db"


@functools.lru_cache(maxsize=1)
def incident_backend() -> IncidentBackend:
    """The process-wide backend: the embedded store at `INCIDENT_DB_PATH`."""
    return EmbeddedIncidentStore(Path(os.environ.get("INCIDENT_DB_PATH", DEFAULT_INCIDENT_DB)))


class UsesIncidentBackend:
    """Gives an action the process-wide backend, or the one a test hands it."""

    def __init__(self, backend: IncidentBackend | None = None) -> None:
        self._backend = backend

    @property
    def backend(self) -> IncidentBackend:
        return self._backend or incident_backend()
