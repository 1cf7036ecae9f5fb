"""Outages the desk already works on: said at the greeting, offered to callers whose
problem sounds like one of them, so that they join it instead of filing a duplicate."""

from __future__ import annotations

import logging
import re
import threading
import time
import weakref
from collections.abc import Callable

from actions.incidents import IncidentBackend, IncidentServiceError, MajorIncident
from helpdesk import environment as env
from helpdesk import variables as names

logger = logging.getLogger(__name__)

DEFAULT_REFRESH_SECONDS = 30.0
# Words that say nothing about which service is affected.
_NOT_SIGNIFICANT = frozenset({
    "the", "and", "for", "with", "from", "into", "about", "our", "your", "their", "his",
    "her", "its", "this", "that", "these", "those", "are", "was", "were", "been", "being",
    "have", "has", "had", "can", "cannot", "can't", "won't", "don't", "doesn't", "isn't",
    "not", "down", "out", "off", "working", "work", "works", "broken", "problem",
    "problems", "issue", "issues", "outage", "trouble", "help", "please", "everyone",
    "everybody", "anyone", "nobody", "again", "still", "today", "since", "now", "just",
    "all", "any", "some", "very", "really", "get", "got", "getting", "keep", "keeps",
    "going",
})  # fmt: skip


class KnownOutages:
    """A backend's major incidents, read at most every `refresh_seconds`.

    Every greeting asks; the incident system is asked twice a minute at most. While it
    cannot answer, the outages last known are kept.
    """

    def __init__(
        self,
        backend: IncidentBackend,
        refresh_seconds: float = DEFAULT_REFRESH_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._backend = backend
        self._refresh_seconds = refresh_seconds
        self._clock = clock
        self._known: list[MajorIncident] = []
        self._read_at: float | None = None
        self._lock = threading.Lock()

    def cached(self) -> list[MajorIncident] | None:
        """The outages known, while they are fresh; None when they are to be read again."""
        fresh = self._read_at is not None and self._clock() - self._read_at < self._refresh_seconds
        return self._known if fresh else None

    def current(self) -> list[MajorIncident]:
        """The open major incidents, newest first (blocks while it reads them)."""
        with self._lock:
            now = self._clock()
            if self._read_at is not None and now - self._read_at < self._refresh_seconds:
                return self._known
            self._read_at = now
            try:
                self._known = self._backend.major_incidents()
            except IncidentServiceError as error:
                logger.warning("Reading the major incidents failed: %s", error)
            return self._known


_KNOWN: weakref.WeakKeyDictionary[IncidentBackend, KnownOutages] = weakref.WeakKeyDictionary()
_KNOWN_LOCK = threading.Lock()


def outages_of(backend: IncidentBackend) -> KnownOutages:
    """The backend's outages, kept for OUTAGE_REFRESH_SECONDS."""
    with _KNOWN_LOCK:
        outages = _KNOWN.get(backend)
        if outages is None:
            outages = _KNOWN[backend] = KnownOutages(backend, refresh_seconds())
    return outages


def refresh_seconds() -> float:
    """OUTAGE_REFRESH_SECONDS: how long a list of outages is used before it is read again."""
    return env.number(names.OUTAGE_REFRESH_SECONDS, DEFAULT_REFRESH_SECONDS, 0.0)


def significant_words(text: str) -> set[str]:
    """The words of a text that name what is affected, plural and singular alike."""
    words = re.findall(r"[a-z']+", text.lower())
    return {
        word.removesuffix("s") if len(word) > 3 else word
        for word in words
        if len(word) > 2 and word not in _NOT_SIGNIFICANT
    }


def matching_outage(problem: str, outages: list[MajorIncident]) -> MajorIncident | None:
    """The outage sharing the most significant words with the caller's problem, if any."""
    said = significant_words(problem)
    shared = [(len(said & significant_words(outage.title)), outage) for outage in outages]
    best = max(shared, key=lambda pair: pair[0], default=(0, None))
    return best[1] if best[0] else None


def spoken_outages(outages: list[MajorIncident]) -> str:
    """ "Email is down" or "Email is down, and 2 other problems", for the greeting."""
    if len(outages) <= 1:
        return outages[0].title if outages else ""
    others = len(outages) - 1
    return f"{outages[0].title}, and {others} other problem{'s' if others > 1 else ''}"
