"""The stack's processes: each started, watched, stopped in order, and never orphaned."""

from __future__ import annotations

import ctypes
import ctypes.util
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from tools.checkout import PROJECT_ROOT

READY_TIMEOUT_SECONDS = 120.0
STOP_TIMEOUT_SECONDS = 10.0
# prctl(2) option: the signal a process gets when its parent exits.
PR_SET_PDEATHSIG = 1


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

    def stop(self, grace_seconds: float = STOP_TIMEOUT_SECONDS) -> None:
        """SIGTERM, then SIGKILL after `grace_seconds` (an orchestrator's stop timeout)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(grace_seconds)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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


def interrupt(signum: int, frame: object) -> None:
    """SIGTERM (timeout, CI, supervisors) and SIGHUP (terminal closed) stop like Ctrl-C."""
    _ignore_stop_signals()
    raise KeyboardInterrupt


def _die_with_parent() -> None:
    """In the service's process: Linux sends it SIGTERM when the runner dies."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
