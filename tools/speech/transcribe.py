"""`make transcripts`: what a phone recogniser makes of the test data, kept as test data.

Every line of tests/data/spoken_emails.tsv and of the held-out intents
(tests/nlu_holdout.yml, never used for training) is spoken down the phone line of
tools/speech/line.py and recognised by Whisper. The text (not the audio) is written to
tests/data/recognised_emails.tsv and tests/data/recognised_intents.tsv, which
`make bench-nlu` scores beside the clean text. Each line is heard with the hints the
assistant's <Gather> gives it (TWILIO_SPEECH_HINTS, and the menu's titles for answers
to a menu). Recognition is deterministic on one machine; run this again when the
voice, the model, the hints or the source data change.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
from pathlib import Path

from rasa.shared.nlu.training_data.loading import load_data

from tools.checkout import PROJECT_ROOT, load_environment
from tools.speech.line import PhoneLine

DATA = PROJECT_ROOT / "tests" / "data"
RECOGNISED_EMAILS = DATA / "recognised_emails.tsv"
RECOGNISED_INTENTS = DATA / "recognised_intents.tsv"
SPOKEN_EMAILS = DATA / "spoken_emails.tsv"
HOLDOUT = PROJECT_ROOT / "tests" / "nlu_holdout.yml"
# Menu titles the assistant's <Gather> adds to the configured hints when a line answers
# a menu: yes or no, and the priorities.
MENU_HINTS = {"affirm": "Yes, No", "deny": "Yes, No", "inform": "low, medium, high"}


def write_tsv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as output:
        writer = csv.writer(output, delimiter="\t", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def gather_hints(intent: str = "") -> str:
    """The hints of the <Gather> a line answers: TWILIO_SPEECH_HINTS, and menu titles."""
    configured = os.environ.get("TWILIO_SPEECH_HINTS", "")
    return ", ".join(hint for hint in (MENU_HINTS.get(intent, ""), configured) if hint)


def main() -> int:
    load_environment()
    with tempfile.TemporaryDirectory() as audio:
        line = PhoneLine(Path(audio))
        with open(SPOKEN_EMAILS, encoding="utf-8", newline="") as emails:
            cases = list(csv.DictReader(emails, delimiter="\t"))
        email_rows = [
            [
                case["spoken"],
                line.hear(case["spoken"], f"email{n}", gather_hints()).text,
                case["expected"],
            ]
            for n, case in enumerate(cases)
        ]
        write_tsv(RECOGNISED_EMAILS, ["spoken", "recognised", "expected"], email_rows)
        examples = load_data(str(HOLDOUT)).intent_examples
        intent_rows = [
            [
                example.get("text"),
                line.hear(
                    example.get("text"), f"intent{n}", gather_hints(example.get("intent"))
                ).text,
                example.get("intent"),
            ]
            for n, example in enumerate(examples)
        ]
        write_tsv(RECOGNISED_INTENTS, ["said", "recognised", "intent"], intent_rows)
    print(f"{len(email_rows)} addresses -> {RECOGNISED_EMAILS.relative_to(PROJECT_ROOT)}")
    print(f"{len(intent_rows)} caller lines -> {RECOGNISED_INTENTS.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
