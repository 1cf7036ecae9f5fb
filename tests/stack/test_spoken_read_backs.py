"""Whole calls where the assistant may have misheard: read-backs, repairs, suggestions."""

from __future__ import annotations

from tests.support.running_stack import GATHER, RunningStack
from tools.phone.call import SimulatedCall

ASK_EMAIL = "What is your email address?"
ASK_PRIORITY = "How urgent is this? Say low, medium, or high, or press 1, 2, or 3."
YES_OR_NO = "Say Yes or No, or press 1 or 2."


def asked_for_an_address(stack: RunningStack, line: str) -> SimulatedCall:
    phone = stack.call(line=line)
    phone.start()
    assert phone.say("i want to open an incident").text == ASK_EMAIL
    return phone


def test_a_spoken_address_is_read_back_and_a_correction_replaces_it(stack: RunningStack) -> None:
    # Addresses confirmed here join the directory, which would change a second run.
    phone = asked_for_an_address(stack, GATHER)
    assert phone.say("Tim Lee 456 at gmail.com.").text == (
        f"I heard timlee 4 5 6 at gmail dot com. Is that right? {YES_OR_NO}"
    )
    corrected = phone.say("no, it's kim lee four five six at gmail dot com")
    assert corrected.text == f"I heard kimlee 4 5 6 at gmail dot com. Is that right? {YES_OR_NO}"
    assert phone.press("1").text == ASK_PRIORITY


def test_a_refused_address_is_checked_in_parts_and_only_the_wrong_part_asked_again(
    stack: RunningStack,
    line: str,
) -> None:
    phone = asked_for_an_address(stack, line)
    assert phone.say("said dot cocks at example dot com").text.startswith("I heard said dot")
    assert phone.say("no").text == (
        "Let's check it in two parts. Is the part before the at, said dot cocks, right? "
        f"{YES_OR_NO}"
    )
    assert phone.say("no").text == f"And is it at example dot com? {YES_OR_NO}"
    spell = phone.say("yes").text
    assert spell.startswith("Please spell the part that comes before at example dot com")
    heard = phone.say("zulu echo delta dot c o x")
    assert heard.text.startswith("I heard zed dot cox at example dot com. Is that right?")
    assert phone.say("yes").text == ASK_PRIORITY


def test_a_confirmed_name_stays_and_only_the_domain_is_asked_again(stack: RunningStack) -> None:
    # Addresses confirmed here join the directory, which would change a second run.
    phone = asked_for_an_address(stack, GATHER)
    assert phone.say("jo dot march at lit dot org").text.startswith("I heard jo dot march")
    assert phone.say("no").text.startswith("Let's check it in two parts.")
    assert phone.say("yes").text == "What comes after the at? For example, gmail dot com."
    heard = phone.say("little women dot org")
    assert heard.text.startswith("I heard jo dot march at littlewomen dot org.")
    assert phone.say("yes").text == ASK_PRIORITY


def test_a_refused_name_is_spelled_again_and_the_same_reading_said_so(stack: RunningStack) -> None:
    # Addresses confirmed here join the directory, which would change a second run.
    phone = asked_for_an_address(stack, GATHER)
    phone.say("amy dot march at lit dot org")
    phone.say("no")  # the whole, then each part:
    assert phone.say("no").text == f"And is it at lit dot org? {YES_OR_NO}"
    phone.say("yes")
    assert phone.say("a m y dot m a r c h").text == (
        f"I heard the same as before, amy dot march at lit dot org. Is that right? {YES_OR_NO}"
    )
    assert phone.say("no").text.startswith("Please spell the part that comes before at lit dot")
    heard = phone.say("a as in apple m y dot m a r s h")
    assert heard.text.startswith("I heard amy dot marsh at lit dot org. Is that right?")
    assert phone.say("yes").text == ASK_PRIORITY


def test_the_same_wrong_reading_is_never_read_back_as_new(stack: RunningStack, line: str) -> None:
    phone = asked_for_an_address(stack, line)
    phone.say("meg at lit dot org")
    phone.say("no")
    phone.say("no")
    # Neither part was right: said again, it would meet the same mistake.
    assert phone.say("no").text.startswith("Let's try it letter by letter.")
    assert phone.say("meg at lit dot org").text == (
        f"I heard the same as before, meg at lit dot org. Is that right? {YES_OR_NO}"
    )


def test_an_address_heard_without_its_at_ends_in_a_known_domain(
    stack: RunningStack, line: str
) -> None:
    asked_for_an_address(stack, line).say_address("beth dot march at example dot com")
    phone = asked_for_an_address(stack, line)
    heard = phone.say("Lincolnedexample.com")
    assert heard.text == f"I heard lincoln at example dot com. Is that right? {YES_OR_NO}"


def test_a_domain_heard_close_to_a_known_one_is_offered(stack: RunningStack, line: str) -> None:
    asked_for_an_address(stack, line).say_address("wile dot coyote at acme dot com")
    phone = asked_for_an_address(stack, line)
    assert phone.say("road dot runner at acne dot com").text == (
        "I can't find road dot runner at acne dot com. "
        f"Did you mean road dot runner at acme dot com? {YES_OR_NO}"
    )
    assert phone.say("yes").text == ASK_PRIORITY


def test_a_misheard_address_close_to_a_known_caller_is_offered_as_that_caller(
    stack: RunningStack,
    line: str,
) -> None:
    first = asked_for_an_address(stack, line)
    first.say_address("dana dot scully at example dot com")
    phone = asked_for_an_address(stack, line)
    assert phone.say("dana dot scull at example dot com").text == (
        "I can't find dana dot scull at example dot com. "
        f"Did you mean dana dot scully at example dot com? {YES_OR_NO}"
    )
    assert phone.say("yes").text == ASK_PRIORITY


def test_a_new_caller_who_says_no_to_a_known_caller_keeps_their_own_address(
    stack: RunningStack,
) -> None:
    # Addresses confirmed here join the directory, which would change a second run.
    asked_for_an_address(stack, GATHER).say_address("desk tester 2 at example dot com")
    phone = asked_for_an_address(stack, GATHER)
    assert phone.say("desk tester 4 at example dot com").text == (
        "I can't find desktester 4 at example dot com. "
        f"Did you mean desktester 2 at example dot com? {YES_OR_NO}"
    )
    assert phone.say("no").text == (
        f"I heard desktester 4 at example dot com. Is that right? {YES_OR_NO}"
    )
    assert phone.say("yes").text == ASK_PRIORITY
    # The simulated caller, heard word for word, says no to someone else's address.
    third = asked_for_an_address(stack, GATHER)
    assert third.say_address("desk tester 5 at example dot com").text == ASK_PRIORITY


def test_an_unsure_priority_is_read_back_and_a_sure_one_is_taken(stack: RunningStack) -> None:
    # Only <Gather> reports the recogniser's confidence; ConversationRelay does not.
    phone = asked_for_an_address(stack, GATHER)
    phone.say_address("fox dot mulder at example dot com")
    unsure = phone.say("Hi.", confidence=0.31)
    assert unsure.text == f"I heard high priority. Is that right? {YES_OR_NO}"
    assert phone.say("no").text == ASK_PRIORITY
    assert phone.say("medium", confidence=0.9).text.startswith("Please describe the problem")


def test_menu_answers_as_recognisers_write_them(stack: RunningStack, line: str) -> None:
    phone = asked_for_an_address(stack, line)
    phone.say_address("walter dot skinner at example dot com")
    assert phone.say("To.").text.startswith("Please describe the problem")


def test_hmm_at_a_read_back_is_no_yes(stack: RunningStack, line: str) -> None:
    phone = asked_for_an_address(stack, line)
    read_back = phone.say("hugo dot hmm at example dot com")
    assert read_back.text.startswith("I heard hugo dot hmm at example dot com.")
    assert phone.say("Hmm.").text == read_back.text
    assert phone.say("yes").text == ASK_PRIORITY


def test_hello_mid_call_gets_the_question_never_the_greeting(
    stack: RunningStack, line: str
) -> None:
    phone = asked_for_an_address(stack, line)
    assert phone.say("Hello?").text == f"I'm here. {ASK_EMAIL}"
    assert phone.stay_silent().text == f"Sorry, I didn't hear anything. {ASK_EMAIL}"
    missed = phone.say("zxq vrrp blorp")
    assert missed.text.startswith("Sorry, I didn't catch that.")
    assert phone.stay_silent().text == f"Sorry, I didn't hear anything. {ASK_EMAIL}"
