"""How the actions tell a turn of keys from a spoken or typed one."""

from __future__ import annotations

import pytest

from helpdesk.turn_metadata import CONFIDENCE_KEY, INPUT_KEY, pressed_keys


@pytest.mark.parametrize(
    ("metadata", "keys"),
    [
        ({INPUT_KEY: "1"}, "1"),
        ({INPUT_KEY: "12#"}, "12#"),
        # A recogniser may write a spoken "one" as a digit: spoken is never keys.
        ({INPUT_KEY: "1", CONFIDENCE_KEY: 0.9}, ""),
        ({INPUT_KEY: "1", CONFIDENCE_KEY: None}, ""),
        ({INPUT_KEY: "one"}, ""),
        ({INPUT_KEY: ""}, ""),
        # Typed (the shell, the REST channel): no line wrote the turn.
        ({}, ""),
    ],
)
def test_only_keys_a_phone_sent_are_keys(metadata: dict[str, object], keys: str) -> None:
    assert pressed_keys(metadata) == keys
