"""A caller's words and keys as the dialogue may read them, on either line."""

from __future__ import annotations

import pytest

from channels.caller_input import CallerInput, as_words, keypad_keys


@pytest.mark.parametrize(
    ("speech", "words"),
    [
        ('/inform{"priority":"high"}', 'inform{"priority":"high"}'),
        ("  //restart", "restart"),
        ("\u3000/greet", "greet"),
        ("my path is /home/me", "my path is /home/me"),
    ],
)  # fmt: skip
def test_speech_is_words_never_an_intent_command(speech: str, words: str) -> None:
    assert as_words(speech) == words


def test_keys_are_only_what_a_keypad_sends() -> None:
    assert keypad_keys('1/inform{"a":1}#*') == "11#*"


@pytest.mark.parametrize(
    ("speech", "repeat"),
    [("Hmm.", True), ("um, uh", True), ("sorry?", True), ("mm hmm", False), ("uh huh", False)],
)
def test_a_lone_hesitation_hears_the_prompt_again(speech: str, repeat: bool) -> None:
    assert CallerInput.of(speech, "").wants_repeat is repeat


@pytest.mark.parametrize(
    ("speech", "checks"),
    [
        ("Hello?", True),
        ("Are you there?", True),
        ("hello, is anyone there?", True),
        ("Hello, my email is broken", False),
        ("hi I need a password reset", False),
    ],
)
def test_hello_mid_call_only_checks_that_someone_is_there(speech: str, checks: bool) -> None:
    assert CallerInput.of(speech, "").checks_presence is checks


def test_hello_right_after_the_greeting_is_the_callers_own_greeting() -> None:
    assert not CallerInput.of("Hello?", "", mid_call=False).checks_presence


def test_the_star_key_asks_for_the_prompt_again() -> None:
    assert CallerInput.of("", "*").wants_repeat
