"""Trackers, dispatchers and stores for the action tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.incidents.embedded import EmbeddedIncidentStore
from tests.support.databases import sqlite_database


def make_tracker(
    slots: dict[str, Any] | None = None,
    intent: str = "inform",
    entities: list[dict[str, Any]] | None = None,
    active_loop: str | None = None,
    metadata: dict[str, Any] | None = None,
    text: str = "",
    events: list[dict[str, Any]] | None = None,
) -> Tracker:
    """A tracker right after the caller said something with this intent."""
    return Tracker(
        sender_id="CA00000000000000000000000000000001",
        slots=dict(slots or {}),
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 1.0},
            "intent_ranking": [{"name": intent, "confidence": 1.0}],
            "entities": entities or [],
            "metadata": metadata or {},
        },
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def answering_read_back(
    slot: str,
    heard: str,
    intent: str,
    entities: list[dict[str, Any]],
    metadata: dict[str, Any],
) -> Tracker:
    """A tracker right after the caller answered "I heard <heard>. Is that right?"."""
    return make_tracker(
        {"requested_slot": slot, f"heard_{slot}": heard},
        intent=intent,
        entities=entities,
        metadata=metadata,
    )


def responses(dispatcher: CollectingDispatcher) -> list[str | None]:
    """The names of the responses an action sent, in order."""
    return [message.get("response") for message in dispatcher.messages]


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedIncidentStore:
    return EmbeddedIncidentStore(sqlite_database(tmp_path / "incidents.db"))


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()
