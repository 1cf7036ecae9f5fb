"""Stops the stack runner the ways terminals and supervisors do, and finds orphans."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from tools.checkout import PROJECT_ROOT

STOP_DEADLINE_SECONDS = 20.0
Stop = Callable[[subprocess.Popen[str]], None]
STOPS: dict[str, Stop] = {
    # Closing the terminal that runs `make run`.
    "SIGHUP": lambda runner: runner.send_signal(signal.SIGHUP),
    # What `timeout`, CI runners and supervisors send: the whole process group.
    "SIGTERM to the group": lambda runner: os.killpg(runner.pid, signal.SIGTERM),
    # The runner killed outright.
    "SIGKILL": lambda runner: runner.kill(),
}


def start_runner() -> tuple[subprocess.Popen[str], list[str]]:
    """`python -m tools.runner.stack` in a process group of its own, as a terminal runs it."""
    runner = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tools.runner.stack",
            "--free-ports",
            "--services",
            "duckling,actions",
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert runner.stdout is not None
    health_urls = []
    for line in runner.stdout:
        if " ready at " in line:
            health_urls.append(line.split(" ready at ")[1].split(" after ")[0])
        if "Press Ctrl-C to stop." in line:
            return runner, health_urls
    raise RuntimeError("the stack did not start")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):
            return True
    except (urllib.error.URLError, OSError):
        return False


def leftover_services(kind: str) -> list[str]:
    """Starts a runner, stops it this way; the health URLs still answering after it."""
    runner, urls = start_runner()
    if len(urls) != 2 or not all(answers(url) for url in urls):
        raise RuntimeError(f"the services did not answer: {urls}")
    STOPS[kind](runner)
    runner.wait(timeout=STOP_DEADLINE_SECONDS)
    deadline = time.monotonic() + STOP_DEADLINE_SECONDS
    alive = list(urls)
    while alive and time.monotonic() < deadline:
        alive = [url for url in alive if answers(url)]
    return alive
