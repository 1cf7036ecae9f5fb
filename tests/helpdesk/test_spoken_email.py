"""Spoken and written email addresses in phone transcripts."""

from __future__ import annotations

import pytest

from helpdesk.spoken_email import (
    find_domain,
    find_email_at_known_domain,
    find_local_part,
    find_spoken_email,
    say_address_part,
)
from tools.bench.nlu import load_cases


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


@pytest.mark.parametrize(
    ("spoken", "address"),
    [
        ("a b dot c d at example dot com", "ab.cd@example.com"),
        ("a one b two at example dot com", "a1b2@example.com"),
        ("my email is a b c at x dot org", "abc@x.org"),
        ("abraham dot lincoln at example .com", "abraham.lincoln@example.com"),
        ("juliet alpha november echo at example dot com", "jane@example.com"),
        ("t as in tom o m at example dot com", "tom@example.com"),
    ],
)
def test_letters_said_as_callers_say_them(spoken: str, address: str) -> None:
    found = find_spoken_email(spoken)
    assert found is not None and found.address == address


def test_a_leading_a_of_the_sentence_is_still_dropped() -> None:
    found = find_spoken_email("my email addresses a kim at example dot com")
    assert found is not None and found.address == "kim@example.com"


@pytest.mark.parametrize(
    ("said", "name"),
    [
        ("j a n e dot d o e", "jane.doe"),
        ("it's jane dot doe", "jane.doe"),
        ("double t o m", "ttom"),
        ("alpha bravo charlie dot delta", "abc.d"),
        ("jane dot doe at acme dot com", "jane.doe"),
        ("no", None),
    ],
)
def test_the_part_before_the_at_said_alone(said: str, name: str | None) -> None:
    assert find_local_part(said) == name


@pytest.mark.parametrize(
    ("said", "domain"),
    [
        ("example dot com", "example.com"),
        ("at g mail dot com", "gmail.com"),
        ("um it's acme dot co dot uk thanks", "acme.co.uk"),
        ("e x a m p l e dot com", "example.com"),
        ("acme", None),
    ],
)
def test_the_part_after_the_at_said_alone(said: str, domain: str | None) -> None:
    assert find_domain(said) == domain


@pytest.mark.parametrize(
    ("said", "main", "address"),
    [
        ("Lincolnedexample.com", None, "lincoln@example.com"),
        ("abraham dot lincoln example dot com", None, "abraham.lincoln@example.com"),
        ("jane dot doe", "example.com", "jane.doe@example.com"),
        ("jane dot doe", None, None),
        ("I don't know", "example.com", None),
        ("what do you mean", "example.com", None),
        ("jane at elsewhere dot org", "example.com", None),  # a whole address is no name
    ],
)
def test_an_address_completed_with_a_known_domain(
    said: str, main: str | None, address: str | None
) -> None:
    assert find_email_at_known_domain(said, ["example.com", "acme.com"], main) == address


def test_parts_are_read_back_as_words() -> None:
    assert say_address_part("kim.lee_4-5") == "kim dot lee underscore 4 dash 5"
