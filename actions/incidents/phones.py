"""Phone numbers as E.164, however a directory wrote them.

Twilio sends `+14155550100`; a ServiceNow directory holds what people typed:
"(415) 555-0100", "415.555.0100", "+1 415 555 0100". Both sides are compared in E.164,
reading numbers without a country code as numbers of the directory's region.
"""

from __future__ import annotations

import re

import phonenumbers

DEFAULT_REGION = "US"
_DIGIT = re.compile(r"\d")


def e164(text: str, region: str = DEFAULT_REGION) -> str:
    """The number in E.164, or "" when the text is not a possible phone number."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def last_digits(number: str, count: int = 4) -> str:
    """The last digits of a number: what any way of writing it keeps together."""
    return "".join(_DIGIT.findall(number))[-count:]
