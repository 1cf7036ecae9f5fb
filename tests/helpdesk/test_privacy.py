"""Phone numbers and addresses are masked in logs: enough to tell calls apart, never
enough to call or write back."""

from __future__ import annotations

import logging

import pytest

from helpdesk.privacy import (
    PersonalDataFilter,
    mask_email,
    mask_personal_data,
    mask_personal_data_in_logs,
    mask_phone,
)


def test_an_address_keeps_its_first_letter_and_domain() -> None:
    assert mask_email("abraham.lincoln@example.com") == "a***@example.com"
    assert mask_email("not an address") == "***"


@pytest.mark.parametrize(
    ("number", "masked"),
    [("+15005550006", "+*********06"), ("(415) 555-0100", "********00"), ("06", "06")],
)
def test_a_number_keeps_its_last_two_digits(number: str, masked: str) -> None:
    assert mask_phone(number) == masked


def test_a_message_has_every_number_and_address_masked_and_nothing_else() -> None:
    said = "Call from +14155550100 for kim.o'neil@example.co.uk about (415) 555-0199, ticket 42"
    assert mask_personal_data(said) == (
        "Call from +*********00 for k***@example.co.uk about ********99, ticket 42"
    )


def test_the_filter_masks_from_info_up_and_leaves_debug_alone() -> None:
    record = logging.LogRecord("x", logging.INFO, "", 0, "caller %s", ("+15005550006",), None)
    assert PersonalDataFilter().filter(record) and record.getMessage() == "caller +*********06"
    debug = logging.LogRecord("x", logging.DEBUG, "", 0, "caller %s", ("+15005550006",), None)
    PersonalDataFilter().filter(debug)
    assert debug.getMessage() == "caller +15005550006"


def test_the_filter_goes_on_every_root_handler_once() -> None:
    handler = logging.StreamHandler()
    logging.getLogger().addHandler(handler)
    try:
        mask_personal_data_in_logs()
        mask_personal_data_in_logs()
        assert sum(isinstance(f, PersonalDataFilter) for f in handler.filters) == 1
    finally:
        logging.getLogger().removeHandler(handler)
