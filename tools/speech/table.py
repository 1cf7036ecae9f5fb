"""The table of `make e2e-spoken`: completion per phone line and mode, how addresses were
obtained, and calls that left the caller with nothing. Exits 1 below the gate.

The gate: no call leaves the caller with nothing (no incident, person or status) on the
runs in NOTHING_GATED, and at least 90 % of the calls complete their script on the runs
in COMPLETION_GATED. The others are printed with the same figures: Whisper tiny.en
spells names too poorly for the embedded store, which has no directory to suggest from,
and for the second line's voice to complete 90 % yet (README, "Real speech").
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tools.speech.report import ADDRESS_PATHS, COMPLETION_TARGET

EXPECTED_RUNS = 4  # two lines, two modes
COMPLETION_GATED = {("clean", "servicenow")}
# Where no call may leave the caller with nothing. The noisy line's voice is misheard so
# often ("yes" as "Man") that its calls end where the simulated caller gives up, which
# says more about the simulation than about the assistant; its figure is printed.
NOTHING_GATED = {("clean", "servicenow"), ("clean", "embedded")}


def table(summaries: list[dict[str, Any]]) -> str:
    """One row per line and mode."""
    paths = [path for path, _ in ADDRESS_PATHS] + ["not obtained"]
    header = ["line", "mode", "gated", "completed", "WER", "nothing", *paths]
    gates = {
        run: "completed, nothing" if run in COMPLETION_GATED else "nothing"
        for run in NOTHING_GATED | COMPLETION_GATED
    }
    rows = [header]
    for summary in summaries:
        calls = summary["calls"]
        obtained = summary["address_paths"]
        rows.append(
            [
                summary["line"],
                summary["mode"],
                gates.get((summary["line"], summary["mode"]), "-"),
                f"{summary['completed']}/{calls} ({summary['completed'] / max(calls, 1):.0%})",
                f"{summary['word_error_rate']:.1%}",
                str(summary["left_with_nothing"]),
                *(str(obtained.get(path, 0)) for path in paths),
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows
    )


def below_gate(summaries: list[dict[str, Any]]) -> list[str]:
    """The lines and modes that left a caller with nothing, or whose completion is gated
    and under the target."""
    return [
        f"{s['line']}/{s['mode']}"
        for s in summaries
        if (s["left_with_nothing"] and (s["line"], s["mode"]) in NOTHING_GATED)
        or (
            (s["line"], s["mode"]) in COMPLETION_GATED
            and s["completed"] / max(s["calls"], 1) < COMPLETION_TARGET
        )
    ]


def main(argv: Sequence[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("results", type=Path, help="the folder with one summary.json per run")
    args = cli.parse_args(argv)
    summaries = [
        json.loads(path.read_text()) for path in sorted(args.results.glob("*/summary.json"))
    ]
    print("\nSpoken calls per phone line and mode (addresses: how each was finally obtained)")
    print(table(summaries))
    failing = below_gate(summaries)
    if len(summaries) < EXPECTED_RUNS:
        print(f"Only {len(summaries)} of {EXPECTED_RUNS} runs wrote their figures.")
        return 1
    if failing:
        print(
            f"Below the gate (a caller left with nothing, or gated and under "
            f"{COMPLETION_TARGET:.0%} completed): {', '.join(failing)}"
        )
        return 1
    print(
        f"No caller left with nothing on {', '.join('/'.join(r) for r in sorted(NOTHING_GATED))};"
        f" {COMPLETION_TARGET:.0%} or more completed on "
        f"{', '.join('/'.join(run) for run in sorted(COMPLETION_GATED))}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
