"""Measuring calls under load: timed webhooks, tallies, percentiles and process memory."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import requests
from prometheus_client.parser import text_string_to_metric_families

from tools.phone.call import STATUS_PATH, SimulatedCall


@dataclass
class Tally:
    """What all callers measured, added up under a lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    calls: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    told_incidents: int = 0

    def turn(self, seconds: float, status: int) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[status] += 1


class TimedCall(SimulatedCall):
    """A simulated call that records each webhook's latency and status."""

    def __init__(self, url: str, token: str, caller: str, tally: Tally) -> None:
        super().__init__(url, token, caller=caller)
        self.tally = tally

    def post(
        self, url: str, params: dict[str, str], idempotency_token: str | None = None
    ) -> requests.Response:
        started = time.monotonic()
        reply = super().post(url, params, idempotency_token)
        self.tally.turn(time.monotonic() - started, reply.status_code)
        return reply

    def completed(self) -> None:
        """Twilio's status callback at the end of every call, whoever hung up: not a
        turn the caller waits for, so not timed."""
        reply = SimulatedCall.post(self, STATUS_PATH, self.line.status_callback("completed", 42))
        reply.raise_for_status()


def resident_megabytes(pid: int) -> float:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(port: int) -> Samples:
    """A server's /metrics, as (name, sorted labels) -> value."""
    text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
