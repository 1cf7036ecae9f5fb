"""`make bench-nlu`: how well spoken email addresses and intents are understood.

Prints exact-match accuracy on tests/data/spoken_emails.tsv for the spoken-email
extractor alone, Duckling alone, and the full pipeline of the trained model, and the
intent accuracy of that model on tests/nlu_holdout.yml. Exits 1 below the targets.
"""

from __future__ import annotations

import asyncio
import csv
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import skops.io  # noqa: F401  (before TensorFlow; see tools/rasa_cli.py)
from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.loading import load_data
from rasa.utils.log_utils import configure_structlog

from components.spoken_email import find_spoken_email
from tools.duckling_server import DucklingParser, running_duckling
from tools.environment import PROJECT_ROOT

DATASET = PROJECT_ROOT / "tests" / "data" / "spoken_emails.tsv"
HOLDOUT = PROJECT_ROOT / "tests" / "nlu_holdout.yml"
MODEL = PROJECT_ROOT / "models" / "helpdesk.tar.gz"
EMAIL_TARGET = 0.97
INTENT_TARGET = 0.95


def load_cases(path: Path = DATASET) -> list[tuple[str, str]]:
    """(spoken form, expected address or '') pairs."""
    with open(path, encoding="utf-8", newline="") as dataset:
        return [(row["spoken"], row["expected"]) for row in csv.DictReader(dataset, delimiter="\t")]


def accuracy(cases: Sequence[tuple[str, str]], read: Callable[[str], str]) -> float:
    return sum(read(spoken) == expected for spoken, expected in cases) / len(cases)


def extractor(spoken: str) -> str:
    found = find_spoken_email(spoken)
    return found.address if found else ""


def duckling_alone(parser: DucklingParser) -> Callable[[str], str]:
    def read(spoken: str) -> str:
        results = parser.parse({"text": spoken, "locale": "en_US", "dims": '["email"]'})
        return str(results[0]["value"]["value"]).lower() if results else ""

    return read


async def _parse_all(agent: Agent, texts: Sequence[str]) -> list[dict]:
    return [await agent.parse_message(text) for text in texts]


def main() -> int:
    # Rasa's debug log would print every test utterance.
    logging.basicConfig(level=logging.WARNING)
    configure_structlog(logging.WARNING)
    cases = load_cases()
    figures = {"spoken-email extractor": accuracy(cases, extractor)}
    with running_duckling() as duckling:
        figures["Duckling alone"] = accuracy(cases, duckling_alone(duckling.parser))
        os.environ["RASA_DUCKLING_HTTP_URL"] = duckling.url
        agent = Agent.load(str(MODEL))
        parsed = asyncio.run(_parse_all(agent, [spoken for spoken, _ in cases]))
        figures["full pipeline (trained model)"] = sum(
            next((e["value"] for e in p["entities"] if e["entity"] == "email"), "") == expected
            for p, (_, expected) in zip(parsed, cases, strict=True)
        ) / len(cases)
        holdout = load_data(str(HOLDOUT)).intent_examples
        predicted = asyncio.run(_parse_all(agent, [example.get("text") for example in holdout]))
    intent_accuracy = sum(
        p["intent"]["name"] == example.get("intent")
        for p, example in zip(predicted, holdout, strict=True)
    ) / len(holdout)

    print(f"Spoken email addresses: {len(cases)} cases in {DATASET.name}")
    for name, value in figures.items():
        print(f"  {name:<32} {value:7.1%}")
    print(f"Held-out intents: {len(holdout)} utterances")
    print(f"  {'intent accuracy':<32} {intent_accuracy:7.1%}")
    short = [
        name for name, value in figures.items() if name != "Duckling alone" and value < EMAIL_TARGET
    ] + (["intent accuracy"] if intent_accuracy < INTENT_TARGET else [])
    if short:
        print(f"Below target: {', '.join(short)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
