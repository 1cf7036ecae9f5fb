"""No dead air and no application error: apologies, fallback, transfers and retries."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import xml.etree.ElementTree as ElementTree
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import BotUttered, UserUttered

from tests.support.voice_server import VoiceServer, call, recorded, run_in_server
from tools.phone.call import FALLBACK_PATH, WEBHOOK_PATH, ApplicationError
from tools.phone.twiml import parse_twiml


def transfer() -> list[dict]:
    """Fresh messages each time: Rasa's output channels pop their keys while sending."""
    return [{"text": "Putting you through."}, {"custom": {"transfer": "+15005550009"}}]


PRIORITIES = [
    {"title": title, "payload": f'/inform{{"priority":"{title}"}}'}
    for title in ("low", "medium", "high")
]
TWELVE_CHOICES = [{"title": f"option {n}", "payload": f"/choice{n}"} for n in range(12)]


async def says_nothing(message: UserMessage) -> None:
    """What Rasa does when an action fails: it logs the error and goes on silently."""


async def fails(message: UserMessage) -> None:
    raise RuntimeError("model exploded")


@pytest.mark.parametrize("handler", [says_nothing, fails])
def test_a_turn_that_fails_or_says_nothing_gets_an_apology_and_the_question_again(
    voice: VoiceServer, handler: Callable[[UserMessage], Awaitable[None]]
) -> None:
    voice.handler = handler
    phone = call(voice)
    greeting = phone.start().text
    heard = phone.say("my address is kim at example dot com")
    assert heard.text == f"Sorry, I had a problem with that. {greeting}"
    assert heard.answer_url is not None


def test_the_fallback_route_apologises_and_listens_at_the_same_turn(voice: VoiceServer) -> None:
    phone = call(voice)
    failed = phone.line.speech("my printer is broken")
    fields = phone.line.fallback(failed, f"https://voice.example.com{WEBHOOK_PATH}?turn=4", "11200")
    reply = phone.post(FALLBACK_PATH, fields)
    heard = parse_twiml(reply.text, FALLBACK_PATH)
    assert heard.text == "Sorry, I had a problem with that. Could you say it again?"
    assert heard.answer_url == f"{WEBHOOK_PATH}?turn=4"
    assert heard.silence_url == f"{WEBHOOK_PATH}?turn=3&silence=1"


def test_an_overrun_reaches_twilios_fallback_and_the_call_goes_on(voice: VoiceServer) -> None:
    """The simulator obeys `rt` from the URL fragment, as Twilio does."""
    overrides = "ct=1000&rt=500&tt=1500"
    voice.channel.settings = dataclasses.replace(
        voice.channel.settings, connection_overrides=overrides, turn_budget_seconds=5
    )
    release = threading.Event()
    received: list[str] = []

    async def slow_then_fine(message: UserMessage) -> None:
        received.append(message.text)
        if len(received) == 1:
            await asyncio.get_running_loop().run_in_executor(None, release.wait, 10)
        await message.output_channel.send_response(message.sender_id, {"text": "Got it."})

    voice.handler = slow_then_fine
    phone = call(voice)
    assert phone.start().answer_url == f"{WEBHOOK_PATH}?turn=1#{overrides}"
    heard = phone.say("my printer is broken")
    release.set()
    assert heard.text == "Sorry, I had a problem with that. Could you say it again?"
    assert phone.say("my printer is broken again").text == "Got it."
    assert received == ["my printer is broken", "my printer is broken again"]


def test_without_a_fallback_url_an_overrun_is_twilios_application_error(
    voice: VoiceServer,
) -> None:
    voice.channel.settings = dataclasses.replace(
        voice.channel.settings, connection_overrides="rt=300", turn_budget_seconds=5
    )
    release = threading.Event()

    async def slow(message: UserMessage) -> None:
        await asyncio.get_running_loop().run_in_executor(None, release.wait, 10)

    voice.handler = slow
    phone = call(voice)
    phone.fallback_path = None
    phone.start()
    try:
        with pytest.raises(ApplicationError):
            phone.say("my printer is broken")
    finally:
        release.set()


def test_a_transfer_dials_with_an_action_a_timeout_and_our_number(voice: VoiceServer) -> None:
    recorded(voice, *transfer())
    phone = call(voice)
    phone.start()
    heard = phone.say("agent")
    assert heard.dialed == "+15005550009"
    assert heard.dial_attributes["timeout"] == "20"
    assert heard.dial_attributes["callerId"] == phone.line.called
    assert heard.dial_attributes["action"] == "dial?turn=2"
    assert heard.hung_up and heard.ended


@pytest.mark.parametrize("outcome", ["no-answer", "busy", "failed"])
def test_an_unanswered_transfer_brings_the_caller_back(voice: VoiceServer, outcome: str) -> None:
    recorded(voice, *transfer())
    phone = call(voice)
    phone.transfer_outcome = outcome
    phone.start()
    heard = phone.say("agent")
    assert heard.text == (
        "Putting you through. Sorry, nobody could take your call right now. I can open an "
        "incident, so that someone calls you back, or you can leave a message for the desk. "
        "Say open an incident or leave a message, or press 1 or 2."
    )
    assert heard.answer_url == f"{WEBHOOK_PATH}?turn=3" and not heard.ended


def test_a_retried_delivery_is_answered_without_processing_the_turn_twice(
    voice: VoiceServer,
) -> None:
    phone = call(voice)
    phone.start()
    fields = phone.line.speech("hello there")
    url = phone.last.answer_url or ""
    first, second = (phone.post(url, fields, idempotency_token="retried").text for _ in range(2))
    assert first == second and "Sorry" not in first
    tracker = run_in_server(voice, voice.agent.tracker_store.retrieve(phone.call_sid))
    said = [event.text for event in tracker.events if isinstance(event, UserUttered)]
    assert said.count("hello there") == 1


def test_a_retried_key_press_is_not_read_again_against_the_next_question(
    voice: VoiceServer,
) -> None:
    """The retry is recognised by what the caller pressed, not by what it meant."""
    phone = call(voice)
    phone.start()
    run_in_server(voice, ask_priority(voice, phone.call_sid))
    url = f"{WEBHOOK_PATH}?turn=1"
    for _ in range(2):
        reply = phone.post(url, phone.line.keys("3"), idempotency_token="k").text
        assert parse_twiml(reply, url).said, "a retry must never answer with dead air"
    tracker = run_in_server(voice, voice.agent.tracker_store.retrieve(phone.call_sid))
    said = [event.text for event in tracker.events if isinstance(event, UserUttered)]
    assert said.count('/inform{"priority":"high"}') == 1 and "3" not in said


async def ask_priority(voice: VoiceServer, call_sid: str) -> None:
    tracker = await voice.agent.tracker_store.retrieve(call_sid)
    tracker.update(UserUttered("open a ticket"))
    tracker.update(BotUttered("How urgent is this?", {"buttons": PRIORITIES}))
    await voice.agent.tracker_store.save(tracker)


def test_concurrent_duplicate_deliveries_are_processed_once(
    voice: VoiceServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO")
    release = threading.Event()
    received: list[str] = []

    async def slow(message: UserMessage) -> None:
        received.append(message.text)
        await asyncio.get_running_loop().run_in_executor(None, release.wait, 10)
        await message.output_channel.send_response(message.sender_id, {"text": "Done."})

    voice.handler = slow
    phone = call(voice)
    phone.start()
    url = phone.last.answer_url or ""
    fields = phone.line.speech("my screen is black")
    with ThreadPoolExecutor(2) as pool:
        replies = [pool.submit(phone.post, url, fields, "retried") for _ in range(2)]
        while "delivered again while answering" not in caplog.text:
            threading.Event().wait(0.01)
        release.set()
        answers = [reply.result().text for reply in replies]
    assert answers[0] == answers[1] and "Done." in answers[0]
    assert received == ["my screen is black"]


def test_a_menu_of_ten_or_more_choices_does_not_cut_the_keys_short(voice: VoiceServer) -> None:
    recorded(voice, {"text": "Which one?", "buttons": TWELVE_CHOICES})
    phone = call(voice)
    phone.start()
    raw = phone.post(phone.last.answer_url or "", phone.line.speech("x")).text
    gather = ElementTree.fromstring(raw).find("Gather")
    assert gather is not None and gather.get("numDigits") is None


def test_a_comma_in_a_button_title_stays_one_hint(voice: VoiceServer) -> None:
    menu = [{"title": "yes, please", "payload": "/affirm"}, {"title": "no", "payload": "/deny"}]
    recorded(voice, {"text": "Shall I?", "buttons": menu})
    phone = call(voice)
    phone.start()
    raw = phone.post(phone.last.answer_url or "", phone.line.speech("x")).text
    gather = ElementTree.fromstring(raw).find("Gather")
    assert gather is not None
    assert gather.get("hints") == "yes please, no, outlook"
    assert gather.get("numDigits") == "1"


def test_nothing_after_a_transfer_is_spoken(voice: VoiceServer) -> None:
    recorded(voice, *transfer(), {"text": "What is your email address?"})
    phone = call(voice)
    phone.start()
    heard = phone.say("agent")
    assert heard.text == "Putting you through."
    assert heard.dialed == "+15005550009"


@pytest.mark.parametrize("asks", ["sorry?", "Can you repeat that?", "say that again", "*"])
def test_asking_to_hear_it_again_repeats_the_last_prompt(voice: VoiceServer, asks: str) -> None:
    received = recorded(voice, {"text": "never"})
    phone = call(voice)
    greeting = phone.start()
    heard = phone.press("*") if asks == "*" else phone.say(asks)
    assert heard.text == greeting.text
    assert received == []


def test_a_question_can_give_the_caller_more_time_to_answer(voice: VoiceServer) -> None:
    recorded(voice, {"text": "Please describe the problem."}, {"custom": {"speech_timeout": 4}})
    phone = call(voice)
    assert phone.start().speech_timeout == "2"
    assert phone.say("open a ticket").speech_timeout == "4"
