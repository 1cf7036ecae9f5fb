"""The one reader of the servers' environment variables: strict, and clear when wrong.

Every variable is read here by its name in `helpdesk.variables`. A value that cannot
be what the variable means is refused with a message naming the variable and what it
takes: `TWILIO_VALIDATE_SIGNATURE=ture` stops the server at start instead of turning
signature checks off. An unset or empty variable gives the default.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TypeVar
from urllib.parse import urlparse

from helpdesk import variables

Number = TypeVar("Number", int, float)
# example.env's action server token: known to everyone, so refused in production.
DEVELOPMENT_ACTION_TOKEN = "local-development-action-token"
TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


class InvalidSetting(ValueError):
    """An environment variable holds a value it cannot mean."""


def text(name: str, default: str = "", environ: Mapping[str, str] = os.environ) -> str:
    """The value without surrounding spaces; `default` when unset or empty."""
    return environ.get(name, "").strip() or default


def flag(name: str, default: bool, environ: Mapping[str, str] = os.environ) -> bool:
    """true/false, yes/no, on/off or 1/0, in any case; anything else is refused."""
    value = text(name, environ=environ).lower()
    if not value:
        return default
    if value in TRUE | FALSE:
        return value in TRUE
    raise InvalidSetting(f"{name}={environ[name]!r}: say true or false (or yes/no, on/off, 1/0)")


def integer(
    name: str, default: int, minimum: int | None = None, environ: Mapping[str, str] = os.environ
) -> int:
    """A whole number, at least `minimum` when given."""
    return _converted(name, default, int, "a whole number", minimum, environ)


def number(
    name: str,
    default: float,
    minimum: float | None = None,
    environ: Mapping[str, str] = os.environ,
) -> float:
    """A number (seconds, days, a share), at least `minimum` when given."""
    return _converted(name, default, float, "a number", minimum, environ)


def positive(name: str, default: float, environ: Mapping[str, str] = os.environ) -> float:
    """A number above zero (a timeout, a period)."""
    value = number(name, default, environ=environ)
    if value <= 0:
        raise InvalidSetting(f"{name}={value:g}: must be above 0")
    return value


def url(
    name: str,
    default: str = "",
    schemes: tuple[str, ...] = ("http", "https"),
    environ: Mapping[str, str] = os.environ,
) -> str:
    """A URL of one of `schemes` with a host, without a trailing slash; '' when unset."""
    value = text(name, default, environ).rstrip("/")
    if value:
        parsed = urlparse(value)
        if parsed.scheme not in schemes or not parsed.hostname:
            raise InvalidSetting(f"{name}={value!r}: a {' or '.join(schemes)} URL is needed")
    return value


def items(name: str, environ: Mapping[str, str] = os.environ) -> list[str]:
    """A comma-separated list, each item stripped, empty ones left out."""
    return [item.strip() for item in text(name, environ=environ).split(",") if item.strip()]


def in_production(environ: Mapping[str, str] = os.environ) -> bool:
    """TWILIO_ENVIRONMENT=production: the checks that keep a public server safe apply."""
    value = text(variables.TWILIO_ENVIRONMENT, "development", environ).lower()
    if value not in {"production", "development"}:
        raise InvalidSetting(
            f"{variables.TWILIO_ENVIRONMENT}={value!r}: say production or development"
        )
    return value == "production"


def _converted(
    name: str,
    default: Number,
    convert: Callable[[str], Number],
    what: str,
    minimum: Number | None,
    environ: Mapping[str, str],
) -> Number:
    value = text(name, environ=environ)
    try:
        parsed = convert(value) if value else default
    except ValueError:
        raise InvalidSetting(f"{name}={value!r}: {what} is needed") from None
    if minimum is not None and parsed < minimum:
        raise InvalidSetting(f"{name}={parsed:g}: must be at least {minimum:g}")
    return parsed
