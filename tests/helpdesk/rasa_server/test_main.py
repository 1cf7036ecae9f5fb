"""The `rasa` entry point keeps JAX out of the server, and TensorFlow still imports."""

from __future__ import annotations

import subprocess
import sys

from tools.checkout import PROJECT_ROOT

IMPORTS = (
    "import sys, helpdesk.rasa_server.__main__, tensorflow; "
    "print(sys.modules['jax'] is None, tensorflow.constant(2).numpy() * 21)"
)


def test_tensorflow_runs_without_jax_when_started_through_the_entry_point() -> None:
    run = subprocess.run(
        [sys.executable, "-c", IMPORTS], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["True", "42"]
