"""Reading a caller's utterance during a form: interruptions, corrections, all at once."""

from __future__ import annotations

import pytest

from actions.answers import (
    description_said_with_request,
    is_correction,
    is_interruption,
    starts_as_correction,
)


@pytest.mark.parametrize(
    "text",
    ["cancel", "Never mind.", "uh stop please", "let me talk to a person", "what can you do?",
     "are you a bot", "start over", "bye", "", "  um  "],
)  # fmt: skip
def test_whole_requests_interrupt(text: str) -> None:
    assert is_interruption(text)


@pytest.mark.parametrize(
    "text",
    ["the help button in the portal does nothing", "my laptop shows a goodbye screen",
     "yes the printer jams on every page", "cancel buttons in the expense tool fail",
     "i have to start over every time the vpn drops", "stop sign icon on my desktop"],
)  # fmt: skip
def test_sentences_that_contain_request_words_are_answers(text: str) -> None:
    assert not is_interruption(text)


@pytest.mark.parametrize(
    ("text", "opens", "anywhere"),
    [
        ("actually make it high priority", True, True),
        ("No, make it medium", True, True),
        ("the address should be sam at example dot com", False, True),
        ("the error message is wrong and outlook crashes", False, True),
        ("outlook crashes on start", False, False),
    ],
)
def test_corrections_are_recognised_where_they_stand(
    text: str, opens: bool, anywhere: bool
) -> None:
    assert (starts_as_correction(text), is_correction(text)) == (opens, anywhere)


@pytest.mark.parametrize(
    ("text", "mentioned", "description"),
    [
        (
            "open a high priority incident for jane at example dot com, outlook hangs a lot",
            ["jane at example dot com"],
            "outlook hangs a lot",
        ),
        ("i need an urgent ticket because my vpn keeps dropping", [], "my vpn keeps dropping"),
        ("um i can't reset my password", [], None),
        ("i want to open an incident, please", [], None),
        ("open a ticket for kim at example dot com", ["kim at example dot com"], None),
    ],
)
def test_a_description_said_with_the_request(
    text: str, mentioned: list[str], description: str | None
) -> None:
    assert description_said_with_request(text, mentioned) == description
