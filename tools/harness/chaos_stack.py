"""The stack `make chaos` breaks: services on free ports, each killed and restarted alone.

Also the calls and checks its scenarios share: a call up to the priority question, a
call that opens an incident, ServiceNow's incidents by description, a locked tracker
database, a call moved to another replica.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tools.fakes import servicenow_server
from tools.fakes.redis_server import RedisServer
from tools.phone.call import SimulatedCall
from tools.phone.twiml import Heard
from tools.runner.processes import Output, Service, free_port
from tools.runner.stack import DEFAULT_MODEL, build_services, configure_ports

SERVICES = ("duckling", "actions", "rasa")
EMAIL = "abraham dot lincoln at example dot com"
ASK_PRIORITY = "How urgent is this?"
ASK_DESCRIPTION = "Please describe the problem"
APOLOGY = "Sorry, I had a problem with that."
DELIVERY_DEADLINE_SECONDS = 60.0


@dataclass
class Outcome:
    passed: bool
    heard: str
    detail: str = ""


class ChaosStack:
    """The services of the stack, each started, killed and restarted on its own."""

    def __init__(self, state: Path, servicenow: servicenow_server.ServiceNowTestServer) -> None:
        environ = os.environ
        configure_ports(environ, free=True, names=SERVICES)  # type: ignore[arg-type]
        environ.update(
            SERVICENOW_INSTANCE_URL=servicenow.url,
            SERVICENOW_USER=servicenow_server.USER,
            SERVICENOW_PASSWORD=servicenow_server.PASSWORD,
            SERVICENOW_READ_TIMEOUT="2",
            OUTBOX_RETRY_SECONDS="2",
            OUTBOX_DB_PATH=str(state / "outbox.db"),
            DATABASE_URL="",
            TRACKER_STORE_DB=str(state / "tracker.db"),
            TWILIO_TURN_BUDGET_SECONDS="8",
        )
        self.servicenow = servicenow
        self.state = state
        self.tracker_db = state / "tracker.db"
        self.output = Output(str(state / "services.log"), echo=False)
        services = build_services(SERVICES, dict(environ), DEFAULT_MODEL)
        self.services = {service.name: service for service in services}
        self.url = f"http://127.0.0.1:{environ['RASA_PORT']}"
        self.token = environ.get("TWILIO_AUTH_TOKEN", "")

    def start(self, name: str) -> float:
        """Starts a service; returns the seconds until it answered."""
        started = time.monotonic()
        self.services[name].start(self.output)
        self.services[name].wait_until_ready()
        return time.monotonic() - started

    def kill(self, name: str) -> None:
        self.services[name].kill()

    def replica(self, redis_url: str, **settings: str) -> Service:
        """Another Rasa server on its own port, sharing the stack's other services."""
        environ = {
            **os.environ,
            "REDIS_URL": redis_url,
            "RASA_PORT": str(free_port()),
            **settings,
        }
        [rasa] = build_services(["rasa"], environ, DEFAULT_MODEL)
        return rasa

    @contextmanager
    def replicas_sharing_redis(
        self, count: int = 2, **settings: str
    ) -> Iterator[tuple[RedisServer, list[Service]]]:
        """A durable Redis and `count` Rasa replicas using it, all started; stopped after."""
        redis = RedisServer(self.state, durable=True)
        redis.start()
        replicas = [self.replica(redis.url, **settings) for _ in range(count)]
        try:
            for replica in replicas:
                replica.start(self.output)
            for replica in replicas:
                replica.wait_until_ready()
            yield redis, replicas
        finally:
            for replica in replicas:
                replica.stop()
            redis.stop()

    def stop(self) -> None:
        for service in reversed(list(self.services.values())):
            service.stop()

    def call(self) -> SimulatedCall:
        return SimulatedCall(self.url, self.token)


def to_priority_question(phone: SimulatedCall, opener: str = "i can't reset my password") -> Heard:
    phone.start()
    phone.say(opener)
    return phone.say_address(EMAIL)


def open_incident(
    phone: SimulatedCall, description: str, before_yes: Callable[[], None] = lambda: None
) -> Heard:
    """A whole call that opens an incident; returns what the caller heard at the end."""
    to_priority_question(phone)
    phone.press("2")
    phone.say(description)
    before_yes()
    return phone.say("yes")


def answered_on(phone: SimulatedCall, url: str) -> None:
    """The load balancer sends the call's next webhook to this replica."""
    phone.server_url = phone.public_url = url


def incidents_described(stack: ChaosStack, text: str) -> int:
    """How many incidents ServiceNow holds with this description."""
    rows = stack.servicenow.tables.rows["incident"]
    return sum(1 for row in rows if row.get("description", "").startswith(text))


def wait_for(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + DELIVERY_DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


@contextmanager
def locked(database: Path) -> Iterator[None]:
    """Holds SQLite's write lock: the file can be read, every write fails as locked.

    (A read-only file would do for an ordinary user; CI runs as root, which writes anyway.)
    """
    connection = sqlite3.connect(database, timeout=10, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        connection.execute("ROLLBACK")
        connection.close()
