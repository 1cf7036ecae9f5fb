"""Whole calls that open with the caller's own words about an IT problem."""

from __future__ import annotations

from tests.support.running_stack import RunningStack

ASK_EMAIL = "What is your email address?"
ASK_PRIORITY = "How urgent is this? Say low, medium, or high, or press 1, 2, or 3."


def test_the_problem_said_first_is_never_asked_for_again(stack: RunningStack) -> None:
    phone = stack.call()
    phone.start()
    assert phone.say("hi, um, my vpn keeps dropping every few minutes").text == ASK_EMAIL
    assert phone.say_address("vera dot pen at example dot com").text == ASK_PRIORITY
    read_back = phone.say("high").text
    assert read_back.startswith(
        "I'll open an incident called VPN keeps dropping, with high priority, for vera dot pen "
        "at example dot com. You said, My vpn keeps dropping every few minutes. Shall I go ahead?"
    )
    assert phone.say("yes").text.startswith("Done. Your incident number is")


def test_a_security_problem_gets_advice_and_high_priority_suggested(stack: RunningStack) -> None:
    phone = stack.call()
    phone.start()
    assert phone.say("I think I have a virus").text == ASK_EMAIL
    advice = phone.say_address("vic dot rus at example dot com").text
    assert advice.startswith("If you can, please disconnect your computer from the network now")
    assert "I suggest high priority" in advice


def test_a_vague_opener_gets_one_focused_question(stack: RunningStack) -> None:
    phone = stack.call()
    phone.start()
    assert phone.say("my stuff isn't working").text == ASK_EMAIL
    phone.say_address("val dot gue at example dot com")
    assert phone.say("low").text == "What's not working? Tell me in a sentence or two."
    assert phone.say("the scanner won't turn on").text == (
        "What short title should I give this incident?"
    )


def test_a_request_that_is_not_it_stays_out(stack: RunningStack) -> None:
    phone = stack.call()
    phone.start()
    assert phone.say("book me a flight to chicago").text == (
        "Sorry, I can't help with that. I can open an incident, or check on your incidents."
    )
