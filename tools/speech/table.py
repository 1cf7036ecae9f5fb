"""The table of `make e2e-spoken`: completion per phone line, mode and transport (the
`<Gather>` line or the streaming one), how addresses were
obtained, and calls that left the caller with nothing. Exits 1 below the gate.

The gate, on every line, mode and transport: at least 90 % of the calls complete (the caller
leaves with what they called for) and no call leaves the caller with nothing (no
incident, person, status or message). Calls that went word for word as scripted are
printed beside them (docs/speech.md, "Real speech").
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tools.speech.report import ADDRESS_PATHS, COMPLETION_TARGET


def table(summaries: list[dict[str, Any]]) -> str:
    """One row per line and mode."""
    paths = [path for path, _ in ADDRESS_PATHS] + ["not obtained"]
    header = [
        "line", "mode", "transport", "completed", "as scripted", "WER", "nothing",
        "talked over", *paths,
    ]  # fmt: skip
    rows = [header]
    for summary in summaries:
        calls = summary["calls"]
        obtained = summary["address_paths"]
        rows.append(
            [
                summary["line"],
                summary["mode"],
                summary.get("transport", "gather"),
                f"{summary['completed']}/{calls} ({summary['completed'] / max(calls, 1):.0%})",
                str(summary.get("as_scripted", "-")),
                f"{summary['word_error_rate']:.1%}",
                str(summary["left_with_nothing"]),
                str(summary.get("talked_over", 0)),
                *(str(obtained.get(path, 0)) for path in paths),
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows
    )


def below_gate(summaries: list[dict[str, Any]]) -> list[str]:
    """The lines and modes that left a caller with nothing, or completed too few calls."""
    return [
        f"{s['line']}/{s['mode']}/{s.get('transport', 'gather')}"
        for s in summaries
        if s["left_with_nothing"] or s["completed"] / max(s["calls"], 1) < COMPLETION_TARGET
    ]


def main(argv: Sequence[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("results", type=Path, help="the folder with one summary.json per run")
    cli.add_argument("--runs", type=int, required=True, help="how many runs were started")
    args = cli.parse_args(argv)
    summaries = [
        json.loads(path.read_text()) for path in sorted(args.results.glob("*/summary.json"))
    ]
    print(
        "\nSpoken calls per phone line, mode and transport "
        "(addresses: how each was finally obtained)"
    )
    print(table(summaries))
    failing = below_gate(summaries)
    if len(summaries) < args.runs:
        print(f"Only {len(summaries)} of {args.runs} runs wrote their figures.")
        return 1
    if failing:
        print(
            f"Below the gate (a caller left with nothing, or under {COMPLETION_TARGET:.0%} "
            f"completed): {', '.join(failing)}"
        )
        return 1
    print(
        f"On every line and mode {COMPLETION_TARGET:.0%} or more completed and no caller was "
        f"left with nothing."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
