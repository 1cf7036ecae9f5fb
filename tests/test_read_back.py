"""Whole calls where the assistant may have misheard: read-backs, repairs, suggestions."""

from __future__ import annotations

from tests.running_stack import RunningStack
from tools.call import SimulatedCall

ASK_EMAIL = "What is your email address?"
ASK_PRIORITY = "How urgent is this? Say low, medium, or high, or press 1, 2, or 3."
YES_OR_NO = "Say Yes or No, or press 1 or 2."


def asked_for_an_address(stack: RunningStack) -> SimulatedCall:
    phone = stack.call()
    phone.start()
    assert phone.say("i want to open an incident").text == ASK_EMAIL
    return phone


def test_a_spoken_address_is_read_back_and_a_correction_replaces_it(
    stack: RunningStack,
) -> None:
    phone = asked_for_an_address(stack)
    assert phone.say("Tim Lee 456 at gmail.com.").text == (
        f"I heard timlee 4 5 6 at gmail dot com. Is that right? {YES_OR_NO}"
    )
    corrected = phone.say("no, it's kim lee four five six at gmail dot com")
    assert corrected.text == f"I heard kimlee 4 5 6 at gmail dot com. Is that right? {YES_OR_NO}"
    assert phone.press("1").text == ASK_PRIORITY


def test_no_asks_again_and_after_two_misses_the_caller_is_asked_to_spell(
    stack: RunningStack,
) -> None:
    phone = asked_for_an_address(stack)
    assert phone.say("zed dot cox at example dot com").text.startswith("I heard zed dot cox at")
    assert phone.say("no").text == ASK_EMAIL
    assert phone.say("said dot cocks at example dot com").text.startswith("I heard said dot")
    spell = phone.say("no").text
    assert spell.startswith("Let's try it letter by letter. Please spell your email address")
    assert "say person to talk to a colleague" in spell
    heard = phone.say("z e d dot c o x at example dot com")
    assert heard.text.startswith("I heard zed dot cox at example dot com. Is that right?")


def test_a_misheard_address_close_to_a_known_caller_is_offered_as_that_caller(
    stack: RunningStack,
) -> None:
    first = asked_for_an_address(stack)
    first.say_address("dana dot scully at example dot com")
    phone = asked_for_an_address(stack)
    assert phone.say("dana dot scull at example dot com").text == (
        "I can't find dana dot scull at example dot com. "
        f"Did you mean dana dot scully at example dot com? {YES_OR_NO}"
    )
    assert phone.say("yes").text == ASK_PRIORITY


def test_an_unsure_priority_is_read_back_and_a_sure_one_is_taken(stack: RunningStack) -> None:
    phone = asked_for_an_address(stack)
    phone.say_address("fox dot mulder at example dot com")
    unsure = phone.say("Hi.", confidence=0.31)
    assert unsure.text == f"I heard high priority. Is that right? {YES_OR_NO}"
    assert phone.say("no").text == ASK_PRIORITY
    assert phone.say("medium", confidence=0.9).text.startswith("Please describe the problem")


def test_menu_answers_as_recognisers_write_them(stack: RunningStack) -> None:
    phone = asked_for_an_address(stack)
    phone.say_address("walter dot skinner at example dot com")
    assert phone.say("To.").text.startswith("Please describe the problem")


def test_hmm_at_a_read_back_is_no_yes(stack: RunningStack) -> None:
    phone = asked_for_an_address(stack)
    read_back = phone.say("hugo dot hmm at example dot com")
    assert read_back.text.startswith("I heard hugo dot hmm at example dot com.")
    assert phone.say("Hmm.").text == read_back.text
    assert phone.say("yes").text == ASK_PRIORITY
