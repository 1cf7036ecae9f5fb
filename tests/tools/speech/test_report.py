"""What make e2e-spoken reports: how an address was obtained, what the caller left with,
and the table over lines and modes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.speech.report import SpokenCall, called_for
from tools.speech.table import below_gate, main, table


@pytest.mark.parametrize(
    ("heard", "path"),
    [
        (["What is your email address?", "I heard kim at x dot com. Is that right?"], "first try"),
        (["What is your email address?", "Did you mean kim at x dot com?"], "did-you-mean"),
        (
            ["What is your email address?", "Is the part before the at, kim, right?"],
            "partial repair",
        ),
        (["What is your email address?", "Let's try it letter by letter."], "spelling"),
        (
            ["What is your email address?", "I'm sorry, I couldn't get your email address right."],
            "calling number",
        ),
        (["What is your email address?", "I'm putting you through to a colleague now."], "person"),
        (["How can I help?", "Thanks for calling. Goodbye."], "none"),
    ],
)
def test_how_an_address_was_obtained(heard: list[str], path: str) -> None:
    assert SpokenCall("call", heard=heard).address_path == path


def test_what_a_caller_left_with() -> None:
    assert SpokenCall("c", heard=["Done. Your incident number is I N C"]).left_with == "incident"
    assert SpokenCall("c", heard=["I couldn't find any incidents."]).left_with == "status"
    assert SpokenCall("c", heard=["Please call again later. Goodbye."]).left_with == "nothing"
    greeting = "I can open an incident for you, or check on the incidents you already have."
    assert SpokenCall("c", heard=[greeting, "Thanks for calling. Goodbye."]).left_with == "nothing"


INCIDENT = "Done. Your incident number is I N C, 0 0 1, 0 0 0 1."
PERSON = "I'm putting you through to a colleague now. Please hold."


@pytest.mark.parametrize(
    ("as_scripted", "wanted", "heard", "outcome"),
    [
        (True, "incident", [INCIDENT], "completed"),
        # Off the script, yet filed: the caller left with what they called for.
        (False, "incident", ["I couldn't get your email address right.", INCIDENT], "completed"),
        (False, "incident", [PERSON], "to a person"),
        (False, "status", [PERSON], "completed"),  # a person reads out the status
        (False, "status", ["Thanks for calling. Goodbye."], "failed"),
        # A call that wanted nothing in particular completes only as scripted.
        (False, "nothing", ["You can say, open an incident."], "failed"),
    ],
)
def test_a_call_completes_when_the_caller_leaves_with_what_they_called_for(
    as_scripted: bool, wanted: str, heard: list[str], outcome: str
) -> None:
    call = SpokenCall("call")
    call.end(as_scripted, wanted, heard[-1] == PERSON, heard)
    assert call.outcome == outcome and call.as_scripted is as_scripted


MODES = ("servicenow", "embedded")


def summary(line: str, mode: str, completed: int) -> dict[str, object]:
    return {
        "line": line,
        "mode": mode,
        "calls": 20,
        "completed": completed,
        "to_a_person": 0,
        "left_with_nothing": 20 - completed,
        "word_error_rate": 0.3,
        "caller_lines": 100,
        "address_paths": {"first try": 10, "spelling": 2},
    }


def write(folder: Path, runs: list[dict[str, object]]) -> None:
    for run in runs:
        (folder / f"{run['line']}-{run['mode']}").mkdir(exist_ok=True)
        (folder / f"{run['line']}-{run['mode']}" / "summary.json").write_text(json.dumps(run))


def test_the_gate_holds_on_every_line_and_mode(tmp_path: Path) -> None:
    runs = [summary(line, mode, 19) for line in ("clean", "noisy") for mode in MODES]
    for run in runs:
        run["left_with_nothing"], run["as_scripted"] = 0, 7
    write(tmp_path, runs)
    assert main([str(tmp_path), "--runs", "4"]) == 0
    runs[1]["talked_over"] = 12
    assert "gather     19/20 (95%)  7" in table(runs)
    assert "talked over" in table(runs).splitlines()[0]
    assert "  0        12  " in table(runs).splitlines()[2]
    runs[3]["completed"] = 17  # noisy/embedded completed 85 %
    assert below_gate(runs) == ["noisy/embedded/gather"]
    runs[3]["completed"] = 19
    runs[2]["left_with_nothing"] = 1  # one caller on the noisy line sent away
    write(tmp_path, runs)
    assert below_gate(runs) == ["noisy/servicenow/gather"]
    assert main([str(tmp_path), "--runs", "4"]) == 1


def test_a_run_that_wrote_no_figures_fails_the_gate(tmp_path: Path) -> None:
    write(tmp_path, [summary("clean", "servicenow", 20)])
    assert main([str(tmp_path), "--runs", "2"]) == 1


def test_a_caller_called_for_the_first_outcome_their_script_reaches() -> None:
    status_then_incident = [
        ["what is your email address"],
        ["I couldn't find any incidents"],
        ["shall I go ahead"],
        ["your incident number is"],
    ]
    assert called_for(status_then_incident) == "status"
    assert called_for([["how can I help"], ["your incident number is * 0 0 1"]]) == "incident"
    assert called_for([["how can I help"], ["thanks for calling. goodbye"]]) == "nothing"
