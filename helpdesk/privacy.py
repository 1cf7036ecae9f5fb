"""Keeps callers' personal data out of logs."""

from __future__ import annotations

import logging
import re


def mask_email(email: str) -> str:
    """`abraham.lincoln@example.com` -> `a***@example.com`."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


# E.164 as Twilio sends numbers, and the North American way directories write them.
_PHONE = re.compile(r"\+\d{7,15}\b|\(\d{3}\)\s?\d{3}-\d{4}\b")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


def mask_phone(number: str) -> str:
    """`+15005550006` -> `+*********06`: enough to tell calls apart, not to call back."""
    digits = re.sub(r"\D", "", number)
    return f"{'+' if number.startswith('+') else ''}{'*' * max(len(digits) - 2, 0)}{digits[-2:]}"


def mask_personal_data(text: str) -> str:
    """A log message with phone numbers and email addresses masked."""
    text = _EMAIL.sub(lambda match: mask_email(match.group(0)), text)
    return _PHONE.sub(lambda match: mask_phone(match.group(0)), text)


class PersonalDataFilter(logging.Filter):
    """Masks phone numbers and addresses in every record at INFO and above."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.INFO:
            record.msg = mask_personal_data(record.getMessage())
            record.args = None
        return True


def mask_personal_data_in_logs() -> None:
    """Puts the filter on every handler of the root logger, once."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
            handler.addFilter(PersonalDataFilter())
