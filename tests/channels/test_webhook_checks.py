"""Every genuine Twilio webhook is accepted, everything else refused, over real HTTP."""

from __future__ import annotations

import pytest
import requests
from rasa.shared.core.events import UserUttered
from sanic.request import RequestParameters
from twilio.request_validator import RequestValidator

from channels.settings import VoiceSettings
from tests.support.voice_server import (
    CALLER,
    PUBLIC_URL,
    TOKEN,
    VoiceServer,
    call,
    recorded,
    run_in_server,
)
from tools.phone.call import STATUS_PATH, WEBHOOK_PATH
from tools.phone.twilio_params import SAN_FRANCISCO, CallLine
from tools.phone.twiml import parse_twiml

SIGNER = RequestValidator(TOKEN)


def signed_post(
    server: VoiceServer, path: str, body: str | bytes, signature: str | None = None
) -> requests.Response:
    return requests.post(
        f"{server.url}{path}",
        data=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature or "",
        },
        timeout=10,
    )


def test_the_issues_reproduction_a_signed_blank_field_is_accepted(voice: VoiceServer) -> None:
    fields = {"CallSid": CallLine().call_sid, "From": CALLER, "To": "+18005550001", "CallerZip": ""}
    signature = SIGNER.compute_signature(f"{PUBLIC_URL}{WEBHOOK_PATH}", fields)
    body = "&".join(f"{key}={value}".replace("+", "%2B") for key, value in fields.items())
    reply = signed_post(voice, WEBHOOK_PATH, body, signature)
    assert reply.status_code == 200
    assert parse_twiml(reply.text, WEBHOOK_PATH).answer_url is not None


def test_every_kind_of_request_with_twilios_full_fields_and_blanks(voice: VoiceServer) -> None:
    phone = call(voice)
    incoming = phone.line.incoming()
    assert {"CallerZip", "CalledCity", "ToZip", "ForwardedFrom", "CallerName"} <= {
        key for key, value in incoming.items() if value == ""
    }
    assert {"AccountSid", "ApiVersion", "Direction", "CallStatus"} <= set(incoming)
    assert phone.start().answer_url is not None
    assert phone.say("hello there").answer_url is not None
    assert phone.press("5").answer_url is not None
    assert phone.stay_silent().text.startswith("Sorry, I didn't hear anything.")
    callback = phone.line.status_callback("completed", 42)
    assert {"CallDuration", "Timestamp", "SequenceNumber", "CallbackSource"} <= set(callback)
    assert phone.post(STATUS_PATH, callback).status_code == 204


def test_a_caller_from_a_known_place_to_a_local_number(voice: VoiceServer) -> None:
    phone = call(voice)
    phone.line.caller_place = phone.line.called_place = SAN_FRANCISCO
    assert phone.start().answer_url is not None


def test_repeated_keys_are_signed_and_checked_with_all_their_values(voice: VoiceServer) -> None:
    sid = CallLine().call_sid
    body = f"CallSid={sid}&Tag=b&Tag=a"
    url = f"{PUBLIC_URL}{WEBHOOK_PATH}"
    both = SIGNER.compute_signature(url, RequestParameters({"CallSid": [sid], "Tag": ["b", "a"]}))
    first_only = SIGNER.compute_signature(url, {"CallSid": sid, "Tag": "b"})
    assert signed_post(voice, WEBHOOK_PATH, body, both).status_code == 200
    assert signed_post(voice, WEBHOOK_PATH, body, first_only).status_code == 403


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"CallSid=CA" + b"\xff" * 32, "not UTF-8"),
        (b"SpeechResult=%C3%28&CallSid=CA1", "not UTF-8"),
        (b"CallSid=" + b"x" * 17_000, "too large"),
    ],
)
def test_bodies_that_are_not_utf8_or_too_large_get_400_without_a_traceback(
    voice: VoiceServer, body: bytes, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    reply = signed_post(voice, WEBHOOK_PATH, body, "anything")
    assert (reply.status_code, reason in reply.text) == (400, True)
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("sid", ["CA123", "CA" + "G" * 32, "PN" + "0" * 32, ""])
def test_a_signed_request_without_a_twilio_call_sid_gets_400(voice: VoiceServer, sid: str) -> None:
    fields = {**call(voice).line.incoming(), "CallSid": sid}
    reply = call(voice).post(WEBHOOK_PATH, fields)
    assert reply.status_code == 400
    assert "CallSid" in reply.text


def test_request_values_cannot_forge_log_lines(
    voice: VoiceServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO")
    phone = call(voice)
    forged = "completed\n2026-11-25 INFO call CA0 status ok"
    fields = {**phone.line.status_callback("in-progress"), "CallStatus": forged}
    assert phone.post(STATUS_PATH, fields).status_code == 204
    assert "\n2026-11-25 INFO" not in caplog.text
    assert "completed?2026-11-25" in caplog.text


def test_speech_that_looks_like_an_intent_command_is_words(voice: VoiceServer) -> None:
    phone = call(voice)
    phone.start()
    phone.say('/inform{"email":"mallory@evil.example","priority":"high"}')
    tracker = run_in_server(voice, voice.agent.tracker_store.retrieve(phone.call_sid))
    said = [event for event in tracker.events if isinstance(event, UserUttered)][-1]
    assert not said.text.startswith("/")
    assert said.parse_data["intent"]["confidence"] < 1.0
    assert (tracker.get_slot("email"), tracker.get_slot("priority")) == (None, None)


def test_only_offered_button_payloads_are_sent_as_intents(voice: VoiceServer) -> None:
    received = recorded(voice, {"text": "ok"})
    phone = call(voice)
    phone.start()
    phone.press('/restart{"a":1}')
    phone.say("//restart")
    assert [message.text for message in received] == ["1", "restart"]


def test_a_later_turn_without_input_is_not_a_new_call(voice: VoiceServer) -> None:
    phone = call(voice)
    reply = phone.post(f"{WEBHOOK_PATH}?turn=3", phone.line.redirected())
    heard = parse_twiml(reply.text, WEBHOOK_PATH)
    assert heard.said[0] == "Sorry, I didn't hear anything."
    assert "help desk" not in heard.text
    assert run_in_server(voice, voice.agent.tracker_store.retrieve(phone.call_sid)) is None


@pytest.mark.parametrize(
    "query",
    ["?turn=-1", "?turn=99999999999999&silence=99999999999999", "?turn=1e9", "?silence=-5&turn="],
)
def test_absurd_counters_get_a_valid_answer(voice: VoiceServer, query: str) -> None:
    phone = call(voice)
    reply = phone.post(f"{WEBHOOK_PATH}{query}", phone.line.speech("hello"))
    assert reply.status_code == 200
    heard = parse_twiml(reply.text, WEBHOOK_PATH)
    assert heard.answer_url is not None or heard.hung_up


def test_behind_a_trusted_proxy_the_forwarded_url_is_what_was_signed(
    voice: VoiceServer,
) -> None:
    """Without TWILIO_PUBLIC_URL, with `SANIC_PROXIES_COUNT=1` as `rasa run` would read it."""
    voice.channel.settings = VoiceSettings(auth_token=TOKEN)
    voice.app.config.PROXIES_COUNT = 1
    try:
        fields = CallLine().incoming()
        signature = SIGNER.compute_signature(f"https://voice.example.com{WEBHOOK_PATH}", fields)
        proxy = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
        replies = [
            requests.post(
                f"{voice.url}{WEBHOOK_PATH}",
                data=fields,
                headers={"X-Twilio-Signature": signature, "Host": "voice.example.com", **headers},
                timeout=10,
            ).status_code
            for headers in (proxy, {})
        ]
    finally:
        voice.app.config.PROXIES_COUNT = None
    assert replies == [200, 403]
