"""The email question: offers, the directory check, read-backs and "did you mean"."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.email_form import ActionAskEmail
from actions.email_repair import CHECK_NAME, Repair
from actions.forms import ValidateIncidentStatusForm, ValidateOpenIncidentForm
from actions.incidents.embedded import EmbeddedIncidentStore
from actions.incidents.servicenow import ServiceNowIncidents
from tests.actions.conftest import answering_read_back, make_tracker, responses
from tools.fakes.servicenow_server import ServiceNowTestServer

SPOKEN = {"CallSid": "CA1", "twilio_confidence": 0.9}


async def test_asks_for_an_address_when_none_was_given(
    store: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    await ActionAskEmail(store).run(dispatcher, make_tracker(), domain)
    assert responses(dispatcher) == ["utter_ask_email"]


async def test_a_caller_whose_number_is_in_the_directory_is_offered_their_address(
    servicenow_backend: ServiceNowIncidents,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    tracker = make_tracker(metadata={"CallSid": "CA1", "From": "+15005550011"})
    events = await ActionAskEmail(servicenow_backend).run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_ask_use_directory_email"]
    assert dispatcher.messages[0]["previous_email"] == "abraham.lincoln@example.com"
    assert events == [SlotSet("previous_email", "abraham.lincoln@example.com")]


async def test_an_unknown_number_gets_the_plain_question(
    servicenow_backend: ServiceNowIncidents,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    tracker = make_tracker(metadata={"CallSid": "CA1", "From": "+19999999999"})
    assert await ActionAskEmail(servicenow_backend).run(dispatcher, tracker, domain) == []
    assert responses(dispatcher) == ["utter_ask_email"]


async def test_offers_the_previous_address(
    store: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    tracker = make_tracker({"previous_email": "jane.doe@example.com"})
    await ActionAskEmail(store).run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_ask_use_previous_email"]


async def test_a_known_address_is_kept_lowercase_and_remembered(
    store: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    form = ValidateOpenIncidentForm(store)
    slots = await form.validate_email(" Jane.Doe@Example.com ", dispatcher, make_tracker(), domain)
    assert slots == {"email": "jane.doe@example.com", "previous_email": "jane.doe@example.com"}
    assert dispatcher.messages == []


async def test_an_unknown_address_is_refused_with_the_original_reprompt(
    servicenow_backend: ServiceNowIncidents,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    form = ValidateOpenIncidentForm(servicenow_backend)
    slots = await form.validate_email("idontexist@example.com", dispatcher, make_tracker(), domain)
    assert slots == {"email": None}
    assert dispatcher.messages[0]["response"] == "utter_no_email"
    assert dispatcher.messages[0]["email"] == "idontexist@example.com"


async def test_a_malformed_address_is_asked_again(
    store: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    form = ValidateIncidentStatusForm(store)
    assert await form.validate_email("jane at", dispatcher, make_tracker(), domain) == {
        "email": None
    }


async def test_an_unreachable_directory_gets_an_apology(
    servicenow: ServiceNowTestServer,
    servicenow_backend: ServiceNowIncidents,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    servicenow.faults.down = True
    form = ValidateIncidentStatusForm(servicenow_backend)
    slots = await form.validate_email("jane.doe@example.com", dispatcher, make_tracker(), domain)
    assert slots == {"email": None}
    assert responses(dispatcher) == ["utter_incident_service_unavailable"]
    assert "jane.doe@example.com" not in caplog.text
    assert "j***@example.com" in caplog.text


@pytest.mark.parametrize(
    ("intent", "expected"),
    [
        ("affirm", [SlotSet("email", "jane.doe@example.com")]),
        ("deny", [SlotSet("email", None), SlotSet("previous_email", None)]),
    ],
)
async def test_yes_or_no_to_the_previous_address(
    store: EmbeddedIncidentStore,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    intent: str,
    expected: list[SlotSet],
) -> None:
    tracker = make_tracker(
        {"previous_email": "jane.doe@example.com", "requested_slot": "email"},
        intent=intent,
        active_loop="incident_status_form",
    )
    events = await ValidateIncidentStatusForm(store).run(dispatcher, tracker, domain)
    assert all(event in events for event in expected), events


async def test_yes_is_an_answer_only_to_the_previous_address_question(
    store: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    tracker = make_tracker(
        {"previous_email": "jane.doe@example.com", "requested_slot": "priority"},
        intent="affirm",
        active_loop="open_incident_form",
    )
    form = ValidateOpenIncidentForm(store)
    assert await form.extract_email(dispatcher, tracker, domain) == {}


async def heard_then_asked(
    backend: ServiceNowIncidents,
    heard: str,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> dict[str, Any]:
    """Validates a spoken address, then asks the email question: the slots set between."""
    tracker = make_tracker(
        {"requested_slot": "email"},
        metadata=SPOKEN,
        entities=[{"entity": "email", "value": heard}],
    )
    slots = await ValidateIncidentStatusForm(backend).validate_email(
        heard, dispatcher, tracker, domain
    )
    assert dispatcher.messages == []
    tracker.slots.update(slots)
    await ActionAskEmail(backend).run(dispatcher, tracker, domain)
    return slots


async def test_a_spoken_address_in_the_directory_is_read_back_before_use(
    servicenow_backend: ServiceNowIncidents,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    heard = "jane.doe@example.com"
    slots = await heard_then_asked(servicenow_backend, heard, dispatcher, domain)
    assert slots == {"email": None, "heard_email": heard}
    assert responses(dispatcher) == ["utter_ask_heard_email"]
    assert dispatcher.messages[0]["email"] == heard


async def test_a_misheard_address_close_to_one_entry_is_offered_as_that_entry(
    servicenow_backend: ServiceNowIncidents,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    heard = "jane.do@example.com"
    slots = await heard_then_asked(servicenow_backend, heard, dispatcher, domain)
    assert slots == {"email": None, "heard_email": "jane.doe@example.com"}
    assert responses(dispatcher) == ["utter_ask_did_you_mean_email"]
    assert dispatcher.messages[0]["email"] == heard
    assert dispatcher.messages[0]["suggestion"] == "jane.doe@example.com"


def no_to_read_back(own: str, asked: str, entry: str) -> Tracker:
    """A tracker right after the caller said <own>, heard `asked` about <entry> ("I
    can't find <own>. Did you mean <entry>?", or "I heard <entry>. Is that right?"),
    and said no."""
    said = {"entities": [{"entity": "email", "value": own}]}
    events = [
        {"event": "user", "text": own, "parse_data": said, "metadata": SPOKEN},
        {"event": "bot", "text": f"... {entry}?", "metadata": {"utter_action": asked}},
        {"event": "user", "text": "no", "parse_data": {"entities": []}, "metadata": SPOKEN},
    ]
    return make_tracker(
        {"requested_slot": "email", "heard_email": entry},
        intent="deny",
        metadata=SPOKEN,
        text="no",
        events=events,
    )


async def test_no_to_a_known_caller_reads_back_what_a_new_caller_said(
    store: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    tracker = no_to_read_back(
        "soakcaller4@example.com", "utter_ask_did_you_mean_email", "soakcaller2@example.com"
    )
    form = ValidateOpenIncidentForm(store)

    slots = await form.validate_email(None, dispatcher, tracker, domain)

    assert slots == {
        "email": None,
        "heard_email": "soakcaller4@example.com",
        "declined_email": "soakcaller2@example.com",
    }
    tracker.slots.update(slots)
    tracker.events += [{"event": "slot", "name": name, "value": v} for name, v in slots.items()]
    await ActionAskEmail(store).run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_ask_heard_email"]
    assert dispatcher.messages[0]["email"] == "soakcaller4@example.com"


@pytest.mark.parametrize(
    ("said", "asked", "checked"),
    [
        # "I can't find jane do. Did you mean jane doe?" No: the caller's own words.
        ("jane.do@example.com", "utter_ask_did_you_mean_email", "jane.do"),
        # "I heard jane doe. Is that right?" No: what was read back.
        ("jane.doe@example.com", "utter_ask_heard_email", "jane.doe"),
    ],
)
async def test_no_to_a_directory_entry_checks_the_parts_of_the_right_address(
    servicenow_backend: ServiceNowIncidents,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    said: str,
    asked: str,
    checked: str,
) -> None:
    tracker = no_to_read_back(said, asked, "jane.doe@example.com")
    form = ValidateIncidentStatusForm(servicenow_backend)

    slots = await form.validate_email(None, dispatcher, tracker, domain)

    repair = Repair(CHECK_NAME, offer=checked, heard=f"{checked}@example.com")
    assert slots["email_repair"] == repair.as_slot()
    assert slots["declined_email"] == "jane.doe@example.com" and slots["heard_email"] is None


async def test_an_address_close_to_no_entry_is_checked_in_parts_without_naming_anyone(
    servicenow_backend: ServiceNowIncidents,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    tracker = make_tracker({"requested_slot": "email"}, metadata=SPOKEN)
    form = ValidateIncidentStatusForm(servicenow_backend)
    slots = await form.validate_email("kim.lee@example.com", dispatcher, tracker, domain)
    assert slots == {
        "email": None,
        "heard_email": None,
        "email_repair": Repair(CHECK_NAME, offer="kim.lee", heard="kim.lee@example.com").as_slot(),
    }
    assert responses(dispatcher) == ["utter_no_email_yet"]
    assert "jane" not in str(dispatcher.messages)


async def test_the_embedded_store_reads_back_a_new_caller_and_suggests_a_known_one(
    store: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    store.find_caller_by_email("mary_ann@contoso.com")
    tracker = make_tracker({"requested_slot": "email"}, metadata=SPOKEN)
    form = ValidateIncidentStatusForm(store)
    new = await form.validate_email("sam@fabrikam.com", dispatcher, tracker, domain)
    assert new == {"email": None, "heard_email": "sam@fabrikam.com"}
    # "_" is a wildcard in SQL LIKE; the store matches it as itself.
    close = await form.validate_email("maryxann@contoso.com", dispatcher, tracker, domain)
    assert close == {"email": None, "heard_email": "mary_ann@contoso.com"}


@pytest.mark.parametrize(
    ("intent", "entities", "expected"),
    [
        ("affirm", [], {"email": "jane.doe@example.com"}),
        ("deny", [], {"email": None}),
        (
            "inform",
            [{"entity": "email", "value": "Jane.Doe@Example.com"}],
            {"email": "jane.doe@example.com"},
        ),
        (
            "deny",
            [{"entity": "email", "value": "june.doe@example.com"}],
            {"email": "june.doe@example.com"},
        ),
        ("greet", [], {}),
    ],
)
async def test_the_answer_to_a_read_back(
    store: EmbeddedIncidentStore,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    intent: str,
    entities: list[dict[str, Any]],
    expected: dict[str, Any],
) -> None:
    tracker = answering_read_back("email", "jane.doe@example.com", intent, entities, SPOKEN)
    form = ValidateIncidentStatusForm(store)
    assert await form.extract_email(dispatcher, tracker, domain) == expected


async def test_a_confirmed_address_is_used_and_the_read_back_ends(
    servicenow_backend: ServiceNowIncidents,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    tracker = make_tracker(
        {"requested_slot": "email", "heard_email": "jane.doe@example.com"},
        intent="affirm",
        metadata=SPOKEN,
    )
    form = ValidateIncidentStatusForm(servicenow_backend)
    slots = await form.validate_email("jane.doe@example.com", dispatcher, tracker, domain)
    assert slots == {
        "email": "jane.doe@example.com",
        "heard_email": None,
        "previous_email": "jane.doe@example.com",
    }


def _asked_email(times: int, read_backs: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for ask in range(times):
        if ask < read_backs:
            events.append({"event": "slot", "name": "requested_slot", "value": "email"})
            events.append({"event": "slot", "name": "heard_email", "value": "x@example.com"})
        events.append({"event": "slot", "name": "requested_slot", "value": "email"})
    return events


@pytest.mark.parametrize(
    ("asked", "read_backs", "question"),
    [(1, 1, "utter_ask_email"), (2, 2, "utter_ask_email"), (3, 2, "utter_ask_email_spelled")],
)
async def test_after_two_misses_the_caller_is_asked_to_spell(
    store: EmbeddedIncidentStore,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    asked: int,
    read_backs: int,
    question: str,
) -> None:
    tracker = make_tracker(events=_asked_email(asked, read_backs))
    await ActionAskEmail(store).run(dispatcher, tracker, domain)
    assert responses(dispatcher)[0] == question


async def test_no_to_a_suggestion_is_remembered_and_it_is_not_offered_again(
    servicenow_backend: ServiceNowIncidents,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
) -> None:
    form = ValidateIncidentStatusForm(servicenow_backend)
    offered = make_tracker({"heard_email": "jane.doe@example.com"}, intent="deny")
    declined = await form.validate_email(None, dispatcher, offered, domain)
    assert declined["declined_email"] == "jane.doe@example.com"
    again = make_tracker({"requested_slot": "email", **declined}, metadata=SPOKEN)
    slots = await form.validate_email("jane.do@example.com", dispatcher, again, domain)
    assert "declined_email" not in slots and slots["email"] is None
    assert responses(dispatcher) == ["utter_no_email_yet"]


async def test_with_one_configured_domain_a_name_is_enough(
    store: EmbeddedIncidentStore,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EMAIL_DOMAINS", "example.com")
    await ActionAskEmail(store).run(dispatcher, make_tracker(), domain)
    assert responses(dispatcher) == ["utter_ask_email_at_domain"]
    assert dispatcher.messages[0]["email_domain_said"] == "example dot com"


async def test_a_name_alone_is_completed_with_the_configured_domain(
    store: EmbeddedIncidentStore,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EMAIL_DOMAINS", "example.com")
    tracker = make_tracker({"requested_slot": "email"}, text="jane dot doe", metadata=SPOKEN)
    form = ValidateOpenIncidentForm(store)
    assert await form.extract_email(dispatcher, tracker, domain) == {
        "email": "jane.doe@example.com"
    }


async def test_the_answer_to_a_part_makes_the_address_with_the_confirmed_part(
    store: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    repair = {"step": "ask_domain", "name": "jane.doe", "heard": "jane.doe@acne.com"}
    tracker = make_tracker(
        {"requested_slot": "email", "email_repair": repair}, text="acme dot com", metadata=SPOKEN
    )
    form = ValidateOpenIncidentForm(store)
    assert await form.extract_email(dispatcher, tracker, domain) == {"email": "jane.doe@acme.com"}


async def test_the_part_asked_about_is_read_out_as_words(
    store: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    repair = {"step": "check_name", "offer": "jane.do", "heard": "jane.do@acne.com"}
    await ActionAskEmail(store).run(dispatcher, make_tracker({"email_repair": repair}), domain)
    assert responses(dispatcher) == ["utter_ask_email_name_right"]
    assert dispatcher.messages[0]["email_name_said"] == "jane dot do"


async def test_a_known_close_domain_is_offered_once_the_name_is_confirmed(
    store: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    store.find_caller_by_email("wile.coyote@acme.com")
    repair = {"step": "check_name", "offer": "jane.do", "heard": "jane.do@acne.com"}
    tracker = make_tracker({"requested_slot": "email", "email_repair": repair}, intent="affirm")
    form = ValidateOpenIncidentForm(store)
    slots = await form.validate_email(None, dispatcher, tracker, domain)
    assert slots["email_repair"]["step"] == "check_domain"
    assert (
        slots["email_repair"]["offer"] == "acme.com" and slots["email_repair"]["name"] == "jane.do"
    )


async def test_a_spelled_name_is_no_address_when_only_the_name_was_asked(
    store: EmbeddedIncidentStore, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    """Whisper writes "s a m" as "S. A. M.", which the NLU reads as "s at m"."""
    repair = {"step": "ask_name", "domain": "fabrikam.com", "heard": "m.ng@fabrikam.com"}
    entity = {"entity": "email", "value": "s@m.ng", "start": 0, "end": 17}
    tracker = make_tracker(
        {"requested_slot": "email", "email_repair": repair},
        text="S. A. M. dot N. G.",
        entities=[entity],
        metadata=SPOKEN,
    )
    form = ValidateOpenIncidentForm(store)
    assert await form.extract_email(dispatcher, tracker, domain) == {"email": "sam.ng@fabrikam.com"}
