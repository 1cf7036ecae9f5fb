"""A webhook as a turn of a call: words, keys, counters and the next URLs."""

from __future__ import annotations

import pytest
from sanic.request import RequestParameters

from channels.call_turn import MAX_TURN, CallTurn
from channels.twilio_request import SignedWebhook

SID = "CA" + "ab" * 16


def turn(query: dict[str, str], **fields: str) -> CallTurn:
    form = RequestParameters({key: [value] for key, value in {"CallSid": SID, **fields}.items()})
    return CallTurn(SignedWebhook(form), query, max_silences=2)


def test_only_the_first_webhook_of_a_call_starts_it() -> None:
    assert turn({}).kind == "start"
    later = turn({"turn": "3"})
    assert later.kind == "silence" and later.silences == 1
    assert later.next_requests().silence_url == "webhook?turn=3&silence=2"


@pytest.mark.parametrize(
    ("query", "expected_turn", "expected_silences"),
    [
        ({"turn": "-1"}, 0, 1),
        ({"turn": "99999999999999", "silence": "99999999999999"}, MAX_TURN, 2),
        ({"turn": "7", "silence": "x"}, 7, 1),
        ({"turn": "1" * 5000}, MAX_TURN, 1),
    ],
)
def test_absurd_counters_are_bounded(
    query: dict[str, str], expected_turn: int, expected_silences: int
) -> None:
    call = turn(query)
    assert (call.kind, call.turn, call.silences) == ("silence", expected_turn, expected_silences)


def test_blank_fields_stay_out_of_the_metadata() -> None:
    call = turn({"turn": "2"}, SpeechResult="hi", From="+15005550006", CallerZip="")
    assert call.metadata == {
        "CallSid": SID,
        "From": "+15005550006",
        "twilio_turn": 2,
        "twilio_input": "hi",
        "twilio_confidence": None,
    }


def test_connection_overrides_travel_on_every_next_url() -> None:
    urls = turn({"turn": "4"}, SpeechResult="hi", To="+18005550001").next_requests("rc=2&rt=9000")
    assert urls.answer_url == "webhook?turn=5#rc=2&rt=9000"
    assert urls.silence_url == "webhook?turn=4&silence=1#rc=2&rt=9000"
    assert urls.dial_url == "dial?turn=5#rc=2&rt=9000"
    assert urls.caller_id == "+18005550001"


@pytest.mark.parametrize(
    ("confidence", "expected"), [("0.4123", 0.4123), ("", None), ("high", None), ("7", None)]
)
def test_a_spoken_answer_carries_twilios_confidence(confidence: str, expected: object) -> None:
    call = turn({"turn": "2"}, SpeechResult="high", Confidence=confidence)
    assert call.metadata["twilio_confidence"] == expected


def test_keys_carry_no_confidence() -> None:
    assert "twilio_confidence" not in turn({"turn": "2"}, Digits="1", Confidence="").metadata
