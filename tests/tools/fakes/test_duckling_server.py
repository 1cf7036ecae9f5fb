"""The local Duckling speaks Duckling's HTTP API, with real parses."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tools.fakes.duckling_server import DucklingHTTPServer, running_duckling

pytestmark = pytest.mark.servers

# 2023-11-14T22:13:20Z
REFERENCE_TIME_MS = 1_700_000_000_000


@pytest.fixture(scope="module")
def duckling() -> Iterator[DucklingHTTPServer]:
    with running_duckling() as server:
        yield server


def post_parse(server: DucklingHTTPServer, **fields: str) -> tuple[int, Any]:
    body = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(f"{server.url}/parse", data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def only(results: list, dim: str) -> dict[str, Any]:
    matching = [result for result in results if result["dim"] == dim]
    assert len(matching) == 1, results
    return matching[0]


def test_root_answers_quack(duckling: DucklingHTTPServer) -> None:
    with urllib.request.urlopen(f"{duckling.url}/", timeout=5) as response:
        assert response.read() == b"quack!"


def test_parses_an_email_with_its_span(duckling: DucklingHTTPServer) -> None:
    text = "my address is abraham.lincoln@example.com thanks"
    status, results = post_parse(duckling, text=text, locale="en_US", dims='["email"]')
    assert status == 200
    email = only(results, "email")
    assert email["value"]["value"] == "abraham.lincoln@example.com"
    assert text[email["start"] : email["end"]] == email["body"]
    assert email["latent"] is False


def test_parses_a_spoken_number(duckling: DucklingHTTPServer) -> None:
    status, results = post_parse(duckling, text="forty two", locale="en_US", dims='["number"]')
    assert status == 200
    assert only(results, "number")["value"]["value"] == 42


def test_time_is_relative_to_the_reference_time_and_zone(duckling: DucklingHTTPServer) -> None:
    status, results = post_parse(
        duckling,
        text="tomorrow at 3pm",
        locale="en_US",
        dims='["time"]',
        tz="America/New_York",
        reftime=str(REFERENCE_TIME_MS),
    )
    assert status == 200
    assert only(results, "time")["value"]["value"] == "2023-11-15T15:00:00.000-05:00"


def test_without_dims_every_dimension_is_parsed(duckling: DucklingHTTPServer) -> None:
    status, results = post_parse(
        duckling, text="send 3 laptops to bob@example.com tomorrow", lang="en"
    )
    assert status == 200
    assert {"email", "number", "time"} <= {result["dim"] for result in results}


def test_dims_limit_the_results(duckling: DucklingHTTPServer) -> None:
    status, results = post_parse(
        duckling, text="email bob@example.com in 2 hours", dims='["email"]'
    )
    assert status == 200
    assert [result["dim"] for result in results] == ["email"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"locale": "en_US"}, "Need a 'text' parameter"),
        ({"text": "hi", "dims": '["bogus"]'}, "Unknown dimensions: bogus"),
        ({"text": "hi", "dims": "email"}, "JSON list"),
        ({"text": "hi", "tz": "Mars/Olympus"}, "Unknown time zone"),
        ({"text": "hi", "reftime": "yesterday"}, "milliseconds"),
    ],
)
def test_bad_fields_get_422_with_a_reason(
    duckling: DucklingHTTPServer, fields: dict[str, str], message: str
) -> None:
    status, body = post_parse(duckling, **fields)
    assert status == 422
    assert message in body


def test_unknown_paths_get_404(duckling: DucklingHTTPServer) -> None:
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"{duckling.url}/nope", timeout=5)
    assert error.value.code == 404


@pytest.mark.parametrize(
    "text",
    [
        "bob\x00@example.com",
        "\x00",
        "line\x01\x02\x1b[31m\x7fend",
        "help 😀🔥 five",
        "\u200f\u05d1\u05e2\u05d9\u05d4 at example dot com\u202e",
        "\ufeffzero\u200bwidth",
    ],
)
def test_hostile_text_gets_a_duckling_answer_and_the_server_lives(
    duckling: DucklingHTTPServer, text: str
) -> None:
    status, results = post_parse(duckling, text=text, locale="en_US")
    assert status == 200
    assert isinstance(results, list)
    status, _ = post_parse(duckling, text="forty two", dims='["number"]')
    assert status == 200


def test_a_nul_keeps_the_offsets_of_what_follows(duckling: DucklingHTTPServer) -> None:
    text = "a\x00b bob@example.com"
    status, results = post_parse(duckling, text=text, dims='["email"]')
    assert status == 200
    email = only(results, "email")
    assert (email["start"], email["end"]) == (4, 19)


def test_a_body_over_64_kb_gets_413(duckling: DucklingHTTPServer) -> None:
    status, body = post_parse(duckling, text="x" * 100_000)
    assert status == 413
    assert "too large" in body
