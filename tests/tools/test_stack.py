"""The stack runner leaves no service behind, however it is stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable

import pytest

from tools.environment import PROJECT_ROOT

STOP_DEADLINE_SECONDS = 20.0


def start_runner() -> tuple[subprocess.Popen[str], list[str]]:
    """`python -m tools.stack` in a process group of its own, as a terminal runs it."""
    runner = subprocess.Popen(
        [sys.executable, "-m", "tools.stack", "--free-ports", "--services", "duckling,actions"],
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
    raise AssertionError("the stack did not start")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):
            return True
    except (urllib.error.URLError, OSError):
        return False


def wait_until_silent(urls: list[str]) -> list[str]:
    """The URLs that still answer once the deadline has passed (polled, not slept)."""
    deadline = time.monotonic() + STOP_DEADLINE_SECONDS
    alive = list(urls)
    while alive and time.monotonic() < deadline:
        alive = [url for url in alive if answers(url)]
    return alive


def hang_up_terminal(runner: subprocess.Popen[str]) -> None:
    runner.send_signal(signal.SIGHUP)


def terminate_group(runner: subprocess.Popen[str]) -> None:
    os.killpg(runner.pid, signal.SIGTERM)


def kill_runner(runner: subprocess.Popen[str]) -> None:
    runner.kill()


@pytest.mark.parametrize("stop", [hang_up_terminal, terminate_group, kill_runner])
def test_no_service_outlives_the_runner(stop: Callable[[subprocess.Popen[str]], None]) -> None:
    runner, urls = start_runner()
    assert len(urls) == 2 and all(answers(url) for url in urls)
    stop(runner)
    runner.wait(timeout=STOP_DEADLINE_SECONDS)
    assert wait_until_silent(urls) == []
