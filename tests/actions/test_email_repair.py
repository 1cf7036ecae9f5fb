"""A refused address repaired part by part: only the wrong part is asked again."""

from __future__ import annotations

from actions.email_repair import (
    ASK_DOMAIN,
    ASK_NAME,
    CHECK_DOMAIN,
    CHECK_NAME,
    UNCONFIRMED,
    Repair,
    read_back_values,
)
from tests.actions.conftest import make_tracker

HEARD = "jane.do@acne.com"


def test_a_refused_address_is_checked_name_first() -> None:
    assert Repair().refused(HEARD) == Repair(CHECK_NAME, offer="jane.do", heard=HEARD)


def test_a_right_name_keeps_it_and_offers_a_close_known_domain() -> None:
    checked = Repair().refused(HEARD).answered(yes=True, close_domain="acme.com")
    assert checked == Repair(CHECK_DOMAIN, name="jane.do", offer="acme.com", heard=HEARD)
    done = checked.answered(yes=True, close_domain=None)
    assert done.confirmed_address == "jane.do@acme.com" and done.step == ""


def test_a_right_name_without_a_close_domain_asks_for_the_domain() -> None:
    checked = Repair().refused(HEARD).answered(yes=True, close_domain=None)
    assert (checked.step, checked.name) == (ASK_DOMAIN, "jane.do")
    assert checked.with_part("acme.com") == "jane.do@acme.com"


def test_a_wrong_name_checks_the_domain_and_then_asks_for_the_name() -> None:
    checked = Repair().refused(HEARD).answered(yes=False, close_domain=None)
    assert (checked.step, checked.offer) == (CHECK_DOMAIN, "acne.com")
    spell = checked.answered(yes=True, close_domain=None)
    assert (spell.step, spell.domain) == (ASK_NAME, "acne.com")
    assert spell.with_part("jane.doe") == "jane.doe@acne.com"


def test_neither_part_right_asks_for_the_whole_again() -> None:
    neither = Repair().refused(HEARD).answered(False, None).answered(False, None)
    assert neither == Repair(heard=HEARD) and not neither.checking


def test_a_confirmed_part_stays_when_the_new_whole_is_refused() -> None:
    named = Repair(ASK_DOMAIN, name="jane.doe", heard=HEARD)
    assert named.refused("jane.doe@acne.org") == Repair(
        ASK_DOMAIN, name="jane.doe", heard="jane.doe@acne.org"
    )
    domained = Repair(ASK_NAME, domain="acme.com", heard=HEARD)
    assert domained.refused("jan.doe@acme.com").step == ASK_NAME


def test_the_state_round_trips_through_its_slot() -> None:
    state = Repair(CHECK_DOMAIN, name="jane", offer="acme.com", heard=HEARD)
    assert Repair.of(make_tracker({"email_repair": state.as_slot()})) == state
    assert Repair().as_slot() is None and Repair.of(make_tracker()) == Repair()


def test_the_read_back_names_the_calling_number_for_an_unconfirmed_address() -> None:
    assert read_back_values(make_tracker({"email": UNCONFIRMED})) == {
        "email": "the number you're calling from"
    }
    assert read_back_values(make_tracker({"email": "jane@example.com"})) == {}
