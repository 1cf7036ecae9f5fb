"""The environment parser refuses what a variable cannot mean, naming the variable."""

from __future__ import annotations

import pytest

from helpdesk import environment as env

NAME = "A_SETTING"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", True),
        ("true", True),
        ("YES", True),
        ("on", True),
        ("1", True),
        ("False", False),
        ("no", False),
        (" off ", False),
        ("0", False),
    ],
)
def test_a_flag_takes_the_usual_words(value: str, expected: bool) -> None:
    assert env.flag(NAME, True, {NAME: value}) is expected


@pytest.mark.parametrize("value", ["ture", "disabled", "2"])
def test_a_mistyped_flag_is_refused_never_read_as_no(value: str) -> None:
    with pytest.raises(env.InvalidSetting, match=f"{NAME}='{value}': say true or false"):
        env.flag(NAME, True, {NAME: value})


def test_numbers_are_checked_and_their_minimum_held() -> None:
    assert env.integer(NAME, 5, environ={}) == 5
    assert env.integer(NAME, 5, minimum=1, environ={NAME: " 7 "}) == 7
    assert env.number(NAME, 0.5, environ={NAME: "2.5"}) == 2.5
    with pytest.raises(env.InvalidSetting, match="a whole number is needed"):
        env.integer(NAME, 5, environ={NAME: "5s"})
    with pytest.raises(env.InvalidSetting, match="must be at least 1"):
        env.integer(NAME, 5, minimum=1, environ={NAME: "0"})
    with pytest.raises(env.InvalidSetting, match="a number is needed"):
        env.number(NAME, 1.0, environ={NAME: "fast"})
    with pytest.raises(env.InvalidSetting, match="must be above 0"):
        env.positive(NAME, 30.0, {NAME: "0"})


def test_a_url_needs_its_scheme_and_a_host() -> None:
    assert env.url(NAME, environ={NAME: "https://x.example/"}) == "https://x.example"
    assert env.url(NAME, environ={}) == ""
    assert env.url(NAME, schemes=("redis", "rediss"), environ={NAME: "redis://r:6379/0"})
    for wrong in ("x.example", "ftp://x.example", "https://"):
        with pytest.raises(env.InvalidSetting, match=f"{NAME}="):
            env.url(NAME, environ={NAME: wrong})


def test_a_list_is_split_on_commas_without_empty_items() -> None:
    assert env.items(NAME, {NAME: " a.com, ,b.org ,"}) == ["a.com", "b.org"]


def test_the_environment_is_production_or_development_and_nothing_else() -> None:
    assert env.in_production({"TWILIO_ENVIRONMENT": "Production"})
    assert not env.in_production({})
    with pytest.raises(env.InvalidSetting, match="say production or development"):
        env.in_production({"TWILIO_ENVIRONMENT": "prod"})
