"""The extractor inside the trained pipeline: one email entity per message."""

from __future__ import annotations

import pytest
from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.message import Message

from components.spoken_email_extractor import SpokenEmailExtractor


def test_replaces_another_extractors_email_entity() -> None:
    message = Message(
        data={
            "text": "j p k at bespoken dot io",
            "entities": [
                {"entity": "email", "value": "k@bespoken.io", "extractor": "Duckling"},
                {"entity": "priority", "value": "high", "extractor": "Regex"},
            ],
        }
    )
    [processed] = SpokenEmailExtractor().process([message])
    emails = [e for e in processed.get("entities") if e["entity"] == "email"]
    assert [(e["value"], e["extractor"]) for e in emails] == [
        ("jpk@bespoken.io", "SpokenEmailExtractor")
    ]
    assert any(e["entity"] == "priority" for e in processed.get("entities"))


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("j p k at bespoken dot io", "jpk@bespoken.io"),
        ("my email is abraham.lincoln@example.com", "abraham.lincoln@example.com"),
        ("uh sure it's mary underscore ann at contoso dot com", "mary_ann@contoso.com"),
    ],
)
async def test_the_trained_pipeline_gives_one_email_entity(
    trained_agent: Agent, text: str, address: str
) -> None:
    parsed = await trained_agent.parse_message(text)
    assert [e["value"] for e in parsed["entities"] if e["entity"] == "email"] == [address]


@pytest.mark.parametrize(
    ("text", "priority"),
    [
        ("it's urgent", "high"),
        ("it's blocking me", "high"),
        ("i'd say moderate", "medium"),
        ("it's not urgent", "low"),
        ("whenever really", "low"),
    ],
)
async def test_priorities_from_speech(trained_agent: Agent, text: str, priority: str) -> None:
    parsed = await trained_agent.parse_message(text)
    assert [e["value"] for e in parsed["entities"] if e["entity"] == "priority"] == [priority]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("yeah go for it", "affirm"),
        ("uh huh", "affirm"),
        ("that's right", "affirm"),
        ("nope", "deny"),
        ("no thanks", "deny"),
        ("never mind", "cancel"),
        ("stop", "cancel"),
    ],
)
async def test_yes_and_no_in_the_phone_register(
    trained_agent: Agent, text: str, intent: str
) -> None:
    parsed = await trained_agent.parse_message(text)
    assert parsed["intent"]["name"] == intent
