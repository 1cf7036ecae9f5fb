"""Adversarial calls: answers full of words that look like answers to other questions.

Whole calls through the Twilio voice channel to the running stack (trained model,
action server, Duckling). Each call answers every question cleanly except one trap,
and checks the read-back slot by slot. The descriptions are written the way callers
describe IT problems, not taken from the training data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from tests.support.running_stack import HANDOFF_NUMBER, RunningStack
from tools.phone.call import READ_BACK_QUESTION, SimulatedCall
from tools.phone.twiml import Heard

READ_BACK = re.compile(
    r"I'll open an incident called (?P<title>.+), with (?P<priority>\w+) priority, "
    r"for (?P<email>.+?)\. You said, (?P<description>.+)\. Shall I go ahead\?"
)
QUESTIONS = {
    "email": "What is your email address?",
    "spelled email": "Please spell your email address",
    "priority": "How urgent is this?",
    "description": "Please describe the problem",
    "title": "What short title should I give this incident?",
}
CLEAN = {
    "email": "kim dot lee at example dot com",
    "priority": "medium",
    "description": "my monitor stays black after lunch",
    "title": "black monitor",
}
SPOKEN_EMAIL = "kim dot lee at example dot com"
ANYTHING_ELSE = "Is there anything else I can help with? Say Yes or No, or press 1 or 2."


@dataclass
class ReadBack:
    title: str
    priority: str
    email: str
    description: str


def read_back(heard: Heard) -> ReadBack:
    match = READ_BACK.search(heard.text)
    assert match, f"no read-back in {heard.text!r}"
    return ReadBack(**match.groupdict())


def question_in(heard: Heard) -> str | None:
    found = [slot for slot, question in QUESTIONS.items() if question in heard.text]
    return found[-1] if found else None


def answer_until_read_back(
    phone: SimulatedCall, heard: Heard, answers: dict[str, str], turns: int = 8
) -> ReadBack:
    """Answers whatever is asked from `answers` until the read-back; no question twice."""
    asked: list[str] = []
    for _ in range(turns):
        if READ_BACK.search(heard.text):
            return read_back(heard)
        if READ_BACK_QUESTION in heard.text:
            heard = phone.say("yes")
            continue
        slot = question_in(heard)
        assert slot is not None, f"no question in {heard.text!r}"
        assert slot not in asked, f"{slot} asked again: {heard.text!r}"
        asked.append(slot)
        heard = phone.say(answers[slot])
    raise AssertionError(f"no read-back after {turns} turns: {heard.text!r}")


def open_call(
    stack: RunningStack, opener: str = "i want to open an incident"
) -> tuple[SimulatedCall, Heard]:
    phone = stack.call()
    phone.start()
    return phone, phone.say(opener)


# --- The description holds the trap: priority words, addresses, intents of other kinds.
DESCRIPTION_TRAPS = [
    # (description, priority said, expected priority)
    ("it crashes whenever I open a calendar invite", "high", "high"),
    ("there is a critical error when I send mail", "low", "low"),
    ("urgent emails from my boss never arrive", "medium", "medium"),
    ("the screen brightness is stuck on low", "high", "high"),
    ("no rush on my side but the scanner is broken", "high", "high"),
    ("mails to bob at example dot com bounce back", "low", "low"),
    ("yes the printer jams on every page", "medium", "medium"),
    ("no the vpn does not connect from home", "medium", "medium"),
    ("my laptop shows a goodbye screen and shuts down", "medium", "medium"),
    ("the help button in the portal does nothing", "medium", "medium"),
    ("i have to start over every time the vpn drops", "medium", "medium"),
    ("i tried to open an incident in the portal but it fails", "low", "low"),
    ("the status page of my tickets shows an error", "low", "low"),
    ("i can't talk to a person on teams, calls drop", "high", "high"),
    ("are you able to fix outlook, it freezes on start", "medium", "medium"),
    ("cancel buttons in the expense tool do not work", "low", "low"),
    ("thanks to the update my keyboard stopped working", "medium", "medium"),
    ("hello world appears on every printout", "medium", "medium"),
]


@pytest.mark.parametrize(("description", "said", "expected"), DESCRIPTION_TRAPS)
def test_the_description_is_the_callers_words_and_changes_nothing_else(
    stack: RunningStack, description: str, said: str, expected: str
) -> None:
    phone, heard = open_call(stack)
    answers = {**CLEAN, "priority": said, "description": description}
    result = answer_until_read_back(phone, heard, answers)
    assert result.priority == expected
    assert result.description == description.rstrip(".")
    assert result.email == SPOKEN_EMAIL
    assert result.title == CLEAN["title"]


# --- The title holds the trap.
TITLE_TRAPS = [
    "outlook trouble",
    "urgent fix for the printer",
    "goodbye screen on boot",
    "help desk portal error",
    "email to bob at example dot com fails",
    "no sound in meetings",
]


@pytest.mark.parametrize("title", TITLE_TRAPS)
def test_the_title_is_the_callers_words(stack: RunningStack, title: str) -> None:
    phone, heard = open_call(stack)
    result = answer_until_read_back(phone, heard, {**CLEAN, "title": title})
    assert (result.title, result.priority, result.email) == (title, "medium", SPOKEN_EMAIL)


def test_a_description_classified_as_an_email_problem_does_not_rename_the_incident(
    stack: RunningStack,
) -> None:
    phone, heard = open_call(stack)
    answers = {**CLEAN, "description": "my email keeps failing to sync in outlook"}
    result = answer_until_read_back(phone, heard, answers)
    assert result.title == CLEAN["title"]


# --- The other questions, with words for other questions in the answer.
def test_an_email_answer_with_a_priority_word_sets_only_the_email(stack: RunningStack) -> None:
    phone, heard = open_call(stack)
    answers = {**CLEAN, "email": "it's kim dot lee at example dot com whenever you need it"}
    result = answer_until_read_back(phone, heard, answers)
    assert (result.email, result.priority) == (SPOKEN_EMAIL, "medium")


def test_a_priority_answer_with_yes_in_it(stack: RunningStack) -> None:
    phone, heard = open_call(stack)
    result = answer_until_read_back(phone, heard, {**CLEAN, "priority": "yes it's high"})
    assert result.priority == "high"


# --- Said all at once.
def test_everything_said_at_once_is_understood_and_only_the_rest_is_asked(
    stack: RunningStack,
) -> None:
    phone, heard = open_call(
        stack,
        "open a high priority incident for jane dot doe at example dot com, "
        "outlook crashes on start",
    )
    assert "I heard jane dot doe at example dot com. Is that right?" in heard.text
    # The problem said with the request is the description, and a few words of it the
    # title: nothing is left to ask but the read-back.
    heard = phone.say("yes")
    result = answer_until_read_back(phone, heard, {})
    assert result == ReadBack(
        "Outlook crashes on start",
        "high",
        "jane dot doe at example dot com",
        "outlook crashes on start",
    )


def test_a_password_problem_with_an_address_asks_priority_next(stack: RunningStack) -> None:
    phone, heard = open_call(
        stack, "i can't reset my password, my email is kim dot lee at example dot com"
    )
    assert question_in(phone.confirm_read_back(heard)) == "priority"
    result = answer_until_read_back(phone, heard, CLEAN)
    assert (result.title, result.email) == ("Problem resetting password", SPOKEN_EMAIL)


# --- Corrections, inside the form and at the read-back.
SAM = "sam dot ng at example dot com"
CORRECTIONS = [
    ("no, make it high", {"priority": "high"}),
    ("actually the priority is low", {"priority": "low"}),
    (f"actually the address is {SAM}", {"email": SAM}),
]


@pytest.mark.parametrize(("correction", "changed"), CORRECTIONS)
def test_a_correction_at_the_read_back_changes_only_what_was_named(
    stack: RunningStack, correction: str, changed: dict[str, str]
) -> None:
    phone, heard = open_call(stack)
    first = answer_until_read_back(phone, heard, CLEAN)
    again = read_back(phone.confirm_read_back(phone.say(correction)))
    assert again == ReadBack(**{**first.__dict__, **changed})


def test_change_the_description_at_the_read_back(stack: RunningStack) -> None:
    phone, heard = open_call(stack)
    answer_until_read_back(phone, heard, CLEAN)
    heard = phone.say("no, change the description")
    assert question_in(heard) == "description"
    result = read_back(phone.say("the monitor flickers and then goes black"))
    assert result.description == "the monitor flickers and then goes black"
    assert (result.priority, result.title) == ("medium", CLEAN["title"])


def test_a_correction_of_the_address_inside_the_form(stack: RunningStack) -> None:
    phone, heard = open_call(stack)
    assert question_in(phone.say_address(CLEAN["email"])) == "priority"
    heard = phone.confirm_read_back(phone.say(f"actually my email is {SAM}"))
    assert question_in(heard) == "priority"
    result = answer_until_read_back(phone, heard, CLEAN)
    assert result.email == SAM


def test_yes_at_the_read_back_opens_the_incident(stack: RunningStack) -> None:
    phone, heard = open_call(stack)
    answer_until_read_back(phone, heard, CLEAN)
    assert phone.say("yes please").text.startswith("Done. Your incident number is")


# --- Digressions come back to the same question with every answer kept.
@pytest.mark.parametrize(
    ("digression", "answer_starts"),
    [
        ("what can you do", "You can say, open an incident."),
        ("are you a bot", "I'm an automated assistant"),
    ],
)
def test_a_digression_is_answered_then_the_same_question_is_asked(
    stack: RunningStack, digression: str, answer_starts: str
) -> None:
    phone, heard = open_call(stack)
    assert question_in(phone.say_address(CLEAN["email"])) == "priority"
    heard = phone.say(digression)
    assert heard.text.startswith(answer_starts)
    assert question_in(heard) == "priority"
    result = answer_until_read_back(phone, heard, CLEAN)
    assert result.email == SPOKEN_EMAIL


def test_a_digression_during_the_description_is_answered(stack: RunningStack) -> None:
    phone, heard = open_call(stack)
    phone.say_address(CLEAN["email"])
    assert question_in(phone.say("low")) == "description"
    heard = phone.say("help")
    assert heard.text.startswith("You can say, open an incident.")
    assert question_in(heard) == "description"
    result = answer_until_read_back(phone, heard, CLEAN)
    assert (result.priority, result.description) == ("low", CLEAN["description"])


# --- Explicit requests interrupt.
@pytest.mark.parametrize("request_words", ["cancel", "never mind", "stop"])
def test_cancel_ends_the_form_cleanly(stack: RunningStack, request_words: str) -> None:
    phone, heard = open_call(stack)
    phone.say_address(CLEAN["email"])
    assert question_in(phone.say("high")) == "description"
    heard = phone.say(request_words)
    assert heard.text == f"Okay, I won't open the incident. {ANYTHING_ELSE}"
    # The form starts afresh; the address given earlier in the call is offered again.
    assert "email address" in phone.say("i want to open an incident").text


def test_start_over_inside_the_form_starts_over(stack: RunningStack) -> None:
    phone, _ = open_call(stack)
    phone.say_address(CLEAN["email"])
    assert phone.say("start over").text == "Okay, let's start over. How can I help?"


def test_goodbye_inside_the_form_ends_the_call(stack: RunningStack) -> None:
    phone, _ = open_call(stack)
    assert phone.say("goodbye").hung_up


# --- No loop without an exit.
def test_a_question_asked_a_third_time_offers_a_way_out(stack: RunningStack) -> None:
    phone, _ = open_call(stack)
    second = phone.say("what's the weather like")
    third = phone.say("tell me a joke")
    assert question_in(second) == "email"
    assert question_in(third) == "spelled email"
    assert "If this isn't working" not in second.text
    assert "If this isn't working" in third.text
    assert "say person to talk to a colleague" in third.text


def test_a_question_asked_a_fifth_time_hands_the_call_to_a_person(stack: RunningStack) -> None:
    phone, heard = open_call(stack)
    for off_topic in ("what's the weather like", "tell me a joke", "play some music"):
        heard = phone.say(off_topic)
        assert not heard.ended, f"ended after {off_topic!r}: {heard.text!r}"
    heard = phone.say("sing me a song")
    assert heard.dialed == HANDOFF_NUMBER
    assert "putting you through" in heard.text


# --- The status form's question, with the same traps.
def status_call(stack: RunningStack) -> tuple[SimulatedCall, Heard]:
    phone, heard = open_call(stack, "what's the status of my tickets")
    assert question_in(heard) == "email"
    return phone, heard


def test_a_status_answer_with_a_priority_word_is_just_the_address(stack: RunningStack) -> None:
    phone, _ = status_call(stack)
    heard = phone.say_address("it's status dot trap at example dot com, it's urgent")
    assert heard.text == (
        f"I couldn't find any incidents for status dot trap at example dot com. {ANYTHING_ELSE}"
    )


@pytest.mark.parametrize(
    ("digression", "answer_starts"),
    [("help", "You can say, open an incident."), ("are you a robot", "I'm an automated")],
)
def test_a_digression_in_the_status_form_returns_to_the_address(
    stack: RunningStack, digression: str, answer_starts: str
) -> None:
    phone, _ = status_call(stack)
    heard = phone.say(digression)
    assert heard.text.startswith(answer_starts) and question_in(heard) == "email"


def test_cancel_in_the_status_form(stack: RunningStack) -> None:
    phone, _ = status_call(stack)
    assert phone.say("never mind").text == f"Okay, I won't look up your incidents. {ANYTHING_ELSE}"


def test_asking_to_open_an_incident_in_the_status_form_switches(stack: RunningStack) -> None:
    phone, _ = status_call(stack)
    heard = phone.say("actually i want to open an incident")
    assert question_in(heard) == "email"
    result = answer_until_read_back(phone, heard, CLEAN)
    assert result.email == SPOKEN_EMAIL


def test_not_understood_twice_outside_a_form_says_what_works_and_offers_a_person(
    stack: RunningStack,
) -> None:
    phone = stack.call()
    phone.start()
    first = phone.say("sam dot n g at fabrikam dot com")
    assert first.text == "Sorry, I didn't catch that. Could you say it another way?"
    second = phone.say("sam dot n g at fabrikam dot com")
    assert second.text.startswith("Sorry, I didn't catch that. Could you say it another way?")
    assert "You can say, open an incident." in second.text
    assert second.text.endswith("If you'd rather talk to a colleague, say person at any time.")
    assert not second.ended
