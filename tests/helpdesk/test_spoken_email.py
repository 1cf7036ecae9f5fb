"""Spoken and written email addresses in phone transcripts."""

from __future__ import annotations

import pytest

from helpdesk.spoken_email import find_spoken_email
from tools.bench_nlu import load_cases


@pytest.mark.parametrize(
    ("spoken", "address"),
    [
        ("j p k at bespoken dot io", "jpk@bespoken.io"),
        ("mary underscore ann at contoso dot com", "mary_ann@contoso.com"),
        ("sam four five six at g mail dot com", "sam456@gmail.com"),
        ("Sam 4 5 6 at gmail dot com", "sam456@gmail.com"),
        ("bob two thousand at hot mail dot com", "bob2000@hotmail.com"),
        ("X Y Z at example period org", "xyz@example.org"),
        ("uh sure it's jane dot doe at example dot com thanks", "jane.doe@example.com"),
        ("john dash smith at example point co dot uk", "john-smith@example.co.uk"),
        ("lee plus it at example dot com", "lee+it@example.com"),
        ("jane.doe at example dot com", "jane.doe@example.com"),
        ("It's Abraham.Lincoln@example.com.", "abraham.lincoln@example.com"),
        ("you can reach me at b r i a n at gmail dot com", "brian@gmail.com"),
    ],
)
def test_reads_the_address_the_caller_meant(spoken: str, address: str) -> None:
    found = find_spoken_email(spoken)
    assert found is not None
    assert found.address == address


def test_the_span_covers_the_spoken_address() -> None:
    text = "um my email is jane dot doe at example dot com thanks"
    found = find_spoken_email(text)
    assert found is not None
    assert text[found.start : found.end] == "jane dot doe at example dot com"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "meet me at noon",
        "i'm at home right now",
        "my email is broken",
        "it's at example",
        "the dot com bubble",
        "a" * 5000,
    ],
)
def test_no_address_gives_nothing(text: str) -> None:
    assert find_spoken_email(text) is None


def test_of_two_addresses_the_first_is_taken() -> None:
    found = find_spoken_email("jo at example dot com or else sam at example dot org")
    assert found is not None and found.address == "jo@example.com"


def test_a_long_transcript_is_read_quickly_and_correctly() -> None:
    text = "um " * 2000 + "jane dot doe at example dot com" + " thanks" * 2000
    found = find_spoken_email(text)
    assert found is not None and found.address == "jane.doe@example.com"


def test_non_ascii_addresses_are_kept_and_nonsense_is_refused() -> None:
    found = find_spoken_email("it's josé at example dot com")
    assert found is not None and found.address == "josé@example.com"
    assert find_spoken_email("émoji 🎉 at 🎉 dot com") is None


def test_the_dataset_has_enough_cases_and_some_without_an_address() -> None:
    cases = load_cases()
    assert len(cases) >= 150
    assert sum(1 for _, expected in cases if not expected) >= 10


@pytest.mark.parametrize(
    ("recognised", "address"),
    [
        # What Whisper tiny.en wrote for lines of tests/spoken_calls.yml.
        ("Tim Lee 456 at gmail.com.", "timlee456@gmail.com"),
        ("K-I-M-L-E-E-4-5-6 of gmail.com", "kimlee456@gmail.com"),
        ("J.P.K. at bespoken.eel", "jpk@bespoken.eel"),
        ("Bob 2000 that hotmail.com", "bob2000@hotmail.com"),
        ("b-o-b-200 at hotmail.com", "bob200@hotmail.com"),
        ("Oh, dot Brian at example dot i.e.", "o.brian@example.ie"),
        ("Sean Dot Murphy at Dublin Dot i.e", "sean.murphy@dublin.ie"),
        ("ada dash lovelace at example dot co dot u k", "ada-lovelace@example.co.uk"),
        ("dee dot jay at radio dot f m", "dee.jay@radio.fm"),
        ("mary-ann at contoso.co.uk", "mary-ann@contoso.co.uk"),
        ("mary-annet-contoso.co.uk", "mary-ann@contoso.co.uk"),
        ("Chondot Murphy at Dublin dot i-e", "chon.murphy@dublin.ie"),
        ("pat-at-example.com", "pat@example.com"),
    ],
)
def test_reads_what_a_phone_recogniser_wrote(recognised: str, address: str) -> None:
    found = find_spoken_email(recognised)
    assert found is not None and found.address == address


@pytest.mark.parametrize(
    "words", ["i want it fixed at once", "send a mail to the team", "four oh five", "that is all"]
)
def test_words_heard_as_at_make_no_address_without_a_domain(words: str) -> None:
    assert find_spoken_email(words) is None


def test_oh_is_a_letter_alone_and_a_zero_among_digits() -> None:
    assert find_spoken_email("bob oh seven at x dot com").address == "bob07@x.com"  # type: ignore[union-attr]
    assert find_spoken_email("oh dot brien at x dot ie").address == "o.brien@x.ie"  # type: ignore[union-attr]
