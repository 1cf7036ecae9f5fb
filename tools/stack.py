"""Runs Duckling, the action server and the Rasa server together, with prefixed logs.

`python -m tools.stack` serves until Ctrl-C. With `-- COMMAND`, it starts the chosen
services, runs the command against them and stops them when it ends.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlparse

from tools import servicenow_server
from tools.environment import PROJECT_ROOT, load_environment

DEFAULT_MODEL = "models/helpdesk.tar.gz"
# The voice channel and the REST channel; a deployed server uses credentials.yml.
DEV_CREDENTIALS = "credentials.dev.yml"
READY_TIMEOUT_SECONDS = 120.0
# prctl(2) option: the signal a process gets when its parent exits.
PR_SET_PDEATHSIG = 1
STOP_TIMEOUT_SECONDS = 10.0
SERVICES = ("duckling", "actions", "rasa")
# Started only when asked for: the ServiceNow test instance, for the connected mode.
OPTIONAL_SERVICES = ("servicenow",)


class Output:
    """The stack's terminal output, one whole line at a time; copied to a file if given."""

    def __init__(self, log_path: str | None = None, echo: bool = True) -> None:
        self._lock = threading.Lock()
        self._log = open(log_path, "a", encoding="utf-8") if log_path else None  # noqa: SIM115
        self._echo = echo

    def line(self, prefix: str, text: str) -> None:
        with self._lock:
            if self._echo:
                sys.stdout.write(f"{prefix:<8}| {text}")
                sys.stdout.flush()
            if self._log is not None:
                self._log.write(f"{prefix:<8}| {text}")
                self._log.flush()


@dataclass
class Service:
    """One process of the stack and the URL that answers once it is ready."""

    name: str
    command: list[str]
    health_url: str
    # The process's environment; the runner's own when None.
    environ: dict[str, str] | None = field(default=None, repr=False)
    process: subprocess.Popen | None = field(default=None, repr=False)

    def start(self, output: Output) -> None:
        self.process = subprocess.Popen(
            self.command,
            cwd=PROJECT_ROOT,
            env=self.environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            # Own session: Ctrl-C reaches only the runner, which stops services in order.
            start_new_session=True,
            # And if the runner itself is killed, the kernel stops the service too.
            preexec_fn=_die_with_parent,
        )
        threading.Thread(target=self._relay, args=(output,), daemon=True).start()

    def _relay(self, output: Output) -> None:
        assert self.process and self.process.stdout
        for line in self.process.stdout:
            output.line(self.name, line)

    def exited(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.health_url, timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while not self.answers():
            if self.exited():
                raise StackError(f"{self.name} exited before it was ready")
            if time.monotonic() > deadline:
                raise StackError(f"{self.name} not ready after {READY_TIMEOUT_SECONDS:.0f} s")
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to clean up, as in a crash."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _servicenow_port(environ: dict[str, str]) -> int:
    url = environ.get("SERVICENOW_INSTANCE_URL", "")
    return _port(url) if url else servicenow_server.DEFAULT_PORT


def _port(url: str) -> int:
    port = urlparse(url).port
    if port is None:
        raise SystemExit(f"{url} names no port")
    return port


def configure_ports(environ: dict[str, str], free: bool, names: Sequence[str]) -> None:
    """Sets the services' URLs; with `free`, on ports nothing else uses."""
    if "servicenow" in names:
        port = free_port() if free else servicenow_server.DEFAULT_PORT
        environ["SERVICENOW_INSTANCE_URL"] = f"http://127.0.0.1:{port}"
        environ["SERVICENOW_USER"] = servicenow_server.USER
        environ["SERVICENOW_PASSWORD"] = servicenow_server.PASSWORD
    if free:
        environ["RASA_DUCKLING_HTTP_URL"] = f"http://127.0.0.1:{free_port()}"
        environ["ACTION_ENDPOINT_URL"] = f"http://127.0.0.1:{free_port()}/webhook"
        environ["RASA_PORT"] = str(free_port())


def prepare_storage(environ: dict[str, str]) -> None:
    """Creates the folder of the SQLite tracker store, which SQLAlchemy will not."""
    if environ.get("TRACKER_STORE_DIALECT") == "sqlite":
        (PROJECT_ROOT / environ["TRACKER_STORE_DB"]).parent.mkdir(parents=True, exist_ok=True)


def build_services(names: Sequence[str], environ: dict[str, str], model: str) -> list[Service]:
    """The commands for the chosen services, configured from the environment."""
    python = sys.executable
    rasa = [python, "-m", "tools.rasa_cli"]
    duckling_url = environ["RASA_DUCKLING_HTTP_URL"]
    action_url = environ["ACTION_ENDPOINT_URL"]
    action_port = _port(action_url)
    rasa_port = environ["RASA_PORT"]
    catalogue = {
        "servicenow": Service(
            "servicenow",
            [python, "-m", "tools.servicenow_server", "--port", str(_servicenow_port(environ))],
            f"{environ.get('SERVICENOW_INSTANCE_URL', '')}/",
        ),
        "duckling": Service(
            "duckling",
            [python, "-m", "tools.duckling_server", "--port", str(_port(duckling_url))],
            f"{duckling_url}/",
        ),
        "actions": Service(
            "actions",
            [python, "-m", "actions.server", "--port", str(action_port), "--actions", "actions"],
            f"http://127.0.0.1:{action_port}/health",
        ),
        "rasa": Service(
            "rasa",
            [
                *rasa,
                "run",
                "--port",
                rasa_port,
                "--model",
                model,
                "--credentials",
                environ.get("RASA_CREDENTIALS") or DEV_CREDENTIALS,
                "--endpoints",
                "endpoints.yml",
            ],
            f"http://127.0.0.1:{rasa_port}/",
        ),
    }
    return [catalogue[name] for name in names]


class Stack:
    """Starts services in order, waits until each answers, and stops them all."""

    def __init__(self, services: list[Service], output: Output | None = None) -> None:
        self.services = services
        self._output = output or Output()

    def start(self) -> None:
        busy = [service.health_url for service in self.services if service.answers()]
        if busy:
            raise StackError(f"something already answers at {', '.join(busy)}; stop it first")
        started = time.monotonic()
        for service in self.services:
            service.start(self._output)
        for service in self.services:
            service.wait_until_ready()
            elapsed = time.monotonic() - started
            self.announce(f"{service.name} ready at {service.health_url} after {elapsed:.1f} s")

    def watch(self) -> None:
        """Blocks until a service exits; the stack is only useful whole."""
        while True:
            for service in self.services:
                if service.exited():
                    raise StackError(f"{service.name} exited")
            time.sleep(0.5)

    def stop(self) -> None:
        _ignore_stop_signals()
        for service in reversed(self.services):
            service.stop()

    def announce(self, message: str) -> None:
        self._output.line("stack", f"{message}\n")


class StackError(RuntimeError):
    """A service failed to start or died."""


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _ignore_stop_signals() -> None:
    # A second signal while stopping (make passes SIGTERM on to its child too) would
    # interrupt the stop and orphan the remaining services.
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM (timeout, CI, supervisors) and SIGHUP (terminal closed) stop like Ctrl-C."""
    _ignore_stop_signals()
    raise KeyboardInterrupt


def _die_with_parent() -> None:
    """In the service's process: Linux sends it SIGTERM when the runner dies."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `make run`, `make shell` and the test targets."""
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--services", default=",".join(SERVICES), help="comma-separated subset")
    cli.add_argument("--model", default=DEFAULT_MODEL)
    cli.add_argument("--free-ports", action="store_true", help="pick unused loopback ports")
    cli.add_argument("--log", help="also write the services' output to this file")
    cli.add_argument("--quiet", action="store_true", help="services' output only to --log")
    cli.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND to run, then stop")
    args = cli.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command

    load_environment()
    names = [name for name in args.services.split(",") if name]
    configure_ports(os.environ, free=args.free_ports, names=names)  # type: ignore[arg-type]
    unknown = set(names) - set(SERVICES) - set(OPTIONAL_SERVICES)
    if unknown:
        cli.error(f"unknown services: {', '.join(sorted(unknown))}")
    prepare_storage(dict(os.environ))
    output = Output(args.log, echo=not args.quiet)
    stack = Stack(build_services(names, dict(os.environ), args.model), output)
    for signum in STOP_SIGNALS:
        signal.signal(signum, _interrupt)
    try:
        stack.start()
        if command:
            return subprocess.call(command, cwd=PROJECT_ROOT)
        if "rasa" in names:
            base = f"http://127.0.0.1:{os.environ['RASA_PORT']}/webhooks"
            stack.announce(f"REST channel: POST {base}/rest/webhook")
            stack.announce(f"Twilio voice: POST {base}/twilio_voice/webhook (try: make call)")
        stack.announce("Press Ctrl-C to stop.")
        stack.watch()
    except KeyboardInterrupt:
        return 0
    except StackError as error:
        stack.announce(f"error: {error}")
        return 1
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
