"""What a caller hears again: the question, without what only led up to it."""

from __future__ import annotations

from typing import Any

from channels.call_moments import GREETING_QUESTION, GREETINGS, LEAD_INS, the_question

ASK = {"text": "What is your email address?", "response": "utter_ask_email"}


def test_apologies_and_notes_are_not_said_again() -> None:
    turn = [{"text": "Sorry, I didn't catch that.", "response": "utter_default"}, ASK]
    assert the_question(turn) == [ASK]


def test_of_a_greeting_only_its_question_is_said_again() -> None:
    greeting = {
        "text": "Hello, this is the I T help desk. How can I help?",
        "response": "utter_greet",
    }
    assert [message["text"] for message in the_question([greeting])] == [GREETING_QUESTION]


def test_a_turn_of_lead_ins_alone_is_said_as_it_was() -> None:
    turn = [{"text": "Let's carry on.", "response": "utter_carry_on"}]
    assert the_question(turn) == turn


def test_every_response_named_is_in_the_domain(domain: dict[str, Any]) -> None:
    assert set(domain["responses"]) >= LEAD_INS | GREETINGS
