"""Blank text has no intent: never an error of the NLU (what `/model/parse` runs)."""

from __future__ import annotations

import pytest
from rasa.core.agent import Agent


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
async def test_blank_text_is_not_understood_rather_than_an_error(
    trained_agent: Agent, text: str
) -> None:
    parsed = await trained_agent.parse_message(text)
    assert parsed["intent"]["name"] == "nlu_fallback"


async def test_words_are_still_classified(trained_agent: Agent) -> None:
    parsed = await trained_agent.parse_message("my email is broken")
    assert parsed["intent"]["name"] == "problem_email"
