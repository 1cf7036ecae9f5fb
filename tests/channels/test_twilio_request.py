"""Webhook checks: the form exactly as Twilio signed it, call SIDs, and log-safe values."""

from __future__ import annotations

import pytest
from twilio.request_validator import RequestValidator

from channels.twilio_request import CALL_SID, BadWebhook, TwilioRequestChecker, loggable, parse_form

URL = "https://example.com/myapp.php?foo=1&bar=2"


def test_twilios_documented_signature_is_accepted() -> None:
    checker = TwilioRequestChecker("12345", "", validate_signature=True)
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675310",
        "Digits": "1234",
        "From": "+14158675310",
        "To": "+18005551212",
    }
    assert checker.signature_is_valid(URL, params, "L/OH5YylLD5NRKLltdqwSvS0BnU=")
    assert not checker.signature_is_valid(
        URL, {**params, "Digits": "1235"}, "L/OH5YylLD5NRKLltdqwSvS0BnU="
    )
    assert not checker.signature_is_valid(URL, params, "")


def test_blank_fields_are_kept_as_twilio_signed_them() -> None:
    body = b"CallSid=CA1&CallerZip=&From=%2B15005550006&ToCity="
    form = parse_form(body)
    assert form["CallerZip"] == [""] and form["ToCity"] == [""]
    signed = {"CallSid": "CA1", "CallerZip": "", "From": "+15005550006", "ToCity": ""}
    signature = RequestValidator("t").compute_signature(URL, signed)
    checker = TwilioRequestChecker("t", "", validate_signature=True)
    assert checker.signature_is_valid(URL, form, signature)


def test_repeated_keys_are_validated_with_all_their_values() -> None:
    form = parse_form(b"CallSid=CA1&Tag=b&Tag=a")
    assert form.getlist("Tag") == ["b", "a"]
    validator = RequestValidator("t")
    both = validator.compute_signature(URL, form)
    first_only = validator.compute_signature(URL, {"CallSid": "CA1", "Tag": "b"})
    checker = TwilioRequestChecker("t", "", validate_signature=True)
    assert checker.signature_is_valid(URL, form, both)
    assert not checker.signature_is_valid(URL, form, first_only)


@pytest.mark.parametrize("body", [b"CallSid=CA\xff\xfe", b"SpeechResult=%FF%FE&CallSid=CA1"])
def test_a_form_that_is_not_utf8_is_a_bad_webhook(body: bytes) -> None:
    with pytest.raises(BadWebhook) as bad:
        parse_form(body)
    assert bad.value.status == 400


@pytest.mark.parametrize(
    ("sid", "valid"),
    [
        ("CA" + "0123456789abcdef" * 2, True),
        ("CA" + "0123456789ABCDEF" * 2, False),
        ("CA123", False),
        ("SM" + "0" * 32, False),
        ("CA" + "0" * 32 + "\n", False),
    ],
)
def test_call_sids_look_like_twilios(sid: str, valid: bool) -> None:
    assert bool(CALL_SID.fullmatch(sid)) is valid


def test_logged_values_cannot_forge_lines_and_are_capped() -> None:
    assert loggable("completed\n2026-01-01 INFO forged") == "completed?2026-01-01 INFO forged"
    assert loggable("a\x00\x1b[31mb\u2028c") == "a??[31mb?c"
    long = loggable("x" * 5000)
    assert long.startswith("x" * 64) and long.endswith("(5000 chars)") and len(long) < 90
