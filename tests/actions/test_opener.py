"""The caller's own words about their problem become the description and a title."""

from __future__ import annotations

import pytest

from actions.opener import described_problem, short_title


@pytest.mark.parametrize(
    ("opener", "description", "title"),
    [
        (
            "hi, um, my vpn keeps dropping every few minutes",
            "My vpn keeps dropping every few minutes",
            "VPN keeps dropping",
        ),
        (
            "the printer on the third floor is jammed",
            "The printer on the third floor is jammed",
            "Printer on the third floor is jammed",
        ),
        (
            "my computer is really slow since the last update",
            "My computer is really slow since the last update",
            "Computer is really slow",
        ),
        (
            "yeah hi my desk phone has no dial tone",
            "My desk phone has no dial tone",
            "Desk phone has no dial tone",
        ),
        ("open a ticket, my laptop won't boot", "My laptop won't boot", "Laptop won't boot"),
        ("good morning I think I have a virus", "I have a virus", "I have a virus"),
    ],
)
def test_a_described_problem_is_kept_in_the_callers_words(
    opener: str, description: str, title: str
) -> None:
    assert described_problem(opener) == description
    assert short_title(description) == title


@pytest.mark.parametrize(
    "opener",
    [
        "I want to open an incident",
        "I have an issue",
        "my stuff isn't working",
        "I have a problem with my email",  # what, but not how: the caller is asked
        "I'd like to report a problem",
    ],
)
def test_a_request_or_a_vague_opener_describes_nothing(opener: str) -> None:
    assert described_problem(opener) is None
