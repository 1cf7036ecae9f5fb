"""Prints the intent accuracy from `rasa test nlu` and fails below a target."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description=__doc__)
    cli.add_argument("report", help="intent_report.json written by rasa test nlu")
    cli.add_argument("--target", type=float, required=True, help="lowest accepted accuracy")
    args = cli.parse_args(argv)
    with open(args.report, encoding="utf-8") as report_file:
        report = json.load(report_file)
    accuracy = float(report["accuracy"])
    examples = int(report["weighted avg"]["support"])
    print(f"Held-out intent accuracy: {accuracy:.1%} on {examples} utterances")
    for intent, scores in sorted(report.items()):
        if isinstance(scores, dict) and "confused_with" in scores and scores["confused_with"]:
            print(f"  {intent} confused with {scores['confused_with']}")
    if accuracy < args.target:
        print(f"below the target of {args.target:.0%}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
