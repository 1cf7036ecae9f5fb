"""The Bespoken replay reads Bespoken's files and matches as Bespoken does."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.phone.call import CallEnded
from tools.phone.e2e import (
    E2ETest,
    Step,
    StepResult,
    going_round,
    load_config,
    load_tests,
    matches,
    normalise,
    passed,
    run_test,
    same_answer,
    step_problem,
)
from tools.phone.twiml import Heard

PROJECT_TESTS = Path(__file__).resolve().parents[3] / "tests"


@pytest.mark.parametrize(
    ("expected", "heard", "result"),
    [
        ("how can I help", "Hello. How can I help?", True),
        (
            "your incident number is * 0 0 1",
            "Done. Your incident number is INC, 0 0 1, 0 0 0 2.",
            True,
        ),
        ("/number is inc, 0 0 1, 0 0 0 \\d/", "Your incident number is INC, 0 0 1, 0 0 0 2.", True),
        ("goodbye", "How can I help?", False),
        ("/^help/", "I can help", False),
    ],
)
def test_matching_rules(expected: str, heard: str, result: bool) -> None:
    assert matches(expected, heard) is result


def test_homophones_replace_what_was_heard_with_their_key() -> None:
    homophones = {"INC": ["I N C"], "I T": ["IT"]}
    assert normalise("the IT desk: I N C, 0 0 1", homophones) == "the I T desk: INC, 0 0 1"


def test_the_project_files_load_in_bespokens_format() -> None:
    tests = load_tests(PROJECT_TESTS / "e2e.yml")
    assert len(tests) >= 3
    assert all(test.name and test.steps[0].utterance == "$DIAL" for test in tests)
    utterances = [step.utterance for test in tests for step in test.steps]
    assert "yes" in utterances  # YAML 1.2, as Bespoken reads it: not the boolean True
    assert any(u.startswith("$") and u[1:].isdigit() for u in utterances)


def test_a_configuration_section_and_plain_prompts_are_understood(tmp_path: Path) -> None:
    path = tmp_path / "e2e.yml"
    path.write_text(
        "---\nconfiguration:\n  locale: en-US\n---\n- test: t\n- $DIAL: hello\n- no:\n"
        "    - prompt: okay\n    - set finishOnPhrase: bye\n"
    )
    [test] = load_tests(path)
    assert test == E2ETest(
        "t",
        [Step("$DIAL", ["hello"]), Step("no", ["okay"], {"finishOnPhrase": "bye"})],
    )


def test_testing_json_takes_secrets_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BESPOKEN_VIRTUAL_DEVICE_TOKEN", "phone-123")
    path = tmp_path / "testing.json"
    path.write_text('{"virtualDeviceToken": "${BESPOKEN_VIRTUAL_DEVICE_TOKEN}"}')
    assert load_config(path) == {"virtualDeviceToken": "phone-123"}
    assert load_config(PROJECT_TESTS / "testing.json")["type"] == "e2e"


def test_a_missing_finish_phrase_or_transcript_is_reported() -> None:
    step = Step("hi", ["how can I help"], {"finishOnPhrase": "press 1"})
    assert step_problem(step, "how can I help") == "never heard the finishOnPhrase ['press 1']"
    assert step_problem(step, "goodbye press 1").startswith("expected 'how can I help'")
    assert step_problem(step, "how can I help? press 1") == ""
    assert StepResult(step, "x").problem == ""


class ScriptedAssistant:
    """The assistant's side as a list of answers, to test the runner's own rules."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = answers
        self.heard: list[str] = []
        self.last = Heard()
        # Lines the caller began to speak (the streaming line is told; keys are not).
        self.started_speaking = 0
        # What the caller had heard of a turn when they talked over the rest of it.
        self.heard_before_talking: list[str] = []

    def start(self) -> Heard:
        return self._next("$DIAL")

    def start_speaking(self) -> None:
        self.started_speaking += 1

    def say(self, speech: str, confidence: float = 0.9) -> Heard:
        return self._next(speech)

    def talk_over(self, heard_characters: int, speech: str, confidence: float = 0.9) -> Heard:
        self.heard_before_talking.append(self.last.text[:heard_characters])
        return self._next(speech)

    def press(self, digits: str) -> Heard:
        return self._next(f"${digits}")

    def _next(self, caller: str) -> Heard:
        if not self.answers:
            raise CallEnded("no more answers")
        self.heard.append(caller)
        self.last = Heard(said=[self.answers.pop(0)], answer_url="webhook")
        return self.last


EMAIL_TEST = E2ETest(
    "t",
    [
        Step("$DIAL", ["how can I help"]),
        Step("kim at x dot com", ["I heard kim at x dot com"]),
        Step("$1", ["how urgent"]),
        Step("$2", ["describe"]),
    ],
)


def test_a_repair_that_says_the_next_line_completes_both_steps() -> None:
    assistant = ScriptedAssistant(
        [
            "How can I help?",
            "I can't find tim at x dot com. Did you mean kim at x dot com?",
            "How urgent is this?",
            "Please describe the problem.",
        ]
    )
    results = run_test(EMAIL_TEST, assistant, {}, repairs=3)  # type: ignore[arg-type]
    assert passed(EMAIL_TEST, results)
    assert assistant.heard == ["$DIAL", "kim at x dot com", "yes", "$2"]
    assert assistant.started_speaking == 2  # the spoken lines, not the dial or the key


def test_without_repairs_an_unforeseen_turn_fails_the_step() -> None:
    assistant = ScriptedAssistant(
        ["How can I help?", "I can't find tim at x dot com. Did you mean kim at x dot com?"]
    )
    results = run_test(EMAIL_TEST, assistant, {})  # type: ignore[arg-type]
    assert not passed(EMAIL_TEST, results)
    assert results[-1].problem.startswith("expected")


def test_yes_said_or_pressed_is_the_same_answer() -> None:
    assert same_answer("yes", "$1") and same_answer("no", "no")
    assert not same_answer("no", "$1")


def test_a_caller_who_hears_the_same_words_again_and_again_gives_up() -> None:
    sorry = "Sorry, I didn't catch that. Could you say it another way?"
    assert going_round(
        [("a", "What is your email address?"), ("b", sorry), ("b", sorry), ("b", sorry)]
    )
    assert not going_round([("b", sorry), ("b", sorry)])
    assert not going_round([("b", sorry), ("c", "How urgent is this?"), ("b", sorry)])


def test_a_caller_who_talks_over_answers_read_backs_and_menus_before_their_end() -> None:
    test = E2ETest(
        "t",
        [
            Step("$DIAL", ["how can I help"]),
            Step("printer jam", ["how urgent"]),
            Step("high", ["shall I go ahead"]),
            Step("yes", ["opened"]),
        ],
    )
    assistant = ScriptedAssistant(
        [
            "How can I help?",
            "How urgent is this? Say low, medium, or high, or press 1, 2, or 3.",
            "I'll open an incident called Printer jam, high priority. Shall I go ahead?",
            "I've opened incident INC1.",
        ]
    )
    results = run_test(test, assistant, {}, talking_over=True)  # type: ignore[arg-type]
    assert passed(test, results)
    assert assistant.heard_before_talking == [
        "How urgent is this? ",
        "I'll open an incident called Printer jam, high priority. ",
    ]
