"""What only the streaming (ConversationRelay) line has: a signed socket, a session that
survives bad frames and a lost connection, and interruptions the conversation records."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from contextlib import closing
from typing import Any

import pytest
import websockets

from tests.support.running_stack import RELAY, TEST_AUTH_TOKEN, RunningStack
from tools.phone.relay_call import RelayCall

ASK_EMAIL = "What is your email address?"
SOCKET_PATH = "/webhooks/conversation_relay/websocket"


def socket_url(stack: RunningStack) -> str:
    return stack.url.replace("http://", "ws://") + SOCKET_PATH


async def open_socket(url: str, signature: str | None) -> Any:
    headers = {"X-Twilio-Signature": signature} if signature is not None else {}
    return await websockets.connect(url, extra_headers=headers)  # type: ignore[attr-defined]


def asked_for_email(stack: RunningStack) -> RelayCall:
    """A streaming call that asked for the caller's email address."""
    phone = stack.call(line=RELAY)
    phone.start()
    assert isinstance(phone, RelayCall)
    assert phone.say("check my incidents").text == ASK_EMAIL
    return phone


@pytest.mark.parametrize("signature", [None, "", "d3JvbmcgYnV0IGJhc2U2NA=="])
def test_only_a_socket_twilio_signed_opens(stack: RunningStack, signature: str | None) -> None:
    with pytest.raises(websockets.InvalidStatusCode) as refused:  # type: ignore[attr-defined]
        asyncio.run(open_socket(socket_url(stack), signature))
    assert refused.value.status_code == 403


def test_a_signed_socket_that_is_not_a_call_is_closed_as_a_policy_violation(
    stack: RunningStack,
) -> None:
    phone = RelayCall(stack.url, TEST_AUTH_TOKEN)
    url = socket_url(stack)

    async def not_a_call() -> int | None:
        socket = await open_socket(url, phone._signer.compute_signature(url, {}))
        await socket.send(json.dumps({"type": "prompt", "voicePrompt": "hello", "last": True}))
        await socket.wait_closed()
        return int(socket.close_code) if socket.close_code is not None else None

    assert asyncio.run(not_a_call()) == 1008


def test_frames_that_are_not_twilios_messages_are_skipped_and_the_call_goes_on(
    stack: RunningStack,
) -> None:
    phone = stack.call(line=RELAY)
    phone.start()
    assert isinstance(phone, RelayCall)
    garbage: list[str | bytes] = [
        b"\x00\x01binary",
        "not json",
        '{"type": "mystery"}',
        '{"type": "prompt", "voicePrompt": {"nested": true}}',
        '{"type": "dtmf", "digit": "12"}',
        json.dumps({"type": "prompt", "voicePrompt": "x" * 100_000}),
        json.dumps({"type": "setup", "callSid": "CA" + "1" * 32}),
    ]
    phone.send_as_is(garbage)
    assert phone.say("check my incidents").text == ASK_EMAIL


def test_a_lost_socket_continues_at_the_same_question_then_moves_to_gather(
    stack: RunningStack,
) -> None:
    phone = asked_for_email(stack)

    again = phone.lose_socket()
    assert again.text == f"Sorry, the line dropped for a moment. {ASK_EMAIL}"
    assert phone.lose_socket().text.endswith(ASK_EMAIL)  # the second of two reconnections

    on_gather = phone.lose_socket()  # one too many: the <Gather> line takes the call
    assert on_gather.answer_url is not None and "/webhooks/twilio_voice/" in on_gather.answer_url
    assert on_gather.text == ASK_EMAIL
    read_back = phone.say("nobody dot here at example dot com")
    assert read_back.text.startswith("I heard nobody dot here at example dot com.")


def test_a_connection_dropped_between_turns_continues_at_the_same_question(
    stack: RunningStack,
) -> None:
    phone = asked_for_email(stack)

    phone.drop_connection()
    # What the caller said into the dead socket is lost; Twilio reports the session
    # failed and the assistant asks again on a new one.
    again = phone.say("kim at example dot com")
    assert again.text == f"Sorry, the line dropped for a moment. {ASK_EMAIL}"
    assert phone.listening_on_socket
    assert phone.say("nobody dot here at example dot com").text.startswith(
        "I heard nobody dot here at example dot com."
    )


def test_an_interruption_is_recorded_with_what_the_caller_heard(stack: RunningStack) -> None:
    phone = stack.call(line=RELAY)
    phone.start()
    assert isinstance(phone, RelayCall)
    phone.interrupt(12, "check my incidents")

    with closing(sqlite3.connect(stack.environ["TRACKER_STORE_DB"])) as database:
        rows = database.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'",
            (phone.call_sid,),
        ).fetchall()
    metadata = json.loads(rows[-1][0])["metadata"]
    assert metadata["relay_interrupted"] == {
        "heard": "Hello, this ",
        "duration_ms": 840,
        "details_heard": False,
    }
    assert metadata["relay_turn"] == 1 and metadata["CallSid"] == phone.call_sid


def test_a_yes_over_a_read_back_confirms_only_what_the_caller_heard(stack: RunningStack) -> None:
    phone = stack.call(line=RELAY)
    phone.start()
    assert isinstance(phone, RelayCall)
    assert phone.say("i want to open an incident").text == ASK_EMAIL
    address = "I heard cut dot short at example dot com."
    assert phone.say("cut dot short at example dot com").text.startswith(address)

    again = phone.interrupt(len("I heard cut"), "yes")
    assert f"{address} Is that right?" in again.text
    priority = phone.interrupt(again.text.index(address) + len(address), "yes")
    assert priority.text.startswith("How urgent is this?")  # a menu answered early is fine
    phone.interrupt(len("How"), "high")
    phone.say("my laptop will not start")
    read_back = phone.say("laptop will not start")
    assert read_back.text.startswith("I'll open an incident called")

    not_yet = phone.interrupt(len("I'll open an incident"), "yes")
    assert "Done." not in not_yet.text
    assert "I'll open an incident called" in not_yet.text
    assert phone.say("yes").text.startswith("Done. Your incident number is")


def test_a_description_with_a_pause_is_one_answer(stack: RunningStack) -> None:
    phone = stack.call(line=RELAY)
    phone.start()
    assert isinstance(phone, RelayCall)
    phone.say("i want to open an incident")
    phone.say_address("two dot parts at example dot com")
    assert phone.press("2").text.startswith("Please describe the problem")

    # Twilio's end-of-turn detection cuts the description at the caller's pause.
    heard = phone._turn(
        [
            {"type": "prompt", "voicePrompt": "my laptop will not start", "last": True},
            {"type": "prompt", "voicePrompt": "and the screen stays black", "last": True},
        ]
    )

    assert (
        "What short title" in heard.text or "my laptop will not start and the screen" in heard.text
    )
    assert phone.say("laptop will not start").text.startswith("I'll open an incident")
    assert "my laptop will not start and the screen stays black" in phone.last.text
