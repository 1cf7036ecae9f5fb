"""Runs Duckling, the action server and the Rasa server together, with prefixed logs.

`python -m tools.runner.stack` serves until Ctrl-C. With `-- COMMAND`, it starts the chosen
services, runs the command against them and stops them when it ends.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from urllib.parse import urlparse

from tools.checkout import PROJECT_ROOT, load_environment
from tools.fakes import servicenow_server
from tools.runner.processes import (
    STOP_SIGNALS,
    Output,
    Service,
    Stack,
    StackError,
    free_port,
    interrupt,
)

DEFAULT_MODEL = "models/helpdesk.tar.gz"
# The voice channel and the REST channel; a deployed server uses credentials.yml.
DEV_CREDENTIALS = "credentials.dev.yml"
SERVICES = ("duckling", "actions", "rasa")
# Started only when asked for: the ServiceNow test instance, for the connected mode.
OPTIONAL_SERVICES = ("servicenow",)


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
    """Creates the folder of the SQLite tracker store, which SQLAlchemy will not; with a
    shared database, runs its migrations first, as a deploy does (`make migrate`)."""
    if environ.get("DATABASE_URL"):
        subprocess.run([sys.executable, "-m", "actions.storage.migrate"], env=environ, check=True)
    elif not environ.get("REDIS_URL"):
        tracker = environ.get("TRACKER_STORE_DB") or "var/tracker.db"
        (PROJECT_ROOT / tracker).parent.mkdir(parents=True, exist_ok=True)


def build_services(names: Sequence[str], environ: dict[str, str], model: str) -> list[Service]:
    """The commands for the chosen services, each run with this environment."""
    python = sys.executable
    rasa = [python, "-m", "helpdesk.rasa_server"]
    duckling_url = environ["RASA_DUCKLING_HTTP_URL"]
    action_url = environ["ACTION_ENDPOINT_URL"]
    action_port = _port(action_url)
    rasa_port = environ["RASA_PORT"]
    catalogue = {
        "servicenow": Service(
            "servicenow",
            [
                python,
                "-m",
                "tools.fakes.servicenow_server",
                "--port",
                str(_servicenow_port(environ)),
            ],
            f"{environ.get('SERVICENOW_INSTANCE_URL', '')}/",
        ),
        "duckling": Service(
            "duckling",
            [python, "-m", "tools.fakes.duckling_server", "--port", str(_port(duckling_url))],
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
    services = [catalogue[name] for name in names]
    for service in services:
        service.environ = environ
    return services


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
        signal.signal(signum, interrupt)
    try:
        stack.start()
        if command:
            return subprocess.call(command, cwd=PROJECT_ROOT)
        if "rasa" in names:
            base = f"http://127.0.0.1:{os.environ['RASA_PORT']}/webhooks"
            stack.announce(f"REST channel: POST {base}/rest/webhook")
            stack.announce(f"Twilio voice: POST {base}/twilio_voice/webhook (try: make call)")
            stack.announce(
                f"Streaming: POST {base}/conversation_relay/webhook (try: make call RELAY=1)"
            )
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
