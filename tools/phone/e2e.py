"""`make e2e`: replays Bespoken IVR test files against the local stack, acting as Twilio.

Reads the same `tests/testing.json` and `tests/e2e.yml` that `bst test` uses. Each
utterance is sent as Twilio sends speech (`$DIAL` places the call, `$12` presses keys);
what the caller hears is every <Say> up to the next listening <Gather>. Expectations
are matched as Bespoken matches them: case-insensitive substrings, `/regex/`, `*`
wildcards, after applying the homophones of testing.json; `set finishOnPhrase` must be
heard before the caller speaks again.

`make e2e-spoken` plays the same files, and tests/spoken_calls.yml, down a phone line
in software (tools/speech/line.py): the assistant hears what Whisper heard, and the caller
answers the turns the script did not foresee (tools/speech/caller.py).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from tools.checkout import load_environment
from tools.phone.call import CallEnded, SimulatedCall
from tools.phone.relay_call import RelayCall
from tools.phone.twiml import Heard
from tools.speech.caller import Caller, talks_over
from tools.speech.line import LINES
from tools.speech.report import NOTHING, SpokenReport, called_for, left_with

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
# Twilio's Confidence for a clearly spoken line; typed lines carry it.
TYPED_CONFIDENCE = 0.92
DEFAULT_CALLER = "+15005550006"
# The assistant's yes-or-no menus offer yes as key 1.
KEY_FOR_YES = "$1"
# Turns a spoken step may take beyond the script: read-backs, repeats, part-by-part
# repair and spelling (the dialogue itself ends every repair within about as many).
MAX_REPAIRS = 12
# Turns a caller stays on the line after the script went wrong; a caller who hears the
# same words this many times in a row hangs up.
FINISH_TURNS = 30
SAME_WORDS_BEFORE_HANGING_UP = 3


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
    # Turns the script did not foresee, and how the caller answered them.
    repairs: list[tuple[str, str]] = field(default_factory=list)


class Speech(Protocol):
    """Turns a caller's line into Twilio's SpeechResult and Confidence for a <Gather>."""

    def __call__(self, line: str, listening: Heard) -> tuple[str, float]: ...


def typed(line: str, listening: Heard) -> tuple[str, float]:
    """Words reach the assistant exactly as written (`make e2e`)."""
    return line, TYPED_CONFIDENCE


def run_test(
    test: E2ETest,
    call: SimulatedCall,
    config: dict[str, Any],
    speech: Speech = typed,
    repairs: int = 0,
    talking_over: bool = False,
) -> list[StepResult]:
    """Plays one test; stops at the first failing step, as the call would go wrong there.

    With `repairs`, a step may take up to that many extra turns: the caller answers what
    the assistant asks (tools/speech/caller.py) until the expected prompt is heard. A
    repair that already said the script's next line ("yes" to an offered address) and
    heard what that line expects completes both steps. With `talking_over`, on the
    streaming line the caller answers read-backs and menus over their closing words.
    """
    homophones = config.get("homophones", {})
    caller = Caller()
    expected_before = [" ".join(step.transcripts) for step in test.steps]
    caller.means(list(zip([s.utterance for s in test.steps[1:]], expected_before, strict=False)))
    results: list[StepResult] = []
    position = 0
    while position < len(test.steps):
        step = test.steps[position]
        following = test.steps[position + 1] if position + 1 < len(test.steps) else None
        position += 1
        caller.said(step.utterance, call.last.text)
        try:
            heard = _play(call, step.utterance, speech, talking_over)
            result = StepResult(
                step, heard.text, step_problem(step, normalise(heard.text, homophones))
            )
            while result.problem and len(result.repairs) < repairs and not heard.ended:
                reply = caller.reply(heard.text)
                if reply is None:
                    break
                heard = _play(call, reply, speech, talking_over)
                result.repairs.append((reply, heard.text))
                result.problem = step_problem(step, normalise(heard.text, homophones))
                if (
                    result.problem
                    and following is not None
                    and same_answer(reply, following.utterance)
                    and not step_problem(following, normalise(heard.text, homophones))
                ):
                    result.problem, step = "", following
                    position += 1
            result.step = step
        except CallEnded as ended:
            results.append(StepResult(step, "", f"the call had ended: {ended}"))
            break
        results.append(result)
        if result.problem:
            break
    if repairs and results and results[-1].problem:
        results[-1].repairs.extend(finish_call(call, caller, speech, talking_over))
    return results


def finish_call(
    call: SimulatedCall, caller: Caller, speech: Speech, talking_over: bool = False
) -> list[tuple[str, str]]:
    """After the script went wrong, the caller stays on the line as a person would,
    answering what is asked, until the call ends or leaves them with an incident, a
    person or a status: what the assistant does with a caller it did not understand.
    Returns the turns, for the report."""
    turns: list[tuple[str, str]] = []
    heard = call.last
    for _ in range(FINISH_TURNS):
        if heard.ended or left_with(call.transcript) != NOTHING or going_round(turns):
            break
        reply = caller.reply(heard.text) or caller.last_line
        if not reply:
            break
        try:
            heard = _play(call, reply, speech, talking_over)
        except CallEnded:
            break
        turns.append((reply, heard.text))
    return turns


def going_round(turns: list[tuple[str, str]]) -> bool:
    """Whether the assistant said the same words to the caller's last turns, so often
    that a person would give up."""
    last = [heard for _, heard in turns[-SAME_WORDS_BEFORE_HANGING_UP:]]
    return len(last) == SAME_WORDS_BEFORE_HANGING_UP and len(set(last)) == 1


def same_answer(said: str, scripted: str) -> bool:
    """Whether a caller's reply is the script's line: the same words, or yes as a key."""
    return said == scripted or {said, scripted} == {"yes", KEY_FOR_YES}


def _play(call: SimulatedCall, utterance: str, speech: Speech, talking_over: bool = False) -> Heard:
    if utterance == "$DIAL":
        return call.start()
    keys = _KEYPAD.match(utterance)
    if keys:
        return call.press(keys.group(1))
    # Recognising the caller's line takes the harness seconds that, on a real line, are
    # the caller talking: the line knows they started.
    call.start_speaking()
    said, confidence = speech(utterance, call.last)
    heard_first = talks_over(call.last.text) if talking_over else None
    if heard_first is not None:
        return call.talk_over(heard_first, said, confidence)
    return call.say(said, confidence)


def step_problem(step: Step, heard: str) -> str:
    if step.transcripts and not any(matches(expected, heard) for expected in step.transcripts):
        return f"expected {' or '.join(repr(t) for t in step.transcripts)}"
    finish = step.settings.get("finishOnPhrase")
    phrases = finish if isinstance(finish, list) else [finish] if finish else []
    if phrases and not any(matches(str(phrase), heard) for phrase in phrases):
        return f"never heard the finishOnPhrase {phrases!r}"
    return ""


def passed(test: E2ETest, results: list[StepResult]) -> bool:
    completed = results and not any(r.problem for r in results)
    return bool(completed) and results[-1].step is test.steps[-1]


def print_results(test: E2ETest, results: list[StepResult]) -> None:
    print(f"{'PASS' if passed(test, results) else 'FAIL'} {test.name}")
    for result in results:
        mark = "x" if result.problem else "ok"
        print(f"  [{mark}] {result.step.utterance}: heard {result.heard!r}")
        for reply, heard in result.repairs:
            print(f"       then {reply!r}: heard {heard!r}")
        if result.problem:
            print(f"       {result.problem}")


def main(argv: Sequence[str] | None = None) -> int:
    load_environment()
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--config", default="tests/testing.json", type=Path)
    cli.add_argument("--tests", default=["tests/e2e.yml"], type=Path, nargs="+")
    default_url = f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}"
    cli.add_argument("--url", default=default_url, help="the Rasa server")
    cli.add_argument(
        "--line",
        default="clean",
        choices=sorted(LINES),
        help="the phone line (tools/speech/line.py)",
    )
    cli.add_argument(
        "--mode",
        default="servicenow",
        choices=["servicenow", "embedded"],
        help="embedded: no directory, so tests that set `needs: directory` are left out",
    )
    cli.add_argument(
        "--transport",
        default="gather",
        choices=["gather", "relay"],
        help="the <Gather> line, or the streaming line (ConversationRelay)",
    )
    cli.add_argument("--summary", type=Path, help="write the spoken figures here as JSON")
    cli.add_argument(
        "--spoken",
        type=Path,
        metavar="AUDIO_DIR",
        help="caller lines go through a neural voice, the phone band and Whisper; the audio "
        "of every caller line is kept in AUDIO_DIR, and the caller answers turns the "
        "script did not foresee",
    )
    args = cli.parse_args(argv)
    config = load_config(args.config)
    token = os.environ.get("TWILIO_AUTH_TOKEN", "")
    report = (
        SpokenReport(args.spoken, args.line, args.mode, args.transport) if args.spoken else None
    )
    outcomes: list[bool] = []
    tests = [test for path in args.tests for test in load_tests(path)]
    runnable = [test for test in tests if args.mode == "servicenow" or not _needs_directory(test)]
    if len(runnable) < len(tests):
        print(
            f"Left out in {args.mode} mode, for want of a directory: {len(tests) - len(runnable)}"
        )
    for test in runnable:
        line = RelayCall if args.transport == "relay" else SimulatedCall
        call = line(args.url, token, caller=_caller_number(test))
        if report:
            report.start_call(test.name)
            results = run_test(test, call, config, report.caller_line, MAX_REPAIRS, True)
            transferred = call.last.dialed is not None
            wanted = called_for([step.transcripts for step in test.steps])
            report.end_call(passed(test, results), wanted, transferred, call.transcript)
            report.talked_over(call.interruptions)
        else:
            results = run_test(test, call, config)
        if not call.last.ended:
            call.hang_up()  # the caller puts the phone down; Twilio reports it
        print_results(test, results)
        outcomes.append(passed(test, results))
    if report:
        if args.summary:
            report.save(args.summary)
        report.summarise()
        return 0
    print(f"{sum(outcomes)} passed, {outcomes.count(False)} failed")
    return 0 if all(outcomes) else 1


def _needs_directory(test: E2ETest) -> bool:
    """Whether a test sets `needs: directory` on its first step: it only works against
    an incident system with a directory of its own (the ServiceNow test instance)."""
    first = test.steps[0].settings if test.steps else {}
    return str(first.get("needs") or "") == "directory"


def _caller_number(test: E2ETest) -> str:
    """The number a test calls from: `set caller` on its $DIAL step, else the default."""
    first = test.steps[0].settings if test.steps else {}
    return str(first.get("caller") or DEFAULT_CALLER)


if __name__ == "__main__":
    sys.exit(main())
