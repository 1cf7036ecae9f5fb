"""`make help` is the Makefile's own `## ` lines: every target a user can run has one."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAKEFILE = (ROOT / "Makefile").read_text()


def phony_targets() -> list[str]:
    found = re.search(r"^\.PHONY: (.+)$", MAKEFILE, re.MULTILINE)
    assert found is not None
    return found.group(1).split()


def test_every_target_has_a_help_line_above_it() -> None:
    lines = MAKEFILE.splitlines()
    undocumented = [
        target
        for target in phony_targets()
        for number, line in enumerate(lines)
        if line.startswith(f"{target}:") and not lines[number - 1].startswith("## ")
    ]
    assert undocumented == []


def test_make_help_lists_every_target_in_the_files_order() -> None:
    shown = subprocess.run(
        ["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True, text=True
    ).stdout.splitlines()
    listed = [line.split()[1] for line in shown]
    assert sorted(listed) == sorted(phony_targets())
    assert all(len(line.split(maxsplit=2)) == 3 for line in shown)  # each with its text
