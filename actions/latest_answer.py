"""The caller's latest answer during a form, as the forms' slot extraction reads it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker

from actions import answers

# Answers taken word for word: only their own question fills them.
FREE_TEXT_SLOTS = ("problem_description", "incident_title")


def free_text(
    tracker: Tracker, slot: str, with_request: str | None, names_slot: Callable[[str], bool]
) -> dict[str, Any]:
    """A free-text slot: the caller's words when asked for it, what came with the request
    when the form starts, and emptied when the read-back names it for a change."""
    requested = tracker.get_slot("requested_slot")
    text = latest_text(tracker)
    if requested == slot:
        return {} if interrupts_free_text(tracker) else {slot: text}
    if requested is None:
        return {slot: with_request} if with_request else {}
    if requested == "confirm" and names_slot(text) and not affirmed(tracker):
        return {slot: None}
    return {}


def latest_text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "").strip()


def latest_entities(tracker: Tracker) -> list[dict[str, Any]]:
    """The latest message's email and priority entities."""
    entities = tracker.latest_message.get("entities") or []
    return [entity for entity in entities if entity.get("entity") in {"email", "priority"}]


def entity_value(tracker: Tracker, name: str) -> str | None:
    values = [
        entity.get("value") for entity in latest_entities(tracker) if entity.get("entity") == name
    ]
    return str(values[-1]) if values and values[-1] else None


def entity_text(tracker: Tracker, entity: dict[str, Any]) -> str:
    """The words of the utterance an entity was read from."""
    start, end = entity.get("start"), entity.get("end")
    if isinstance(start, int) and isinstance(end, int):
        return latest_text(tracker)[start:end]
    return str(entity.get("value") or "")


def affirmed(tracker: Tracker) -> bool:
    return tracker.get_intent_of_latest_message() == "affirm"


def interrupts_free_text(tracker: Tracker) -> bool:
    """A free-text answer that is a request instead, or a correction of another answer."""
    text = latest_text(tracker)
    return answers.is_interruption(text) or (
        answers.starts_as_correction(text) and bool(latest_entities(tracker))
    )


def said_besides(tracker: Tracker, names_slot: Callable[[str], bool]) -> bool:
    """Whether a slot's value in an answer to another question is meant for that slot.

    It is when the caller asks for the incident with it (the form has asked nothing
    yet), corrects the read-back, or corrects it by name; never because an answer to
    another question happened to contain a matching word.
    """
    requested = tracker.get_slot("requested_slot")
    text = latest_text(tracker)
    if requested is None or requested == "confirm":
        return True
    naming = names_slot(text)
    if requested in FREE_TEXT_SLOTS:
        return answers.starts_as_correction(text) and naming
    return answers.is_correction(text) or naming
