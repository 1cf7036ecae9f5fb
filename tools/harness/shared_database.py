"""`make chaos` on one PostgreSQL (DATABASE_URL): the database restarted, read-only and
full under a call, and Rasa and action servers scaled out on it while ServiceNow is down.

Every scenario starts its own durable PostgreSQL on a free port, migrates it as a
deploy does, and Rasa and action server pairs on it (each Rasa server calls its own
action server); the stack's Duckling and ServiceNow test instance serve them all.
"""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import psycopg2
import requests

from tools.fakes.postgres_server import PostgresServer
from tools.fakes.redis_server import RedisServer
from tools.harness.chaos_stack import (
    APOLOGY,
    ASK_DESCRIPTION,
    ASK_PRIORITY,
    ChaosStack,
    Outcome,
    incidents_described,
    open_incident,
    to_priority_question,
    wait_for,
)
from tools.phone.call import SimulatedCall
from tools.runner.processes import Service, free_port
from tools.runner.stack import DEFAULT_MODEL, build_services, prepare_storage

DATABASE = "helpdesk"
SCALED_OUT_CALLS = 8


@dataclass
class SharedDatabase:
    """PostgreSQL, perhaps Redis, and the Rasa servers' URLs."""

    postgres: PostgresServer
    rasa_urls: list[str]
    services: list[Service] = field(default_factory=list)

    @property
    def action_servers(self) -> list[Service]:
        return [service for service in self.services if service.name == "actions"]

    def admin(self, statement: str, inside: str = "postgres") -> None:
        """Runs a statement as the database server's superuser, in the server's own
        database unless `inside` names another."""
        connection = psycopg2.connect(self.postgres.url(inside))
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def leased(self) -> int:
        """Outbox entries a worker holds now."""
        now = datetime.now(timezone.utc)
        return sum(1 for (until,) in self._rows() if until and datetime.fromisoformat(until) > now)

    def waiting(self) -> int:
        return len(self._rows())

    def _rows(self) -> list[tuple[str]]:
        connection = psycopg2.connect(self.postgres.url(DATABASE))
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT lease_until FROM pending")
                return list(cursor.fetchall())
        finally:
            connection.close()

    def read_only(self, on: bool) -> None:
        """Makes the database read-only (or writable again) for every new transaction,
        ending the sessions that would otherwise keep the old setting."""
        setting = "on" if on else "off"
        self.admin(f"ALTER DATABASE {DATABASE} SET default_transaction_read_only = {setting}")
        self.admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            f" WHERE datname = '{DATABASE}' AND pid <> pg_backend_pid()"
        )

    def full(self, on: bool) -> None:
        """Makes every write to the servers' tables fail as on a full disk, with the
        error PostgreSQL then sends (SQLSTATE 53100, disk_full), or writable again.

        A real full disk would need a size-limited file system, which only a mount can
        make; the error, and so what the servers see, is the same.
        """
        statements = [FULL_FUNCTION]
        for table in FULL_TABLES:
            statements.append(f"DROP TRIGGER IF EXISTS disk_full ON {table}")
            if on:
                statements.append(
                    f"CREATE TRIGGER disk_full BEFORE INSERT OR UPDATE ON {table}"
                    " FOR EACH STATEMENT EXECUTE FUNCTION disk_full()"
                )
        self.admin("; ".join(statements), inside=DATABASE)


# What a full disk answers to a write, and the tables the servers write.
FULL_FUNCTION = (
    "CREATE OR REPLACE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " RAISE EXCEPTION 'could not extend file: No space left on device'"
    " USING ERRCODE = 'disk_full'; END $$"
)
FULL_TABLES = ("events", "pending", "callers", "incidents")


@contextmanager
def on_postgres(
    stack: ChaosStack, pairs: int = 1, redis: bool = False, **settings: str
) -> Iterator[SharedDatabase]:
    """`pairs` Rasa and action servers on one migrated PostgreSQL (and one Redis)."""
    postgres = PostgresServer(durable=True)
    postgres.start()
    cache = RedisServer(stack.state, durable=True) if redis else None
    if cache is not None:
        cache.start()
    url = postgres.create_database(DATABASE)
    environ = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": cache.url if cache else "",
        **settings,
    }
    prepare_storage(environ)  # migrates it, as a deploy does
    services: list[Service] = []
    for _ in range(pairs):
        ports: dict[str, Any] = {
            "RASA_PORT": str(free_port()),
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}/webhook",
        }
        services += build_services(["actions", "rasa"], {**environ, **ports}, DEFAULT_MODEL)
    shared = SharedDatabase(
        postgres,
        [s.health_url.rstrip("/") for s in services if s.name == "rasa"],
        services,
    )
    try:
        for service in services:
            service.start(stack.output)
        for service in services:
            service.wait_until_ready()
        yield shared
    finally:
        for service in reversed(services):
            service.stop()
        if cache is not None:
            cache.stop()
        postgres.remove()


def postgres_restarted_read_only_and_full(stack: ChaosStack) -> Outcome:
    """The database crashes under a call and comes back; later it turns read-only, then
    full: each time the caller hears an apology and the same question, then goes on."""
    with on_postgres(stack) as shared:
        phone = SimulatedCall(shared.rasa_urls[0], stack.token)
        before = to_priority_question(phone)
        shared.postgres.kill()
        crashed = phone.press("2")
        shared.postgres.start()
        after_crash = phone.press("2")
        shared.read_only(True)
        read_only = phone.say("the screen stays black after the logo")
        shared.read_only(False)
        shared.full(True)
        full = phone.say("the screen stays black after the logo")
        shared.full(False)
        after = phone.say("the screen stays black after the logo")
        opened = phone.say("yes")
    passed = (
        ASK_PRIORITY in before.text
        and crashed.text.startswith(APOLOGY)
        and ASK_DESCRIPTION in after_crash.text
        and read_only.text.startswith(APOLOGY)
        and full.text.startswith(APOLOGY)
        and "Shall I go ahead?" in after.text
        and opened.text.startswith("Done. Your incident number is")
    )
    heard = " ... ".join(r.text for r in (crashed, after_crash, read_only, full, opened))
    return Outcome(passed, heard, "restarted, read-only, full: apology, same question, filed")


class AnyReplicaCall(SimulatedCall):
    """A call whose every webhook reaches a replica picked at random (a balancer)."""

    def __init__(self, urls: list[str], token: str, caller: str, seed: int) -> None:
        super().__init__(urls[0], token, caller=caller)
        self.urls, self.pick = urls, random.Random(seed)

    def post(
        self, url: str, params: dict[str, str], idempotency_token: str | None = None
    ) -> requests.Response:
        self.server_url = self.public_url = self.pick.choice(self.urls)
        return super().post(url, params, idempotency_token)


def scaled_out_while_servicenow_is_down(stack: ChaosStack) -> Outcome:
    """Two Rasa and two action servers on one PostgreSQL and one Redis; calls turn by
    turn on any replica; ServiceNow is down for the first half of them. Every incident
    a caller was told about is filed once, by whichever outbox worker claims it."""
    told: list[str] = []
    lock = threading.Lock()
    with on_postgres(stack, pairs=2, redis=True) as shared:
        stack.servicenow.faults.creates_refused = True

        def caller(number: int) -> None:
            phone = AnyReplicaCall(shared.rasa_urls, stack.token, f"+1503555{number:04d}", number)
            heard = open_incident(phone, f"scaled out call {number} printer is smoking")
            if "recorded" in heard.text or heard.text.startswith("Done."):
                with lock:
                    told.append(f"scaled out call {number}")

        first = [threading.Thread(target=caller, args=(n,)) for n in range(SCALED_OUT_CALLS // 2)]
        for thread in first:
            thread.start()
        for thread in first:
            thread.join()
        stack.servicenow.faults.creates_refused = False
        second = [
            threading.Thread(target=caller, args=(n,))
            for n in range(SCALED_OUT_CALLS // 2, SCALED_OUT_CALLS)
        ]
        for thread in second:
            thread.start()
        for thread in second:
            thread.join()
        delivered = wait_for(lambda: all(incidents_described(stack, text) >= 1 for text in told))
        filed = {text: incidents_described(stack, text) for text in told}
    duplicates = sum(count - 1 for count in filed.values() if count > 1)
    passed = delivered and len(told) == SCALED_OUT_CALLS and duplicates == 0
    detail = (
        f"told {len(told)} of {SCALED_OUT_CALLS}, filed {sum(filed.values())}, "
        f"duplicates {duplicates}"
    )
    return Outcome(passed, "", detail)


def action_server_killed_while_delivering(stack: ChaosStack) -> Outcome:
    """An action server dies in the middle of delivering an outbox entry (ServiceNow
    slow); the other one delivers it once its lease is over: filed once."""
    faults = stack.servicenow.faults
    # One retry: a lease of about 20 s (twice the longest delivery) instead of 47.
    with on_postgres(stack, pairs=2, SERVICENOW_RETRIES="1") as shared:
        first, second = shared.action_servers
        second.kill()
        faults.creates_refused = True
        told = open_incident(
            SimulatedCall(shared.rasa_urls[0], stack.token), "chaos killed delivering"
        )
        faults.creates_refused, faults.latency_seconds = False, 1.5
        claimed = wait_for(lambda: shared.leased() > 0)
        first.kill()
        faults.latency_seconds = 0.0
        second.start(stack.output)
        second.wait_until_ready()
        delivered = wait_for(lambda: incidents_described(stack, "chaos killed delivering") >= 1)
        settled = wait_for(lambda: shared.waiting() == 0)
        filed = incidents_described(stack, "chaos killed delivering")
    passed = "recorded" in told.text and claimed and delivered and settled and filed == 1
    return Outcome(passed, told.text, f"claimed {claimed}, filed {filed} time(s)")
