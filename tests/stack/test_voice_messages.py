"""A message for the desk, left by phone: recorded by Twilio, filed as an incident."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import date, timedelta

import pytest

from tests.support.running_stack import GATHER, HANDOFF_NUMBER, RunningStack
from tools.phone.call import SimulatedCall

ASK_FOR_THE_MESSAGE = (
    "After the tone, tell us what the problem is and how best to reach you. "
    "Press the pound key when you're done."
)
RECORDING = re.compile(r"https://api\.twilio\.com/2010-04-01/Accounts/AC0{32}/Recordings/RE\w{32}")


def work_notes_of(
    stack: RunningStack, email: str, call: SimulatedCall | None = None
) -> list[tuple[str, str, str]]:
    """The incidents filed for an address (by this call, when one is named)."""
    with closing(sqlite3.connect(stack.environ["INCIDENT_DB_PATH"])) as connection:
        rows: list[tuple[str, str, str]] = connection.execute(
            "SELECT title, description, work_notes FROM incidents"
            " JOIN callers ON callers.id = incidents.caller_id WHERE callers.email = ?",
            (email,),
        ).fetchall()
    return [row for row in rows if call is None or call.call_sid in row[2]]


def ready_to_record(stack: RunningStack, line: str, email_spoken: str) -> SimulatedCall:
    phone = stack.call(line=line)
    phone.start()
    assert phone.say("i'd like to leave a message").text == "What is your email address?"
    asked = phone.say_address(email_spoken)
    assert asked.text == ASK_FOR_THE_MESSAGE
    assert asked.record_url is not None and asked.answer_url is None
    return phone


def test_a_recorded_message_is_filed_with_its_recording_in_the_work_notes(
    stack: RunningStack,
    line: str,
) -> None:
    phone = ready_to_record(stack, line, "night dot owl at example dot com")

    filed = phone.leave_message(42)

    assert filed.text.startswith("Thanks. Your message is with the help desk as incident I N C,")
    assert filed.text.endswith("Someone will call you back when the desk opens. Goodbye.")
    assert filed.hung_up
    [(title, description, notes)] = work_notes_of(stack, "night.owl@example.com", phone)
    assert title == "Voice message for the help desk"
    assert description.startswith("The caller left a voice message of 42 seconds out of hours.")
    assert f"Twilio call {phone.call_sid}." in notes
    assert RECORDING.search(notes.splitlines()[-1])


def test_a_caller_who_hangs_up_instead_of_pressing_pound_still_leaves_the_message(
    stack: RunningStack,
    line: str,
) -> None:
    phone = ready_to_record(stack, line, "hangs dot up at example dot com")

    phone.leave_message(15, ended_by="hangup")

    [(_, description, notes)] = work_notes_of(stack, "hangs.up@example.com", phone)
    assert "15 seconds" in description and RECORDING.search(notes)


def test_an_empty_recording_asks_for_the_message_again(stack: RunningStack, line: str) -> None:
    phone = ready_to_record(stack, line, "quiet dot one at example dot com")

    # Twilio posts nothing for an empty recording and goes on to the next verb.
    again = phone.stay_silent()

    assert again.text == f"Sorry, I didn't hear anything. {ASK_FOR_THE_MESSAGE}"
    assert again.record_url is not None
    assert work_notes_of(stack, "quiet.one@example.com", phone) == []


def test_a_recording_twilio_would_not_hold_is_no_message(stack: RunningStack, line: str) -> None:
    phone = ready_to_record(stack, line, "forged dot link at example dot com")
    assert phone.last.record_url is not None
    forged = {
        **phone.line.recorded(10),
        "RecordingUrl": "https://attacker.example/Recordings/RE" + "0" * 32,
    }

    reply = phone.post(phone.last.record_url, forged)

    # The message is asked for again: at once on <Gather>, by a new streaming session
    # that starts after a silence on ConversationRelay.
    asked_again = "<Record " if line == GATHER else '<Parameter name="resume" value="silence" />'
    assert reply.status_code == 200 and asked_again in reply.text
    assert work_notes_of(stack, "forged.link@example.com", phone) == []


@pytest.fixture(scope="module")
def closed_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """The assistant while the desk is closed: yesterday, today and tomorrow are holidays."""
    today = date.today()
    holidays = ",".join(str(today + timedelta(days=n)) for n in (-1, 0, 1))
    running = RunningStack(
        tmp_path_factory.mktemp("closed"),
        services="actions,rasa",
        HANDOFF_HOURS="Mon-Sun 08:00-18:00 UTC",
        HANDOFF_HOLIDAYS=holidays,
    )
    running.start()
    yield running
    running.stop()


def test_out_of_hours_a_caller_who_asks_for_a_person_can_leave_a_message(
    closed_desk: RunningStack, line: str
) -> None:
    phone = closed_desk.call(line=line)
    phone.start()

    offer = phone.say("i want to talk to a person")

    assert offer.dialed is None
    assert offer.text.startswith(
        "Nobody from the help desk is available right now. The desk opens again "
    )
    assert " at 8 AM. I can open an incident" in offer.text
    assert offer.text.endswith(
        "I can open an incident for you now, or you can leave a message for the desk. "
        "Say open an incident or leave a message, or press 1 or 2."
    )
    # Chosen by key: the caller also hears which key leaves it without an address.
    assert phone.press("2").text.startswith("What is your email address? Or press 1 ")
    assert phone.say_address("after dot hours at example dot com").text == ASK_FOR_THE_MESSAGE
    filed = phone.leave_message(30)
    assert filed.hung_up and "Your message is with the help desk" in filed.text
    [(_, _, notes)] = work_notes_of(closed_desk, "after.hours@example.com", phone)
    assert RECORDING.search(notes) and HANDOFF_NUMBER not in notes


def test_typed_the_message_is_the_description_and_nothing_is_recorded(
    stack: RunningStack,
) -> None:
    sender = "typed-message"
    assert stack.say(sender, "can I leave a message") == ["What is your email address?"]
    assert stack.say(sender, "typed.message@example.com") == [
        "What is your message for the help desk?"
    ]

    filed = stack.say(sender, "My mailbox is full, please call me back")

    assert filed[0].startswith("Thanks. Your message is with the help desk as incident INC")
    assert work_notes_of(stack, "typed.message@example.com") == [
        ("Voice message for the help desk", "My mailbox is full, please call me back", "")
    ]


def test_a_caller_who_will_not_speak_leaves_a_message_by_keys_alone(
    closed_desk: RunningStack, line: str
) -> None:
    phone = closed_desk.call(line=line)
    assert "To talk to a person or leave a message, press 0 at any time." in phone.start().text

    assert phone.press("0").text.endswith(
        "Say open an incident or leave a message, or press 1 or 2."
    )
    asked = phone.press("2")
    assert asked.text == (
        "What is your email address? Or press 1 to leave your message without it, and the "
        "desk will call you back on the number you're calling from."
    )
    ready = phone.press("1")
    assert ready.text == (
        "All right. The desk will call you back on the number you're calling from. "
        f"{ASK_FOR_THE_MESSAGE}"
    )
    filed = phone.leave_message(20)

    assert filed.hung_up and "Your message is with the help desk" in filed.text
    with closing(sqlite3.connect(closed_desk.environ["INCIDENT_DB_PATH"])) as connection:
        [(description, notes)] = connection.execute(
            "SELECT description, work_notes FROM incidents WHERE work_notes LIKE ?",
            (f"%{phone.call_sid}%",),
        ).fetchall()
    assert description.startswith("The caller left a voice message of 20 seconds out of hours.")
    assert f"Reported by phone from {phone.line.caller}" in description
    assert RECORDING.search(notes)


def test_a_transfer_nobody_takes_offers_a_message_by_key(stack: RunningStack, line: str) -> None:
    phone = stack.call(line=line)
    phone.transfer_outcome = "no-answer"
    phone.start()

    back = phone.press("0")

    assert back.text.endswith(
        "or you can leave a message for the desk. "
        "Say open an incident or leave a message, or press 1 or 2."
    )
    asked = phone.press("2")
    assert asked.text.startswith("What is your email address? Or press 1 "), asked.text
