"""`make bench`: start-up time, memory and turn latency of the whole stack.

Starts Duckling, the action server and the Rasa server on free ports with fresh
stores, places whole phone calls through the Twilio voice channel (open an incident,
then check its status) and prints the figures. Nothing here is a pass/fail gate.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from tools.call import SimulatedCall
from tools.environment import load_environment
from tools.stack import DEFAULT_MODEL, SERVICES, Stack, build_services, configure_ports
from tools.twiml import Heard

CALL_SCRIPT: list[Callable[[SimulatedCall], Heard]] = [
    lambda call: call.start(),
    lambda call: call.say("i can't reset my password"),
    lambda call: call.say("it's jane dot doe at example dot com"),
    lambda call: call.press("3"),
    lambda call: call.say("my password expired this morning"),
    lambda call: call.press("1"),
    lambda call: call.say("what's the status of my tickets"),
    lambda call: call.press("1"),
    lambda call: call.say("thanks bye"),
]


def resident_megabytes(pid: int) -> float:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main(argv: Sequence[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--calls", type=int, default=20)
    args = cli.parse_args(argv)
    load_environment()
    state = Path(tempfile.mkdtemp(prefix="helpdesk-bench-"))
    os.environ.update(
        TRACKER_STORE_DB=str(state / "tracker.db"),
        INCIDENT_DB_PATH=str(state / "incidents.db"),
        REDIS_URL="",
        SERVICENOW_INSTANCE_URL="",
    )
    configure_ports(os.environ, free=True, names=SERVICES)  # type: ignore[arg-type]
    services = build_services(SERVICES, dict(os.environ), DEFAULT_MODEL)
    stack = Stack(services)
    started = time.monotonic()
    try:
        stack.start()
        ready = time.monotonic() - started
        url = f"http://127.0.0.1:{os.environ['RASA_PORT']}"
        token = os.environ.get("TWILIO_AUTH_TOKEN", "")
        latencies: list[float] = []
        for _ in range(args.calls):
            call = SimulatedCall(url, token)
            for turn in CALL_SCRIPT:
                began = time.monotonic()
                turn(call)
                latencies.append((time.monotonic() - began) * 1000)
        memory = {
            service.name: resident_megabytes(service.process.pid)
            for service in services
            if service.process
        }
    finally:
        stack.stop()
    print(f"Stack ready after {ready:.1f} s (Duckling, action server, Rasa server)")
    print(
        "Resident memory after the calls: "
        + ", ".join(f"{n} {mb:.0f} MB" for n, mb in memory.items())
    )
    print(
        f"Turn latency over {args.calls} calls, {len(latencies)} webhooks: "
        f"median {statistics.median(latencies):.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms, "
        f"max {max(latencies):.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
