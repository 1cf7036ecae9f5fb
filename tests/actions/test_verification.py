"""Only a caller on the attested, registered number hears an address's incidents."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.incident_actions import ActionOpenIncident
from actions.incident_status import ActionCheckIncidentStatus
from actions.incidents.embedded import EmbeddedIncidentStore
from actions.storage.database import Database
from actions.verification import (
    ATTESTED,
    VerificationOffInProduction,
    attested_number,
    verification_required,
)
from tests.actions.conftest import make_tracker, responses

OWNER = "+15005550006"
STRANGER = "+15005550999"
EMAIL = "abraham.lincoln@example.com"


def on_the_phone(number: str, attestation: str = ATTESTED) -> dict[str, Any]:
    return {"CallSid": "CA" + "1" * 32, "From": number, "StirVerstat": attestation}


@pytest.fixture
def verifying(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLER_VERIFICATION", "on")
    monkeypatch.delenv("TWILIO_ENVIRONMENT", raising=False)


@pytest.fixture
def store(database: Database) -> EmbeddedIncidentStore:
    """The bindings of verified numbers, on SQLite and on PostgreSQL."""
    return EmbeddedIncidentStore(database)


@pytest.fixture
def registered(store: EmbeddedIncidentStore) -> EmbeddedIncidentStore:
    """Abraham, bound to the owner's number, with one incident."""
    caller = store.find_caller_by_email(EMAIL)
    assert caller is not None
    store.bind_phone(caller, OWNER)
    store.create_incident(caller, "Problem resetting password", "loop", "high")
    return store


@pytest.mark.parametrize(
    ("environ", "required"),
    [({}, True), ({"CALLER_VERIFICATION": "on"}, True), ({"CALLER_VERIFICATION": "off"}, False)],
)
def test_verification_is_on_unless_switched_off(environ: dict[str, str], required: bool) -> None:
    assert verification_required(environ) is required


def test_production_refuses_verification_off() -> None:
    with pytest.raises(VerificationOffInProduction):
        verification_required({"CALLER_VERIFICATION": "off", "TWILIO_ENVIRONMENT": "production"})


@pytest.mark.parametrize(
    ("attestation", "number"),
    [(ATTESTED, OWNER), ("TN-Validation-Passed-B", ""), ("No-TN-Validation", ""), ("", "")],
)
def test_only_an_a_attested_number_counts(attestation: str, number: str) -> None:
    tracker = make_tracker(metadata=on_the_phone(OWNER, attestation))
    assert attested_number(tracker) == number


def test_the_first_verified_number_stays_bound(store: EmbeddedIncidentStore) -> None:
    caller = store.find_caller_by_email(EMAIL)
    assert caller is not None
    assert store.bind_phone(caller, OWNER).phone == OWNER
    assert store.bind_phone(caller, STRANGER).phone == OWNER


@pytest.mark.usefixtures("verifying")
@pytest.mark.parametrize(
    "metadata",
    [on_the_phone(STRANGER), on_the_phone(OWNER, "TN-Validation-Passed-C"), {}],
    ids=["another number", "the owner's number, not attested", "no phone at all"],
)
async def test_status_for_anyone_else_is_a_count_without_details(
    registered: EmbeddedIncidentStore,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    metadata: dict[str, Any],
) -> None:
    monkeypatch.setenv("HANDOFF_PHONE_NUMBER", "+15005550009")
    tracker = make_tracker({"email": EMAIL}, metadata=metadata)
    await ActionCheckIncidentStatus(registered).run(dispatcher, tracker, domain)
    assert responses(dispatcher) == [
        "utter_incident_count_unverified",
        "utter_details_from_a_person",
    ]
    assert dispatcher.messages[0]["incident_count"] == 1
    said = repr(dispatcher.messages)
    assert "INC0010001" not in said and "Problem resetting password" not in said


@pytest.mark.usefixtures("verifying")
async def test_status_from_the_registered_attested_number_has_the_details(
    registered: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    tracker = make_tracker({"email": EMAIL}, metadata=on_the_phone(OWNER))
    await ActionCheckIncidentStatus(registered).run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_incident_status"]
    assert dispatcher.messages[0]["incident_number"] == "INC0010001"


@pytest.mark.usefixtures("verifying")
async def test_opening_needs_no_verification_and_records_the_number(
    store: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    slots = {
        "email": EMAIL,
        "priority": "low",
        "problem_description": "vpn drops",
        "incident_title": "vpn",
        "confirm": True,
    }
    tracker = make_tracker(slots, metadata=on_the_phone(STRANGER, ""))
    await ActionOpenIncident(store).run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_incident_opened"]
    caller = store.find_caller_by_email(EMAIL)
    assert caller is not None
    [incident] = store.list_incidents(caller)
    assert incident.description == (
        f"vpn drops\n\nReported by phone from {STRANGER} (caller ID not attested)."
    )
