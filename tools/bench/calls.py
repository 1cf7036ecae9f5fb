"""`make bench`: turn latency and throughput against Rasa's own Twilio channel, in one run.

Starts Duckling and the action server once, then four Rasa servers with the same
model: (a) this project's (voice channel, SQL tracker store, speed-ups), (b) Rasa's
built-in `rasa.core.channels.twilio_voice` with the in-memory tracker store, and (c)
the same built-in channel with Rasa's own SQL tracker store on the project's database
(what a Rasa team that must not lose calls runs), both started as (a) is, with this
project's fixes of Rasa internals, so that only the channel and the store differ; and
(d) the built-in channel in memory started as `rasa run` is, without those fixes: what
a Rasa user gets out of the box. The speed issue's goals are judged against (b) and
(c). Zero-think callers place whole spoken calls (reset a password, check the
status) at 1, 20 and 40 at once; the servers take turns call by call (each caller's
first call on every server, then the second...), so that a slow minute of the machine
falls on every column alike, and the whole round runs twice, so that what noise is
left shows. At 20 calls, the turns include this project's servers in front of the
ServiceNow test instance answering every request 300 ms late, weighed against the
same round's 20 calls. Prints every column, the ratios, memory and start-up, and which
goals of the speed issue are met; then the streaming line on the same server
(tools/bench/relay.py) at 1, 20, 40 and 200 sessions, and what an open session costs
in memory. Absolute times vary between machines; the ratio in the same run is the figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL

from helpdesk import database
from tools.bench.relay import RelayLoad, held_open, place_relay_calls
from tools.checkout import load_environment
from tools.fakes import servicenow_server
from tools.harness.load import Tally, TimedCall, percentile, resident_megabytes, scrape
from tools.runner.processes import Output, Service, free_port
from tools.runner.stack import DEFAULT_MODEL, build_services, configure_ports, prepare_storage

# Spoken answers only: Rasa's own channel has no keypad menus.
SCRIPT = (
    "i can't reset my password",
    "jane dot doe at example dot com",
    "high",
    "my password expired this morning",
    "yes",
    "what's the status of my tickets",
    "yes",
    "thanks bye",
)
# Rasa's channel, kept from failing on text-less messages (tools/bench/rasa_baseline.py).
BUILT_IN_CREDENTIALS = (
    "tools.bench.rasa_baseline.TextOnlyTwilioVoiceInput:\n  initial_prompt: hello\n"
)
IN_MEMORY_ENDPOINTS = (
    "action_endpoint:\n  url: ${ACTION_ENDPOINT_URL}\n  headers:\n"
    "    Authorization: Bearer ${ACTION_SERVER_TOKEN}\n"
)
ROUNDS = 2
# How late the ServiceNow test instance answers in the slow-backend run, and at how
# many concurrent calls that run is measured.
LATE_SECONDS = 0.3
SLOW_CALLERS = 20
# The round digit of the callers' numbers in the call that warms each server up.
WARM_UP = 9
COLUMNS = ("this project", "Rasa, in memory", "Rasa, SQL store", "rasa run, in memory")
# How a server is started: through this project's entry point, with its fixes of Rasa
# internals, or as `rasa run` is, without them.
PROJECT_ENTRY = "helpdesk.rasa_server"
AS_INSTALLED = "rasa"


def sql_endpoints(url: URL) -> str:
    """IN_MEMORY_ENDPOINTS with Rasa's own SQL tracker store on the database at `url`."""
    settings = {
        "type": "SQL",
        "dialect": url.get_backend_name(),
        "db": url.database,
        "url": url.host,  # Rasa passes an endpoint's `url` as the store's host
        "port": url.port,
        "username": url.username,
        "password": url.password,
    }
    lines = [f"  {key}: {json.dumps(value)}" for key, value in settings.items() if value]
    return IN_MEMORY_ENDPOINTS + "tracker_store:\n" + "\n".join(lines) + "\n"


@dataclass
class Load:
    callers: int
    turns: int
    seconds: float
    latencies: list[float]
    errors: int
    first_error: str = ""

    @property
    def per_second(self) -> float:
        return self.turns / self.seconds

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies or [0.0])

    @property
    def p95(self) -> float:
        return percentile(self.latencies or [0.0], 0.95)


def combined(parts: Sequence[Load]) -> Load:
    """One load measured in parts: their turns over their time, all their latencies."""
    errors = [part.first_error for part in parts if part.first_error]
    return Load(
        parts[0].callers,
        sum(part.turns for part in parts),
        sum(part.seconds for part in parts),
        [latency for part in parts for latency in part.latencies],
        sum(part.errors for part in parts),
        errors[0] if errors else "",
    )


def interleaved(place: Callable[[int, int], Load], columns: int, turns: int) -> list[Load]:
    """Each column's load, measured in `turns` parts with the columns taking turns
    (`place(column, part)`: part 0 of every column, then part 1...): the machine's
    noise moves within seconds on a shared host, and columns measured minutes apart
    would compare it, not the servers."""
    parts: list[list[Load]] = [[] for _ in range(columns)]
    for part in range(turns):
        for column in range(columns):
            parts[column].append(place(column, part))
    return [combined(column) for column in parts]


def place_calls(
    url: str,
    token: str,
    callers: int,
    calls_each: int,
    round_: int = 0,
    status: bool = True,
    first_call: int = 0,
) -> Load:
    """`callers` at once, each placing `calls_each` scripted calls back to back (numbered
    from `first_call`); with `status`, each call ends with Twilio's status callback
    (Rasa's channel has none)."""
    tally = Tally()

    def caller(number: int) -> None:
        for n in range(first_call, first_call + calls_each):
            # Rasa's channel keys conversations on the caller's number: one each call.
            call = TimedCall(url, token, f"+1500{round_}{number:03d}{n:04d}", tally)
            try:
                call.start()
                for line in SCRIPT:
                    # This project reads a spoken address back: one more turn, timed too.
                    call.confirm_read_back(call.say(line))
                if status:
                    call.completed()
            except Exception as error:  # counted and reported
                with tally.lock:
                    tally.errors.append(f"{type(error).__name__}: {error}")

    started = time.monotonic()
    threads = [threading.Thread(target=caller, args=(n,)) for n in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    return Load(
        callers,
        len(tally.latencies),
        seconds,
        tally.latencies,
        len(tally.errors) + sum(n for s, n in tally.statuses.items() if s >= 500),
        tally.errors[0][:200] if tally.errors else "",
    )


def rasa_server(
    environ: dict[str, str], credentials: str, endpoints: str, entry: str = PROJECT_ENTRY
) -> Service:
    port = free_port()
    command = [
        sys.executable, "-m", entry, "run", "--port", str(port),
        "--model", DEFAULT_MODEL, "--credentials", credentials, "--endpoints", endpoints,
    ]  # fmt: skip
    return Service("rasa", command, f"http://127.0.0.1:{port}/", environ=environ)


def started(service: Service, output: Output) -> float:
    began = time.monotonic()
    service.start(output)
    service.wait_until_ready()
    return time.monotonic() - began


def url_of(service: Service) -> str:
    return service.health_url.rstrip("/")


def measure_round(
    servers: Sequence[Service],
    slow: Service,
    ours: Sequence[Service],
    token: str,
    loads: Sequence[tuple[int, int]],
    round_: int,
) -> tuple[list[list[Load]], Load]:
    """One round: every load on every server, the servers taking turns call by call; at
    20 calls `slow` takes its turns too. Each server's loads, and the slow one's."""
    columns: list[list[Load]] = [[] for _ in servers]
    late: Load | None = None
    for callers, calls in loads:
        row = [*servers, slow] if callers == SLOW_CALLERS else list(servers)

        def place(column: int, part: int, row: list[Service] = row, callers: int = callers) -> Load:
            server = row[column]
            return place_calls(
                url_of(server), token, callers, 1, round_, server in ours, first_call=part
            )

        measured = interleaved(place, len(row), calls)
        for column, load in zip(columns, measured[: len(servers)], strict=True):
            column.append(load)
        if len(row) > len(servers):
            late = measured[-1]
    assert late is not None, f"no load of {SLOW_CALLERS} calls"
    return columns, late


def measured_environment(prefix: str) -> Path:
    """The environment of a measured stack: free ports, no Redis or ServiceNow, data in
    a new folder (or, with DATABASE_URL, that database, migrated); the folder."""
    load_environment()
    state = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.update(
        TRACKER_STORE_DB=str(state / "tracker.db"),
        INCIDENT_DB_PATH=str(state / "incidents.db"),
        OUTBOX_DB_PATH=str(state / "outbox.db"),
        REDIS_URL="",
        SERVICENOW_INSTANCE_URL="",
    )
    configure_ports(os.environ, free=True, names=("duckling", "actions", "rasa"))  # type: ignore[arg-type]
    prepare_storage(dict(os.environ))
    return state


def main(argv: Sequence[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--calls-each", type=int, default=3, help="calls per concurrent caller")
    args = cli.parse_args(argv)
    state = measured_environment("helpdesk-bench-")
    print(
        f"The project's data: {database.masked(database.configured_url(str(state / 'tracker.db')))}"
    )
    (state / "credentials.yml").write_text(BUILT_IN_CREDENTIALS)
    (state / "endpoints.yml").write_text(IN_MEMORY_ENDPOINTS)
    # Rasa's own SQL store: on DATABASE_URL as the project's, else a file of its own.
    (state / "sql-endpoints.yml").write_text(
        sql_endpoints(database.configured_url(str(state / "rasa-tracker.db")))
    )
    token = os.environ.get("TWILIO_AUTH_TOKEN", "")
    output = Output(str(state / "services.log"), echo=False)
    loads = [(1, 5), (20, args.calls_each), (40, args.calls_each)]
    environ = dict(os.environ)
    metrics_port = free_port()
    duckling, actions, ours = build_services(
        ("duckling", "actions", "rasa"),
        {**environ, "METRICS_PORT": str(metrics_port)},
        DEFAULT_MODEL,
    )
    credentials = str(state / "credentials.yml")
    built_in = rasa_server(environ, credentials, str(state / "endpoints.yml"))
    built_in_sql = rasa_server(environ, credentials, str(state / "sql-endpoints.yml"))
    as_installed = rasa_server(environ, credentials, str(state / "endpoints.yml"), AS_INSTALLED)
    servers = (ours, built_in, built_in_sql, as_installed)
    with servicenow_server.running_servicenow() as servicenow:
        servicenow.faults.latency_seconds = LATE_SECONDS
        slow_actions, slow_rasa = slow_servicenow_stack(environ, servicenow.url)
        services = [duckling, actions, *servers, slow_actions, slow_rasa]
        try:
            started(duckling, output)
            started(actions, output)
            ready = started(ours, output)
            started(built_in, output)
            started(built_in_sql, output)
            started(as_installed, output)
            started(slow_actions, output)
            started(slow_rasa, output)
            # Weighed first, while the heap has no room left over from earlier loads.
            pid = ours.process.pid if ours.process else 0
            per_session = asyncio.run(open_session_kilobytes(url_of(ours), token, pid, 200))
            project = (ours, slow_rasa)  # the servers that get Twilio's status callback
            # What each server loads on first use, loaded before the rounds.
            warm_ups = [
                place_calls(url_of(server), token, 1, 1, WARM_UP, server in project)
                for server in (*servers, slow_rasa)
            ]
            # Twice: the machine's noise left after the servers' turns shows between rounds.
            rounds, late = [], []
            for round_ in range(ROUNDS):
                columns, slow = measure_round(servers, slow_rasa, project, token, loads, round_)
                rounds.append(columns)
                late.append(slow)
            counted = scrape(metrics_port).get(("helpdesk_turns_total", (("route", "webhook"),)), 0)
            memory = resident_megabytes(ours.process.pid) if ours.process else 0.0
            built_in_memory = resident_megabytes(built_in.process.pid) if built_in.process else 0.0
            streaming = [
                asyncio.run(place_relay_calls(url_of(ours), token, callers, calls, SCRIPT))
                for callers, calls in [*loads, (200, 1)]
            ]
            footprint = Footprint(ready, memory, built_in_memory, tensorflow_import_megabytes())
        finally:
            for service in services:
                service.stop()
    report(rounds, late, footprint)
    report_streaming(rounds[0][0], streaming, per_session)
    placed = warm_ups[0].turns + sum(load.turns for columns in rounds for load in columns[0])
    print(
        f"The server's own metrics counted {counted:.0f} webhook turns; the callers placed {placed}"
    )
    return 0


def slow_servicenow_stack(environ: dict[str, str], servicenow_url: str) -> list[Service]:
    """This project's action server and Rasa server in front of the ServiceNow test
    instance at `servicenow_url` (set to answer late)."""
    slow = {
        **environ,
        "SERVICENOW_INSTANCE_URL": servicenow_url,
        "SERVICENOW_USER": servicenow_server.USER,
        "SERVICENOW_PASSWORD": servicenow_server.PASSWORD,
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}/webhook",
        "RASA_PORT": str(free_port()),
    }
    return build_services(("actions", "rasa"), slow, DEFAULT_MODEL)


@dataclass
class Footprint:
    ready: float
    memory: float
    built_in_memory: float
    tensorflow: float


def tensorflow_import_megabytes() -> float:
    """What importing TensorFlow alone takes: Rasa 3.6 imports it at start (its
    featurizers, policies and training utilities do) even for a pipeline without it.
    Without JAX, as the project's entry point imports it
    (helpdesk/rasa_server/startup_imports.py)."""
    measured = subprocess.run(
        [sys.executable, "-c", "import sys; sys.modules['jax'] = None; "
         "import resource, tensorflow; "
         "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return int(measured.stdout.split()[-1]) / 1024


def report(rounds: list[list[list[Load]]], late: list[Load], footprint: Footprint) -> None:
    """Every column of every round, and this project's ratios against both of Rasa's."""
    print(f"{'load':<14}{'server':<20}" + "".join(f"{f'round {n + 1}':>36}" for n in range(ROUNDS)))
    for row in range(len(rounds[0][0])):
        callers = rounds[0][0][row].callers
        for column, name in enumerate(COLUMNS):
            label = f"{callers} call{'s' if callers > 1 else ''}" if column == 0 else ""
            cells = "".join(f"{describe(r[column][row]):>36}" for r in rounds)
            print(f"{label:<14}{name:<20}{cells}")
        for column, name in list(enumerate(COLUMNS))[1:]:
            ratios = ", ".join(f"{ratio(r, column, row):.2f}x" for r in rounds)
            print(f"{'':<14}{'':<20}this project / {name}: {ratios} turns per second")
    print(
        f"{'20 calls':<14}{'ServiceNow 300 ms':<20}" + "".join(f"{describe(n):>36}" for n in late)
    )
    shares = ", ".join(
        f"{n.per_second / r[0][1].per_second:.0%}" for n, r in zip(late, rounds, strict=True)
    )
    print(f"{'':<14}{'':<20}of this project's 20 calls in the same round: {shares}")
    for load in [load for r in rounds for column in r for load in column] + late:
        if load.first_error:
            print(f"  first error at {load.callers} calls: {load.first_error}")
    memory, ready = footprint.memory, footprint.ready
    print(
        f"Rasa resident memory after the runs: {memory:.0f} MB, Rasa's own channel in memory "
        f"{footprint.built_in_memory:.0f} MB ({memory / footprint.built_in_memory:.2f}x); "
        f"importing TensorFlow alone takes {footprint.tensorflow:.0f} MB; ready after {ready:.1f} s"
    )
    for goal, met in goals(rounds, late, footprint):
        print(f"  {'met' if met else 'NOT met'}: {goal}")


def ratio(round_: list[list[Load]], column: int, row: int) -> float:
    return round_[0][row].per_second / round_[column][row].per_second


def goals(
    rounds: list[list[list[Load]]], late: list[Load], footprint: Footprint
) -> list[tuple[str, bool]]:
    """The speed issue's goals, met only when met in every round."""
    rows = range(len(rounds[0][0]))

    def ahead(column: int, times: float) -> bool:
        return all(
            ratio(r, column, row) >= times
            and r[0][row].p50 < r[column][row].p50
            and r[0][row].p95 < r[column][row].p95
            for r in rounds
            for row in rows
        )

    memory = footprint.memory
    return [
        ("against Rasa in memory: >= 1.2x turns/s, lower p50 and p95, at 1, 20, 40 calls",
         ahead(1, 1.2)),
        ("against Rasa with its SQL store: >= 1.5x turns/s, lower p50 and p95", ahead(2, 1.5)),
        ("ServiceNow 300 ms: >= 90 % of the same round's 20-call throughput",
         all(n.per_second >= 0.9 * r[0][1].per_second for n, r in zip(late, rounds, strict=True))),
        ("no errors", not any(load.errors for r in rounds for c in r for load in c)),
        ("ready <= 10 s", footprint.ready <= 10),
        ("Rasa memory no more than Rasa's own channel's + 5 %",
         memory <= 1.05 * footprint.built_in_memory),
    ]  # fmt: skip


async def open_session_kilobytes(url: str, token: str, pid: int, sessions: int) -> float:
    """What one open, greeted streaming session adds to the Rasa server's memory."""
    before = resident_megabytes(pid)
    opened = await held_open(url, token, sessions)
    after = resident_megabytes(pid)
    await asyncio.gather(*(session.close() for session in opened))
    return (after - before) * 1024 / sessions


def report_streaming(gather: list[Load], streaming: list[RelayLoad], per_session: float) -> None:
    """The streaming line beside the <Gather> line, same server, same run."""
    print("Streaming line (ConversationRelay), same server and run: from the final prompt to")
    print(f"{'load':<22}{'first text':>24}{'last text':>24}{'<Gather> turn':>24}")
    for load, webhook in zip(streaming, [*gather, None], strict=True):
        label = f"{load.sessions} session{'s' if load.sessions > 1 else ''} at once"
        turn = f"p50 {webhook.p50 * 1000:5.0f} p95 {webhook.p95 * 1000:6.0f} ms" if webhook else ""
        errors = f" {len(load.errors)} err" if load.errors else ""
        print(
            f"{label:<22}{load.describe(load.first):>24}{load.describe(load.last):>24}"
            f"{turn:>24}{errors}"
        )
        if load.errors:
            print(f"  first error at {load.sessions} sessions: {load.errors[0]}")
    print(
        "The description turn's p95 includes the 2 s its question allows for a pause "
        "(channels/relay_session.py)."
    )
    print(f"An open streaming session adds {per_session:.0f} KB to Rasa's resident memory")
    one, forty, many = streaming[0], streaming[2], streaming[3]
    goals = [
        ("streaming, 1 call: first text p50 <= 15 ms",
         bool(one.first) and statistics.median(one.first) <= 0.015),
        ("streaming, 40 calls: first text p95 <= 150 ms",
         bool(forty.first) and percentile(forty.first, 0.95) <= 0.150),
        ("streaming, 200 sessions at once: 0 errors", bool(many.first) and not many.errors),
    ]  # fmt: skip
    for goal, met in goals:
        print(f"  {'met' if met else 'NOT met'}: {goal}")


def describe(load: Load) -> str:
    return f"{load.per_second:5.1f}/s p50 {load.p50 * 1000:4.0f} p95 {load.p95 * 1000:5.0f} ms" + (
        f" {load.errors} err" if load.errors else ""
    )


if __name__ == "__main__":
    sys.exit(main())
