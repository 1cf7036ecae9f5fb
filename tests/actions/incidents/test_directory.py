"""Which directory address a misheard one most likely meant."""

from __future__ import annotations

import pytest

from actions.incidents.directory import candidate_patterns, only_close_address

DIRECTORY = [
    "jane.doe@acme.com",
    "kim.lee@acme.com",
    "tim.ng@acme.com",
    "sam@example.com",
    "jpk@bespoken.io",
    "jo@example.com",
    "xyz@example.com",
]


@pytest.mark.parametrize(
    ("heard", "meant"),
    [
        ("jane.do@acne.com", "jane.doe@acme.com"),
        ("kim.li@acme.com", "kim.lee@acme.com"),
        ("jane.doe@acme.com", None),  # heard right: nothing to suggest
        ("sam.ng@example.com", None),  # longer by three letters: someone else
        ("bob@acme.com", None),
        ("zzz@elsewhere.org", None),
        ("jpk@thespoken.ego", "jpk@bespoken.io"),  # same name, domain misheard
        ("sam@elsewhere.org", None),  # the same name at another company: someone else
        ("sam@exampel.com", "sam@example.com"),
        ("jo@elsewhere.org", None),  # too short a name to stand for one person
        ("a@example.com", None),  # alike only by the domain: "a" is neither sam nor xyz
    ],
)
def test_only_a_single_close_entry_is_offered(heard: str, meant: str | None) -> None:
    assert only_close_address(heard, DIRECTORY) == meant


def test_two_close_entries_offer_neither() -> None:
    assert only_close_address("kim.le@acme.com", ["kim.lee@acme.com", "kim.leo@acme.com"]) is None


def test_candidates_share_the_domain_or_the_start_of_the_name() -> None:
    assert candidate_patterns("Jane.Do@Acne.com") == ("@acne.com", "jan")
