"""The whole local stack (`make run`) as a subprocess, on free loopback ports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tools.checkout import PROJECT_ROOT
from tools.phone.call import SimulatedCall
from tools.phone.relay_call import RelayCall
from tools.runner.processes import Service, Stack, free_port

TEST_AUTH_TOKEN = "test-auth-token"
# The two lines a number can use: <Gather> webhooks, or ConversationRelay's socket.
GATHER, RELAY = "gather", "relay"
LINES = (GATHER, RELAY)
HANDOFF_NUMBER = "+15005550009"


class RunningStack:
    """Starts `python -m tools.runner.stack` and talks to its REST channel."""

    def __init__(
        self, state_dir: Path, services: str = "duckling,actions,rasa", **environ: str
    ) -> None:
        self.state_dir = state_dir
        self.services = services
        self.rasa_port = free_port()
        self.metrics_port, self.action_metrics_port = free_port(), free_port()
        self.environ = {
            **os.environ,
            "RASA_PORT": str(self.rasa_port),
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}/webhook",
            "RASA_DUCKLING_HTTP_URL": f"http://127.0.0.1:{free_port()}",
            "DATABASE_URL": "",
            "TRACKER_STORE_DB": str(state_dir / "tracker.db"),
            "INCIDENT_DB_PATH": str(state_dir / "incidents.db"),
            "TWILIO_AUTH_TOKEN": TEST_AUTH_TOKEN,
            "TWILIO_VALIDATE_SIGNATURE": "true",
            "TWILIO_PUBLIC_URL": "",
            "HANDOFF_PHONE_NUMBER": HANDOFF_NUMBER,
            "SERVICENOW_INSTANCE_URL": "",
            "METRICS_PORT": str(self.metrics_port),
            "ACTION_METRICS_PORT": str(self.action_metrics_port),
            **environ,
        }
        self.output: list[str] = []
        self._output_changed = threading.Condition()
        self._process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def start(self) -> None:
        """Returns once the stack reports the Rasa server ready; fails if it never does."""
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tools.runner.stack", "--services", self.services],
            cwd=PROJECT_ROOT,
            env=self.environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self.output.append(line)
            if "rasa ready at" in line:
                break
        else:
            raise AssertionError("the stack stopped before it was ready:\n" + "".join(self.output))
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        for line in self._process.stdout:
            with self._output_changed:
                self.output.append(line)
                self._output_changed.notify_all()

    def wait_for_output(self, seen: Callable[[list[str]], bool], timeout: float = 10) -> bool:
        """Waits until the services' output satisfies `seen` (lines arrive through a pipe)."""
        with self._output_changed:
            return self._output_changed.wait_for(lambda: seen(self.output), timeout)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=30)
            self._process = None

    def call(self, caller: str = "+15005550006", line: str = GATHER) -> SimulatedCall:
        """A new phone call to the stack, on the `<Gather>` line or the streaming one."""
        if line == RELAY:
            return RelayCall(self.url, TEST_AUTH_TOKEN, caller=caller)
        return SimulatedCall(self.url, TEST_AUTH_TOKEN, caller=caller)

    def say(self, sender: str, text: str) -> list[str]:
        """Sends one message through the REST channel; returns the bot's texts."""
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(
            f"{self.url}/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            messages: list[dict[str, Any]] = json.loads(response.read())
        return [message.get("text", "") for message in messages]


class ActionServer:
    """The project's action server on a port of its own, to stop and start again."""

    def __init__(self, environ: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.environ = environ
        self._stack: Stack | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhook"

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "actions.server",
            "--port",
            str(self.port),
            "--actions",
            "actions",
        ]
        health = f"http://127.0.0.1:{self.port}/health"
        self._stack = Stack([Service("actions", command, health, environ=self.environ)])
        self._stack.start()

    def stop(self) -> None:
        if self._stack is not None:
            self._stack.stop()
            self._stack = None
