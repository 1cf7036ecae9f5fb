"""`make bench-nlu`: how well spoken email addresses and intents are understood.

Prints exact-match accuracy on tests/data/spoken_emails.tsv for the spoken-email
extractor alone, Duckling alone, and the full pipeline of the trained model, and the
intent accuracy of that model on tests/nlu_holdout.yml; then the same on what a phone
recogniser made of those lines (tests/data/recognised_*.tsv, from `make transcripts`).
Exits 1 below the targets; the recognised addresses are reported, not gated.
"""

from __future__ import annotations

import asyncio
import csv
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

# isort: split
import helpdesk.rasa_server.startup_imports  # noqa: F401  (before Rasa imports TensorFlow)

# isort: split
from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.loading import load_data
from rasa.utils.log_utils import configure_structlog

from helpdesk.spoken_email import find_spoken_email
from tools.bench.openers import figures as figures_of_openers
from tools.bench.openers import load_openers, report
from tools.checkout import PROJECT_ROOT
from tools.fakes.duckling_server import DucklingParser, running_duckling

DATASET = PROJECT_ROOT / "tests" / "data" / "spoken_emails.tsv"
HOLDOUT = PROJECT_ROOT / "tests" / "nlu_holdout.yml"
MODEL = PROJECT_ROOT / "models" / "helpdesk.tar.gz"
RECOGNISED_EMAILS = PROJECT_ROOT / "tests" / "data" / "recognised_emails.tsv"
RECOGNISED_INTENTS = PROJECT_ROOT / "tests" / "data" / "recognised_intents.tsv"
EMAIL_TARGET = 0.97
INTENT_TARGET = 0.95
# Whisper tiny.en mangles many spelled addresses beyond repair; the read-back and the
# repair dialogue are for those. What normalisation alone recovers is reported.
RECOGNISED_EMAIL_AIM = 0.5


def load_cases(
    path: Path = DATASET, said: str = "spoken", meant: str = "expected"
) -> list[tuple[str, str]]:
    """(what reached the assistant, what it should understand) pairs from a TSV file."""
    with open(path, encoding="utf-8", newline="") as dataset:
        return [(row[said], row[meant]) for row in csv.DictReader(dataset, delimiter="\t")]


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


def pipeline_emails(parsed: Sequence[dict]) -> list[str]:
    return [next((e["value"] for e in p["entities"] if e["entity"] == "email"), "") for p in parsed]


def share(found: Sequence[str], cases: Sequence[tuple[str, str]]) -> float:
    return sum(f == meant for f, (_, meant) in zip(found, cases, strict=True)) / len(cases)


def main() -> int:
    # Rasa's debug log would print every test utterance.
    logging.basicConfig(level=logging.WARNING)
    configure_structlog(logging.WARNING)
    cases = load_cases()
    heard = load_cases(RECOGNISED_EMAILS, "recognised")
    holdout = [(e.get("text"), e.get("intent")) for e in load_data(str(HOLDOUT)).intent_examples]
    heard_intents = load_cases(RECOGNISED_INTENTS, "recognised", "intent")
    figures = {"spoken-email extractor": accuracy(cases, extractor)}
    heard_figures = {"spoken-email extractor": accuracy(heard, extractor)}
    with running_duckling() as duckling:
        figures["Duckling alone"] = accuracy(cases, duckling_alone(duckling.parser))
        heard_figures["Duckling alone"] = accuracy(heard, duckling_alone(duckling.parser))
        os.environ["RASA_DUCKLING_HTTP_URL"] = duckling.url
        agent = Agent.load(str(MODEL))

        def parse(pairs: Sequence[tuple[str, str]]) -> list[dict]:
            return asyncio.run(_parse_all(agent, [said for said, _ in pairs]))

        figures["full pipeline (trained model)"] = share(pipeline_emails(parse(cases)), cases)
        heard_figures["full pipeline (trained model)"] = share(pipeline_emails(parse(heard)), heard)
        intent_accuracy = share([p["intent"]["name"] for p in parse(holdout)], holdout)
        heard_intent_accuracy = share(
            [p["intent"]["name"] for p in parse(heard_intents)], heard_intents
        )
        openers = load_openers()
        opener_intents = [
            p["intent"]["name"] for p in parse([(opener.text, "") for opener in openers])
        ]

    print(f"Spoken email addresses: {len(cases)} cases in {DATASET.name}")
    print(f"  {'':<32} {'clean text':>10} {'recognised':>11}")
    for name, value in figures.items():
        print(f"  {name:<32} {value:10.1%} {heard_figures[name]:11.1%}")
    print(f"Held-out intents: {len(holdout)} utterances")
    print(f"  {'intent accuracy':<32} {intent_accuracy:10.1%} {heard_intent_accuracy:11.1%}")
    pipeline_heard = heard_figures["full pipeline (trained model)"]
    met = "met" if pipeline_heard >= RECOGNISED_EMAIL_AIM else "not met"
    print(f"Recognised addresses, full pipeline: aim {RECOGNISED_EMAIL_AIM:.0%}, {met}")
    short = [
        name for name, value in figures.items() if name != "Duckling alone" and value < EMAIL_TARGET
    ]
    short += ["intent accuracy"] if intent_accuracy < INTENT_TARGET else []
    short += ["intent accuracy, recognised"] if heard_intent_accuracy < INTENT_TARGET else []
    short += report(figures_of_openers(openers, opener_intents))
    if short:
        print(f"Below target: {', '.join(short)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
