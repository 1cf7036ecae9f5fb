"""The caller's side of a spoken call answers the turns its script did not foresee."""

from __future__ import annotations

import pytest

from tools.speech.caller import Caller, asked, menu_key, talks_over

ASK_EMAIL = "What is your email address?"
PRIORITY_MENU = "How urgent is this? Say low, medium, or high, or press 1, 2, or 3."


def kim() -> Caller:
    caller = Caller()
    caller.said("kim lee four five six at gmail dot com", ASK_EMAIL)
    caller.said("medium", PRIORITY_MENU)
    return caller


@pytest.mark.parametrize(
    ("prompt", "reply"),
    [
        ("I heard kimlee 4 5 6 at gmail dot com. Is that right? Say Yes or No.", "yes"),
        ("I heard timlee 4 5 6 at gmail dot com. Is that right? Say Yes or No.", "no"),
        ("I can't find tim at gmail dot com. Did you mean kimlee 4 5 6 at gmail dot com?", "yes"),
        ("This number belongs to jo at x dot com. Is that your email address?", "no"),
        ("I heard medium priority. Is that right?", "yes"),
        ("I heard the same as before, kimlee 4 5 6 at gmail dot com. Is that right?", "yes"),
        ("I heard high priority. Is that right?", "no"),
        (
            f"Sorry, I can't find it. Please try again. {ASK_EMAIL}",
            "kim lee four five six at gmail dot com",
        ),
        (
            "Let's try it letter by letter. Please spell your email address.",
            "k i m l double e 4 5 6 at gmail dot com",
        ),
        (f"Sorry, I didn't catch that. Could you say it another way? {PRIORITY_MENU}", "$2"),
        ("Let's check it in two parts. Is the part before the at, kimlee 4 5 6, right?", "yes"),
        ("Let's check it in two parts. Is the part before the at, tim lee, right?", "no"),
        ("And is it at gmail dot com? Say Yes or No.", "yes"),
        ("And is it at g mail dot org? Say Yes or No.", "no"),
        (
            "Please spell the part that comes before at gmail dot com, letter by letter.",
            "k i m l double e 4 5 6",
        ),
        ("What comes after the at? For example, gmail dot com.", "gmail dot com"),
        ("Thanks for calling. Goodbye.", None),
    ],
)
def test_the_caller_answers_from_what_they_meant(prompt: str, reply: str | None) -> None:
    assert kim().reply(prompt) == reply


def test_not_understood_without_a_question_repeats_the_last_line() -> None:
    caller = Caller()
    caller.said("open a ticket please", "How can I help?")
    assert caller.reply("Sorry, I didn't catch that. Could you say it another way?") == (
        "open a ticket please"
    )


def test_the_last_question_in_a_prompt_is_the_one_asked() -> None:
    assert asked(f"You can say, describe the problem. {ASK_EMAIL}") == "email"
    assert asked("Hello. How can I help?") is None


def test_a_menu_answer_becomes_its_key_and_yes_no_menus_too() -> None:
    assert menu_key(PRIORITY_MENU, "high please") == "$3"
    assert menu_key("Shall I? Say Yes or No, or press 1 or 2.", "no") == "$2"
    assert menu_key("What else can I do?", "yes") is None


def test_an_address_is_spelled_letter_by_letter_then_with_the_spelling_alphabet() -> None:
    caller = Caller()
    caller.said("mary dash ann underscore two at contoso dot co dot uk", ASK_EMAIL)
    spell = "Let's try it letter by letter. Please spell your email address."
    letters = "m a r y dash a double n underscore 2 at contoso dot co dot uk"
    assert [caller.reply(spell), caller.reply(spell)] == [letters, letters]
    assert caller.reply(spell) == (
        "mike alpha romeo yankee dash alpha november november underscore 2 at contoso dot co dot uk"
    )


def test_the_name_of_the_domain_is_spelled_and_its_ending_said() -> None:
    assert kim().reply("Please spell the part after the at, letter by letter.") == (
        "g m a i l dot com"
    )


def test_a_call_that_left_its_script_early_still_gets_the_scripts_later_answers() -> None:
    caller = Caller()
    caller.means(
        [
            ("kim at x dot com", "what is your email address"),
            ("yes", "I heard kim at x dot com. Is that right"),
            ("high", "how urgent is this"),
            ("the printer jams", "describe the problem"),
            ("yes", "/incident called printer jams, with high priority/"),
        ]
    )
    assert caller.address == ""  # the address is learnt as the script says it
    unconfirmed = "I'll note it as I heard it. How urgent is this? Say low, medium, or high"
    assert caller.reply(unconfirmed) == "high"
    assert caller.reply("Please describe the problem in a sentence or two.") == "the printer jams"
    assert caller.reply("I'll open an incident called Printer. Shall I go ahead?") == "yes"


def test_the_note_of_an_address_as_heard_is_no_read_back_and_keys_are_pressed_again() -> None:
    caller = Caller()
    caller.means([("$2", "how urgent is this")])
    noted = (
        "I'm sorry, I couldn't get your email address right. I'll note it as I heard it, with "
        "the number you're calling from, and someone from the help desk will confirm it with "
        "you. How urgent is this? Say low, medium, or high, or press 1, 2, or 3."
    )
    assert caller.reply(noted) == "$2"


def test_a_caller_agrees_to_the_incident_they_called_for_when_the_script_says_nothing() -> None:
    assert kim().reply("I'll open an incident called VPN drops. Shall I go ahead?") == "yes"


def test_a_yes_or_no_that_was_not_caught_is_pressed() -> None:
    again = (
        "Sorry, I didn't catch that. I heard tim at gmail dot com. Is that right? "
        "Say Yes or No, or press 1 or 2."
    )
    assert kim().reply(again) == "$2"
    assert kim().reply(again.replace("Sorry, I didn't catch that. ", "")) == "no"


def test_told_what_they_can_say_a_caller_asks_again_for_what_they_called_for() -> None:
    caller = Caller()
    caller.means(
        [
            ("check the status of my tickets", "how can I help"),
            ("kim at x dot com", "what is your email address"),
        ]
    )
    help_menu = (
        "Sorry, I didn't catch that. You can say, open an incident. "
        "Or, what's the status of my tickets?"
    )
    assert caller.reply(help_menu) == "check the status of my tickets"


@pytest.mark.parametrize(
    ("prompt", "heard_first"),
    [
        # Over the closing question of a read-back, once its details were heard.
        (
            "I'll open an incident called Printer jam for kim dot lee at example dot com, "
            "medium priority. Shall I go ahead?",
            len(
                "I'll open an incident called Printer jam for kim dot lee at example dot com, "
                "medium priority. "
            ),
        ),
        (
            "I heard kim dot lee at example dot com. Is that right?",
            len("I heard kim dot lee at example dot com. "),
        ),
        # Over a menu read after its question.
        (
            "How urgent is this? Say low, medium, or high, or press 1, 2, or 3.",
            len("How urgent is this? "),
        ),
        # Heard to the end: an open question, and a menu that is not the last thing said.
        ("What is your email address?", None),
        ("Say yes or no, or press 1 or 2. What is your email address?", None),
    ],
)
def test_a_caller_who_knows_the_answer_talks_over_the_closing_words(
    prompt: str, heard_first: int | None
) -> None:
    assert talks_over(prompt) == heard_first
