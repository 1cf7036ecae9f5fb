"""How callers' own first sentences fare: per kind of IT problem, the share of held-out
openers (tests/data/openers.tsv, none of them in training) that lead to the incident
form, keep the caller's words as the description, and are given the right kind; and
how many requests that are not IT stay out of it. Part of `make bench-nlu`."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from actions.categories import category_of
from actions.opener import described_problem
from tools.checkout import PROJECT_ROOT

OPENERS = PROJECT_ROOT / "tests" / "data" / "openers.tsv"
# Intents that open the incident form (data/rules/open_incident.yml).
FORM_INTENTS = {"open_incident", "password_reset", "problem_email"}
NOT_IT = "not_it"
TO_FORM_TARGET = 0.95
KIND_FLOOR = 0.9
NOT_IT_TARGET = 0.9


@dataclass(frozen=True)
class Opener:
    text: str
    kind: str


@dataclass(frozen=True)
class KindFigures:
    kind: str
    openers: int
    to_form: float
    described: float
    kind_right: float


def load_openers(path: Path = OPENERS) -> list[Opener]:
    with open(path, encoding="utf-8", newline="") as data:
        return [
            Opener(row["opener"], row["category"]) for row in csv.DictReader(data, delimiter="\t")
        ]


def figures(openers: Sequence[Opener], intents: Sequence[str]) -> list[KindFigures]:
    """Per kind of problem, from the intent the model gave each opener."""
    by_kind: dict[str, list[tuple[Opener, str]]] = {}
    for opener, intent in zip(openers, intents, strict=True):
        by_kind.setdefault(opener.kind, []).append((opener, intent))
    rows = []
    for kind, pairs in by_kind.items():
        count = len(pairs)
        to_form = sum(intent in FORM_INTENTS for _, intent in pairs)
        described = sum(described_problem(opener.text) is not None for opener, _ in pairs)
        right = sum(
            (found := category_of(opener.text)) is not None and found.name == kind
            for opener, _ in pairs
        )
        rows.append(KindFigures(kind, count, to_form / count, described / count, right / count))
    return rows


def report(rows: Sequence[KindFigures]) -> list[str]:
    """Prints the table; returns what is below target."""
    problems = [row for row in rows if row.kind != NOT_IT]
    total = sum(row.openers for row in problems)
    overall = sum(row.to_form * row.openers for row in problems) / max(total, 1)
    print(f"Callers' openers: {total} held-out IT problems in {OPENERS.name}")
    print(
        f"  {'kind':<10} {'openers':>7} {'to the form':>12} {'words kept':>11} {'kind right':>11}"
    )
    for row in problems:
        print(
            f"  {row.kind:<10} {row.openers:7d} {row.to_form:12.1%} {row.described:11.1%}"
            f" {row.kind_right:11.1%}"
        )
    print(f"  {'overall':<10} {total:7d} {overall:12.1%}")
    short = [f"openers to the form {overall:.1%}"] if overall < TO_FORM_TARGET else []
    short += [
        f"{row.kind} openers {row.to_form:.1%}" for row in problems if row.to_form < KIND_FLOOR
    ]
    for row in rows:
        if row.kind == NOT_IT:
            kept_out = 1 - row.to_form
            print(f"Requests that are not IT kept out of the form: {kept_out:.1%} of {row.openers}")
            short += (
                [f"not-IT requests kept out {kept_out:.1%}"] if kept_out < NOT_IT_TARGET else []
            )
    return short
