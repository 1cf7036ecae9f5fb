"""`make soak`: many concurrent callers placing whole, varied calls for minutes on end.

Bounded in time and count, and stops by itself: N signed callers (SOAK_CALLERS, default
40) call the running stack for D minutes (SOAK_MINUTES, default 2), each call one of
open an incident, check status, reset a password, ask for help, ask for a person,
stay silent until hung up on, or say goodbye. Prints calls, turns, turns per second,
latency percentiles, errors, HTTP statuses, incidents created against incidents callers
were told about, the services' resident memory at start and end, and the tracker
database's size. Fails on any error, any mismatch, or memory growth over the bound.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

import redis
import requests
import sqlalchemy as sa

from actions.storage.places import incidents_url
from actions.storage.schema import incidents
from helpdesk import database
from tools.checkout import PROJECT_ROOT, load_environment
from tools.harness.load import Tally, TimedCall, percentile, resident_megabytes
from tools.phone.call import SimulatedCall
from tools.phone.twiml import Heard

# Resident memory may grow this much after warm-up (caches, model buffers) and no more.
MEMORY_GROWTH_BOUND = 0.25
SPOKEN_TICKET = re.compile(r"Your incident number is (I N C, [\d ,]+)\.")


def spoken_address(n: int) -> str:
    """A new caller's address; with ServiceNow, one its directory knows."""
    if os.environ.get("SERVICENOW_INSTANCE_URL"):
        return "jane dot doe at example dot com"
    return f"soak caller {n} at example dot com"


def open_incident(call: SimulatedCall, n: int) -> Heard:
    call.say("i want to open an incident")
    call.say_address(spoken_address(n))
    call.press(str(n % 3 + 1))
    call.say(f"the docking station number {n} does not charge")
    call.say("docking station")
    return call.say("yes")


def check_status(call: SimulatedCall, n: int) -> Heard:
    call.say("what's the status of my tickets")
    return call.say_address(spoken_address(n))


def reset_password(call: SimulatedCall, n: int) -> Heard:
    call.say("i can't reset my password")
    call.say_address(spoken_address(n))
    call.press("3")
    call.say("the reset link has expired")
    return call.say("yes please")


def ask_for_help(call: SimulatedCall, n: int) -> Heard:
    call.say("what can you do")
    return call.say("goodbye")


def ask_for_a_person(call: SimulatedCall, n: int) -> Heard:
    return call.say("let me talk to a person")


def stay_silent(call: SimulatedCall, n: int) -> Heard:
    call.stay_silent()
    return call.stay_silent()


def say_goodbye(call: SimulatedCall, n: int) -> Heard:
    return call.say("bye")


KINDS: dict[str, Callable[[SimulatedCall, int], Heard]] = {
    "open": open_incident,
    "status": check_status,
    "password": reset_password,
    "help": ask_for_help,
    "person": ask_for_a_person,
    "silence": stay_silent,
    "goodbye": say_goodbye,
}
EXPECTED_ENDINGS = {
    "open": "Your incident number is",
    "status": "",
    "password": "Your incident number is",
    "help": "Goodbye",
    "person": "",
    "silence": "I'll hang up now",
    "goodbye": "Goodbye",
}


def caller(url: str, token: str, number: int, until: float, tally: Tally) -> None:
    """Places calls back to back until the deadline, one kind after another."""
    chooser = random.Random(number)
    n = number * 10_000
    while time.monotonic() < until:
        n += 1
        kind = chooser.choice(sorted(KINDS))
        call = TimedCall(url, token, f"+1500555{number:04d}", tally)
        try:
            call.start()
            heard = KINDS[kind](call, n)
            if EXPECTED_ENDINGS[kind] not in heard.text:
                raise AssertionError(f"{kind} call ended with {heard.text[:120]!r}")
            call.completed()
            with tally.lock:
                tally.calls[kind] += 1
                tally.told_incidents += len(SPOKEN_TICKET.findall(heard.text))
        except Exception as error:  # every failed call is counted and reported
            with tally.lock:
                tally.errors.append(f"{kind}: {type(error).__name__}: {error}"[:300])


def service_pids() -> dict[str, int]:
    """The stack's services, found by their command lines and ports."""
    ports = {
        "rasa": os.environ["RASA_PORT"],
        "actions": str(urlparse(os.environ["ACTION_ENDPOINT_URL"]).port),
        "duckling": str(urlparse(os.environ["RASA_DUCKLING_HTTP_URL"]).port),
    }
    found: dict[str, int] = {}
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        for name, port in ports.items():
            if f"--port {port} " in f"{command} " and "python" in command:
                found[name] = int(proc.name)
    return found


def incidents_created() -> int:
    """Incidents in the backend the stack uses: ServiceNow's table, or the embedded store
    (its SQLite file, or DATABASE_URL)."""
    servicenow = os.environ.get("SERVICENOW_INSTANCE_URL")
    if servicenow:
        reply = requests.get(
            f"{servicenow}/api/now/table/incident",
            params={"sysparm_fields": "number", "sysparm_limit": "1000000"},
            auth=(os.environ["SERVICENOW_USER"], os.environ["SERVICENOW_PASSWORD"]),
            timeout=30,
        )
        return len(reply.json()["result"])
    with database.engine(incidents_url()).connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(incidents)).scalar())


def conversations_place() -> str:
    """Where the conversations are, without a password: Redis, or the database."""
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        parsed = urlparse(redis_url)
        return f"Redis at {parsed.hostname}:{parsed.port or 6379}{parsed.path}"
    return database.masked(database.configured_url(os.environ["TRACKER_STORE_DB"]))


def conversations_megabytes() -> float:
    """The size of the conversations: Redis's memory, the SQLite file, or DATABASE_URL's."""
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        return int(redis.Redis.from_url(redis_url).info("memory")["used_memory"]) / 1e6
    url = database.configured_url(os.environ["TRACKER_STORE_DB"])
    if url.drivername == "sqlite":
        return (PROJECT_ROOT / str(url.database)).stat().st_size / 1e6
    with database.engine(url).connect() as connection:
        size = connection.execute(sa.text("SELECT pg_database_size(current_database())"))
        return int(size.scalar()) / 1e6


def main(argv: list[str] | None = None) -> int:
    load_environment()
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--callers", type=int, default=int(os.environ.get("SOAK_CALLERS", 40)))
    cli.add_argument("--minutes", type=float, default=float(os.environ.get("SOAK_MINUTES", 2)))
    args = cli.parse_args(argv)
    url = f"http://127.0.0.1:{os.environ['RASA_PORT']}"
    token = os.environ["TWILIO_AUTH_TOKEN"]
    print(f"conversations: {conversations_place()}")

    pids = service_pids()
    # Warm-up: calls for a few seconds, uncounted; memory is measured from there.
    caller(url, token, 9999, time.monotonic() + 5, Tally())
    tally = Tally()
    before = {name: resident_megabytes(pid) for name, pid in pids.items()}
    created_before = incidents_created()
    started = time.monotonic()
    until = started + args.minutes * 60
    threads = [
        threading.Thread(target=caller, args=(url, token, number, until, tally))
        for number in range(args.callers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    after = {name: resident_megabytes(pid) for name, pid in pids.items()}
    created = incidents_created() - created_before
    told = tally.told_incidents

    latencies = sorted(tally.latencies)
    p95 = percentile(latencies, 0.95) if latencies else 0.0
    print(f"{args.callers} callers for {elapsed / 60:.1f} min")
    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(tally.calls.items()))
    print(f"calls: {sum(tally.calls.values())} ({kinds})")
    print(f"turns: {len(latencies)}, {len(latencies) / elapsed:.1f} turns/s")
    if latencies:
        print(
            f"turn latency: p50 {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms"
        )
    print(f"HTTP statuses: {dict(sorted(tally.statuses.items()))}")
    print(f"errors: {len(tally.errors)}")
    for error in tally.errors[:10]:
        print(f"  {error}")
    print(f"incidents created: {created}, callers told of: {told}")
    for name in sorted(pids):
        print(f"resident memory {name}: {before[name]:.0f} MB -> {after[name]:.0f} MB")
    print(f"conversations: {conversations_megabytes():.1f} MB")
    grew = [n for n in pids if after[n] > before[n] * (1 + MEMORY_GROWTH_BOUND)]
    failures = [
        *(["errors"] if tally.errors else []),
        *(["5xx"] if any(status >= 500 for status in tally.statuses) else []),
        *(["incidents created != told"] if created != told else []),
        *([f"memory grew over {MEMORY_GROWTH_BOUND:.0%}: {grew}"] if grew else []),
    ]
    print(f"soak: {'passed' if not failures else 'FAILED: ' + ', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
