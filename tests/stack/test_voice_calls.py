"""Whole phone calls to the running assistant, placed as Twilio places them."""

from __future__ import annotations

import re

from tests.support.running_stack import HANDOFF_NUMBER, RunningStack

SPOKEN_TICKET = re.compile(r"I N C, (\d) (\d) (\d), (\d) (\d) (\d) (\d)")


def test_a_call_opens_an_incident_and_checks_its_status_by_voice_and_keypad(
    stack: RunningStack,
    line: str,
) -> None:
    phone = stack.call(line=line)
    assert phone.start().text.startswith("Hello, this is the I T help desk's automated assistant.")
    assert phone.say("um i can't reset my password").text == "What is your email address?"
    assert phone.say("it's abraham.lincoln@example.com").text == (
        "I heard abraham dot lincoln at example dot com. Is that right? "
        "Say Yes or No, or press 1 or 2."
    )
    assert phone.press("1").text == (
        "How urgent is this? Say low, medium, or high, or press 1, 2, or 3."
    )
    assert phone.press("3").text == "Please describe the problem in a sentence or two."
    confirm = phone.say("password stuck in a loop")
    assert confirm.text.startswith(
        "I'll open an incident called Problem resetting password, with high priority, "
        "for abraham dot lincoln at example dot com."
    )
    opened = phone.say("yes please")
    spoken_number = SPOKEN_TICKET.search(opened.text)
    assert opened.text.startswith("Done. Your incident number is I N C,")
    assert spoken_number is not None

    offer = phone.say("what's the status of my tickets")
    assert offer.text.startswith("Shall I use the email address you gave me before, abraham dot")
    status = phone.press("1")
    assert status.said[0].startswith(
        f"Incident {spoken_number.group(0)}, Problem resetting password"
    )
    assert "is awaiting triage." in status.said[0]
    assert phone.say("bye").hung_up


def test_two_calls_from_one_number_stay_separate(stack: RunningStack, line: str) -> None:
    first = stack.call(caller="+15005550100", line=line)
    second = stack.call(caller="+15005550100", line=line)
    first.start()
    second.start()
    first.say("check my incidents")
    assert first.say_address("my email is first.caller@example.com").said[0] == (
        "I couldn't find any incidents for first dot caller at example dot com."
    )
    assert second.say("check my incidents").text == "What is your email address?"
    assert first.say("what's the status of my tickets").text.startswith(
        "Shall I use the email address you gave me before, first dot caller"
    )


def test_asking_for_a_person_transfers_the_call(stack: RunningStack, line: str) -> None:
    phone = stack.call(line=line)
    phone.start()
    heard = phone.say("i want to talk to a human")
    assert heard.text == "I'm putting you through to a colleague now. Please hold."
    assert heard.dialed == HANDOFF_NUMBER


def test_repeating_the_request_gets_the_question_again(stack: RunningStack, line: str) -> None:
    phone = stack.call(line=line)
    phone.start()
    assert phone.say("check my incidents").text == "What is your email address?"
    assert phone.say("what's the status of my tickets").text == (
        "Sure, that's what we're doing. What is your email address?"
    )


def test_after_an_answer_no_ends_the_call_and_so_does_silence(
    stack: RunningStack, line: str
) -> None:
    for ending in ("no", None):
        phone = stack.call(line=line)
        phone.start()
        phone.say("check my incidents")
        answered = phone.say_address("nobody.here@example.com")
        assert answered.said[-2:] == [
            "Is there anything else I can help with?",
            "Say Yes or No, or press 1 or 2.",
        ]
        heard = phone.say(ending) if ending else phone.stay_silent()
        assert heard.hung_up
        assert heard.text == "Thanks for calling. Goodbye."


def test_after_an_answer_yes_asks_what_else(stack: RunningStack, line: str) -> None:
    phone = stack.call(line=line)
    phone.start()
    phone.say("check my incidents")
    phone.say_address("nobody.here@example.com")
    assert phone.say("yes").text == "What else can I do for you?"


def test_the_description_gets_more_time_than_a_menu(stack: RunningStack) -> None:
    phone = stack.call()
    phone.start()
    phone.say("i can't reset my password")
    priority = phone.say_address("it's abraham.lincoln@example.com")
    description = phone.press("2")
    assert (priority.speech_timeout, description.speech_timeout) == ("2", "4")
    assert phone.say("sorry?").text == description.text


def test_the_person_who_takes_a_transfer_hears_who_calls_and_their_incident(
    stack: RunningStack,
    line: str,
) -> None:
    phone = stack.call(line=line)
    phone.start()
    phone.say("i want to open an incident")
    phone.say_address("whisper dot test at example dot com")
    phone.press("2")
    phone.say("the docking station does not charge")
    phone.say("docking station")
    opened = phone.say("yes")
    number = SPOKEN_TICKET.search(opened.text)
    assert number is not None
    transferred = phone.say("let me talk to a person")
    assert transferred.dialed == HANDOFF_NUMBER
    assert transferred.whisper == (
        "Help desk call from the voice assistant. "
        "The caller gave whisper dot test at example dot com. "
        f"They opened incident {number.group(0)} in this call."
    )


def test_a_transfer_before_anything_was_said_whispers_the_lead_alone(
    stack: RunningStack,
    line: str,
) -> None:
    phone = stack.call(line=line)
    phone.start()
    assert phone.say("i want to talk to a human").whisper == (
        "Help desk call from the voice assistant."
    )


def test_a_caller_who_will_not_speak_reaches_a_person_with_the_keypad(
    stack: RunningStack, line: str
) -> None:
    phone = stack.call(line=line)
    greeting = phone.start()
    assert "To talk to a person or leave a message, press 0 at any time." in greeting.text
    assert phone.say("i want to open an incident").text == "What is your email address?"
    transferred = phone.press("0")  # in the middle of a question, too
    assert transferred.text == "I'm putting you through to a colleague now. Please hold."
    assert transferred.dialed == HANDOFF_NUMBER
