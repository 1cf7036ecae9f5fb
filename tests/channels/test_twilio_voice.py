"""The voice channel over real HTTP, with the trained agent or a stand-in message handler."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import xml.etree.ElementTree as ElementTree
from typing import Any

import pytest
import requests
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import BotUttered, Restarted, UserUttered

from channels.settings import VoiceSettings
from channels.twilio_voice import TwilioVoiceInput
from tests.support.voice_server import (
    CALLER,
    TOKEN,
    VoiceServer,
    call,
    recorded,
    run_in_server,
)
from tools.phone.call import WEBHOOK_PATH, SimulatedCall
from tools.phone.twiml import parse_twiml

PRIORITY_MENU = [
    {"title": "low", "payload": '/inform{"priority":"low"}'},
    {"title": "medium", "payload": '/inform{"priority":"medium"}'},
    {"title": "high", "payload": '/inform{"priority":"high"}'},
]


@pytest.mark.parametrize("signature", ["forged+signature=", None])
def test_unsigned_or_forged_requests_are_refused_unprocessed(
    voice: VoiceServer, signature: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    received = recorded(voice, {"text": "never"})
    headers = {"X-Twilio-Signature": signature} if signature else {}
    form = {"CallSid": "CAforged", "From": CALLER, "SpeechResult": "hello"}
    reply = requests.post(f"{voice.url}{WEBHOOK_PATH}", data=form, headers=headers, timeout=5)
    assert reply.status_code == 403
    assert received == []
    assert "invalid Twilio signature" in caplog.text
    assert CALLER not in caplog.text


def test_behind_a_proxy_the_public_url_is_what_counts(voice: VoiceServer) -> None:
    signed_for_local_url = SimulatedCall(voice.url, TOKEN, public_url=voice.url)
    with pytest.raises(requests.HTTPError, match="403"):
        signed_for_local_url.start()
    assert call(voice).start().said


def test_a_new_call_is_greeted_without_an_invented_utterance(voice: VoiceServer) -> None:
    phone = call(voice)
    heard = phone.start()
    assert heard.text.startswith("Hello, this is the I T help desk's automated assistant.")
    assert heard.answer_url is not None and not heard.ended
    tracker = run_in_server(voice, voice.agent.tracker_store.retrieve(phone.call_sid))
    [arrival] = [event for event in tracker.events if isinstance(event, UserUttered)]
    assert arrival.text == "EXTERNAL: greet"
    assert arrival.intent_name == "greet"
    assert tracker.get_slot("session_started_metadata")["CallSid"] == phone.call_sid


def test_a_first_turn_that_is_not_understood_gets_one_apology(voice: VoiceServer) -> None:
    phone = call(voice)
    phone.start()
    heard = phone.say("two")
    assert heard.said == ["Sorry, I didn't catch that. Could you say it another way?"]


def test_silence_repeats_the_question_then_says_goodbye_and_hangs_up(voice: VoiceServer) -> None:
    phone = call(voice)
    assert phone.start().text.endswith("How can I help?")
    # Of the greeting only its question: the caller heard the introduction already.
    assert phone.stay_silent().text == "Sorry, I didn't hear anything. How can I help?"
    goodbye = phone.stay_silent()
    assert goodbye.hung_up
    assert "I'll hang up now" in goodbye.text


def test_any_input_resets_the_silence_count(voice: VoiceServer) -> None:
    phone = call(voice)
    phone.start()
    phone.stay_silent()
    phone.say("hi")
    assert not phone.stay_silent().ended


def test_goodbye_hangs_up(voice: VoiceServer) -> None:
    phone = call(voice)
    phone.start()
    heard = phone.say("ok bye")
    assert heard.text == "Thanks for calling. Goodbye."
    assert heard.hung_up


def test_every_message_is_spoken_in_order_with_xml_escaped(voice: VoiceServer) -> None:
    recorded(voice, {"text": "Tom & Jerry <3"}, {"text": "Second."})
    phone = call(voice)
    phone.start()
    raw = phone.post(phone.last.answer_url or "", phone.call_fields({"SpeechResult": "hi"})).text
    assert "Tom &amp; Jerry &lt;3" in raw
    assert parse_twiml(raw, WEBHOOK_PATH).said == ["Tom & Jerry <3.", "Second."]


def test_messages_without_text_do_not_break_the_call(voice: VoiceServer) -> None:
    recorded(voice, {"custom": {"card": "x"}}, {"image": "https://example.com/a.png"})
    phone = call(voice)
    phone.start()
    heard = phone.say("my printer is broken")
    assert heard.said == [] and heard.answer_url is not None


def test_the_call_is_the_conversation_and_its_data_is_metadata(voice: VoiceServer) -> None:
    received = recorded(voice, {"text": "ok"})
    phone = call(voice)
    phone.start()
    phone.say("hello there")
    [message] = received
    assert (message.sender_id, message.input_channel, message.text) == (
        phone.call_sid,
        "twilio_voice",
        "hello there",
    )
    assert message.metadata is not None
    assert message.metadata["CallSid"] == phone.call_sid
    assert message.metadata["From"] == CALLER


def test_menu_choices_by_keypad_or_speech_send_the_button_payload(voice: VoiceServer) -> None:
    received = recorded(voice, {"text": "noted"})
    phone = call(voice)
    phone.start()
    run_in_server(voice, _ask_priority(voice, phone.call_sid))

    phone.press("3")
    phone.say("um medium please")
    phone.say("my printer is on fire")
    assert [message.text for message in received] == [
        '/inform{"priority":"high"}',
        '/inform{"priority":"medium"}',
        "my printer is on fire",
    ]


def test_a_key_that_is_no_choice_repeats_the_menu(voice: VoiceServer) -> None:
    received = recorded(voice, {"text": "noted"})
    phone = call(voice)
    phone.start()
    run_in_server(voice, _ask_priority(voice, phone.call_sid))
    heard = phone.press("7")
    assert heard.text == (
        "Sorry, that key isn't one of the choices. What is the priority? "
        "Say low, medium, or high, or press 1, 2, or 3."
    )
    assert received == []


async def _ask_priority(voice: VoiceServer, call_sid: str) -> None:
    tracker = await voice.agent.tracker_store.retrieve(call_sid)
    tracker.update(UserUttered("open a ticket"))
    tracker.update(BotUttered("What is the priority?", {"buttons": PRIORITY_MENU}))
    await voice.agent.tracker_store.save(tracker)


def gather_for(voice: VoiceServer, message: dict[str, Any]) -> ElementTree.Element:
    """The <Gather> that asks with `message`, as Twilio fetches it after an answer."""
    recorded(voice, message)
    phone = call(voice)
    phone.start()
    raw = phone.post(phone.last.answer_url or "", phone.call_fields({"SpeechResult": "x"})).text
    gather = ElementTree.fromstring(raw).find("Gather")
    assert gather is not None
    return gather


def test_buttons_become_a_spoken_menu_with_hints(voice: VoiceServer) -> None:
    gather = gather_for(voice, {"text": "How urgent is this?", "buttons": PRIORITY_MENU})
    assert gather.get("input") == "speech dtmf"
    assert gather.get("hints") == "low, medium, high, outlook"
    assert gather.get("numDigits") == "1"
    assert gather.get("profanityFilter") == "false"
    assert [say.text for say in gather.iter("Say")] == [
        "How urgent is this?",
        "Say low, medium, or high, or press 1, 2, or 3.",
    ]


def test_a_transfer_message_dials_the_number(voice: VoiceServer) -> None:
    recorded(voice, {"text": "Putting you through."}, {"custom": {"transfer": "+15005550009"}})
    phone = call(voice)
    phone.start()
    heard = phone.say("agent")
    assert heard.dialed == "+15005550009"
    assert heard.text == "Putting you through."


def test_a_slow_turn_gets_an_apology_before_twilio_gives_up(voice: VoiceServer) -> None:
    voice.channel.settings = dataclasses.replace(voice.channel.settings, turn_budget_seconds=0.2)
    release = threading.Event()
    finished = threading.Event()

    async def slow(message: UserMessage) -> None:
        await asyncio.get_running_loop().run_in_executor(None, release.wait, 10)
        finished.set()

    voice.handler = slow
    phone = call(voice)
    greeting = phone.start().text
    heard = phone.say("my printer is broken")
    release.set()
    assert heard.text == f"Sorry, I had a problem with that. {greeting}"
    assert finished.wait(timeout=10), "the slow turn was cancelled instead of completed"


def test_a_finished_call_ends_its_conversation(voice: VoiceServer) -> None:
    phone = call(voice)
    phone.start()
    assert (
        phone.post(
            "/webhooks/twilio_voice/status", phone.call_fields({"CallStatus": "in-progress"})
        ).status_code
        == 204
    )
    assert phone.hang_up() == 204
    tracker = run_in_server(voice, voice.agent.tracker_store.retrieve(phone.call_sid))
    assert isinstance(tracker.events[-1], Restarted)


@pytest.mark.parametrize(
    "fields", [{"From": CALLER}, {"CallSid": "CA1", "SpeechResult": "x" * 20_000}]
)
def test_signed_but_malformed_requests_get_400(voice: VoiceServer, fields: dict[str, str]) -> None:
    reply = call(voice).post(WEBHOOK_PATH, fields)
    assert reply.status_code == 400
    assert "Traceback" not in reply.text


def test_a_request_that_is_not_a_form_gets_400(voice: VoiceServer) -> None:
    reply = requests.post(
        f"{voice.url}{WEBHOOK_PATH}",
        data='{"CallSid": "CA1"}',
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    assert reply.status_code == 400
    assert "Traceback" not in reply.text


def test_logs_name_the_call_and_latency_but_not_the_caller(
    voice: VoiceServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO")
    phone = call(voice)
    phone.start()
    phone.say("my printer is broken")
    assert f"call {phone.call_sid} turn 1 (webhook speech) answered in" in caplog.text
    assert CALLER not in caplog.text


def test_the_health_endpoint_answers(voice: VoiceServer) -> None:
    reply = requests.get(f"{voice.url}/webhooks/twilio_voice/", timeout=5)
    assert reply.json() == {"status": "ok"}


def test_switching_validation_off_is_logged_loudly(caplog: pytest.LogCaptureFixture) -> None:
    TwilioVoiceInput(VoiceSettings(validate_signature=False))
    assert "TWILIO SIGNATURE VALIDATION IS OFF" in caplog.text


def test_a_question_brings_its_own_hints_for_the_recogniser(voice: VoiceServer) -> None:
    spell = {"text": "Please spell it.", "custom": {"speech_timeout": 3, "hints": ["dot", "alpha"]}}
    gather = gather_for(voice, spell)
    assert gather.get("hints") == "dot, alpha, outlook"
    assert gather.get("speechTimeout") == "3"
