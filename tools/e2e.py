"""`make e2e`: replays Bespoken IVR test files against the local stack, acting as Twilio.

Reads the same `tests/testing.json` and `tests/e2e.yml` that `bst test` uses. Each
utterance is sent as Twilio sends speech (`$DIAL` places the call, `$12` presses keys);
what the caller hears is every <Say> up to the next listening <Gather>. Expectations
are matched as Bespoken matches them: case-insensitive substrings, `/regex/`, `*`
wildcards, after applying the homophones of testing.json; `set finishOnPhrase` must be
heard before the caller speaks again.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tools.call import CallEnded, SimulatedCall
from tools.environment import load_environment
from tools.spoken import SpokenRoundTrip, word_error_rate
from tools.twiml import Heard

_ENV_REFERENCE = re.compile(r"\$\{(\w+)\}")


class _Yaml12Loader(yaml.SafeLoader):
    """Reads booleans as YAML 1.2 does, like Bespoken: `- yes:` is an utterance, not True."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_KEYPAD = re.compile(r"^\$([0-9*#]+)$")


@dataclass
class Step:
    """One utterance of a test and what must be heard after it."""

    utterance: str
    transcripts: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class E2ETest:
    name: str
    steps: list[Step]


def load_config(path: Path) -> dict[str, Any]:
    """testing.json with `${VARIABLE}` references filled from the environment."""
    text = _ENV_REFERENCE.sub(lambda m: os.environ.get(m.group(1), ""), path.read_text())
    config: dict[str, Any] = json.loads(text)
    return config


def load_tests(path: Path) -> list[E2ETest]:
    """The tests of a Bespoken YAML file: documents of `- test:` and utterance steps."""
    tests: list[E2ETest] = []
    for document in yaml.load_all(path.read_text(), Loader=_Yaml12Loader):
        if not isinstance(document, list):
            continue  # an empty document or a `configuration:` section
        name = ""
        steps: list[Step] = []
        for entry in document:
            [(key, value)] = entry.items()
            if key == "test":
                name = str(value)
            else:
                steps.append(_step(str(key), value))
        tests.append(E2ETest(name, steps))
    return tests


def _step(utterance: str, expected: Any) -> Step:
    step = Step(utterance)
    items = expected if isinstance(expected, list) else [{"prompt": expected}]
    for item in items:
        [(key, value)] = item.items()
        if key in ("transcript", "prompt"):
            values = value if isinstance(value, list) else [value]
            step.transcripts.extend(str(v) for v in values if v is not None)
        elif key.startswith("set "):
            step.settings[key[4:].strip()] = value
    return step


def normalise(heard: str, homophones: dict[str, list[str]]) -> str:
    """Applies Bespoken's homophones: each variant heard becomes its key."""
    text = heard
    for key, variants in homophones.items():
        for variant in variants:
            text = re.sub(rf"(?<!\w){re.escape(variant)}(?!\w)", key, text, flags=re.I)
    return text


def matches(expected: str, heard: str) -> bool:
    """Bespoken's rules: `/regex/`, or a case-insensitive substring where `*` is anything."""
    if len(expected) > 1 and expected.startswith("/") and expected.endswith("/"):
        return re.search(expected[1:-1], heard, re.I | re.S) is not None
    pattern = ".*".join(re.escape(part.strip()) for part in expected.split("*"))
    return re.search(pattern, heard, re.I | re.S) is not None


@dataclass
class StepResult:
    step: Step
    heard: str
    problem: str = ""


Speech = Callable[[str], str]


def run_test(
    test: E2ETest, call: SimulatedCall, config: dict[str, Any], speech: Speech = str
) -> list[StepResult]:
    """Plays one test; stops at the first failing step, as the call would go wrong there.

    `speech` turns each caller line into what Twilio would transcribe.
    """
    homophones = config.get("homophones", {})
    results: list[StepResult] = []
    for step in test.steps:
        try:
            heard = _play(call, step.utterance, speech)
        except CallEnded as ended:
            results.append(StepResult(step, "", f"the call had ended: {ended}"))
            break
        text = normalise(heard.text, homophones)
        result = StepResult(step, heard.text, step_problem(step, text))
        results.append(result)
        if result.problem:
            break
    return results


def _play(call: SimulatedCall, utterance: str, speech: Speech) -> Heard:
    if utterance == "$DIAL":
        return call.start()
    keys = _KEYPAD.match(utterance)
    return call.press(keys.group(1)) if keys else call.say(speech(utterance))


def step_problem(step: Step, heard: str) -> str:
    if step.transcripts and not any(matches(expected, heard) for expected in step.transcripts):
        return f"expected {' or '.join(repr(t) for t in step.transcripts)}"
    finish = step.settings.get("finishOnPhrase")
    phrases = finish if isinstance(finish, list) else [finish] if finish else []
    if phrases and not any(matches(str(phrase), heard) for phrase in phrases):
        return f"never heard the finishOnPhrase {phrases!r}"
    return ""


def main(argv: Sequence[str] | None = None) -> int:
    load_environment()
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--config", default="tests/testing.json", type=Path)
    cli.add_argument("--tests", default="tests/e2e.yml", type=Path)
    default_url = f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}"
    cli.add_argument("--url", default=default_url, help="the Rasa server")
    cli.add_argument(
        "--spoken",
        type=Path,
        metavar="AUDIO_DIR",
        help="a report, not a gate: caller lines go through espeak-ng and pocketsphinx, "
        "and every line of the call is saved as audio in AUDIO_DIR",
    )
    args = cli.parse_args(argv)
    config = load_config(args.config)
    token = os.environ.get("TWILIO_AUTH_TOKEN", "")
    round_trip = SpokenReport(args.spoken) if args.spoken else None
    passed = failed = 0
    for test in load_tests(args.tests):
        speech = round_trip.caller_line if round_trip else str
        results = run_test(test, SimulatedCall(args.url, token), config, speech)
        if round_trip:
            round_trip.save_prompts(results)
        ok = len(results) == len(test.steps) and not any(r.problem for r in results)
        print(f"{'PASS' if ok else 'FAIL'} {test.name}")
        for result in results:
            mark = "x" if result.problem else "ok"
            print(f"  [{mark}] {result.step.utterance}: heard {result.heard!r}")
            if result.problem:
                print(f"       {result.problem}")
        passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)
    if round_trip:
        round_trip.print_summary()
        return 0
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


class SpokenReport:
    """Runs caller lines through speech and recognition, and keeps what it measured."""

    def __init__(self, audio_dir: Path) -> None:
        self._audio = SpokenRoundTrip(audio_dir)
        self._lines: list[tuple[str, str, float]] = []

    def caller_line(self, text: str) -> str:
        recognised = self._audio.recognise(
            self._audio.speak(text, f"caller-{len(self._lines):03d}")
        )
        self._lines.append((text, recognised, word_error_rate(text, recognised)))
        print(f"  caller said {text!r}, recognised {recognised!r}")
        return recognised

    def save_prompts(self, results: list[StepResult]) -> None:
        for result in results:
            if result.heard:
                self._audio.speak(result.heard, f"assistant-{len(self._lines):03d}")

    def print_summary(self) -> None:
        if not self._lines:
            return
        average = sum(wer for _, _, wer in self._lines) / len(self._lines)
        print(f"Spoken round trip: word error rate {average:.0%} over {len(self._lines)} lines")
        print(f"Audio of every line in {self._audio.audio_dir}")


if __name__ == "__main__":
    sys.exit(main())
