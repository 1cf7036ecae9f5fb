"""When people at the help desk take calls: `HANDOFF_HOURS` and `HANDOFF_HOLIDAYS`.

`HANDOFF_HOURS=Mon-Fri 08:00-18:00 Europe/Berlin` (days as a range or a list such as
`Mon,Wed,Fri`, a time zone from the tz database); `HANDOFF_HOLIDAYS=2026-12-24,2026-12-25`.
Without hours, a person can be reached whenever a transfer number is set. Out of
hours, a caller hears when the desk opens again instead of a transfer that rings out.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from helpdesk import environment as env
from helpdesk import variables as names

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SPOKEN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_HOURS = re.compile(
    r"^\s*(?P<days>[A-Za-z,\-]+)\s+(?P<opens>\d{1,2}:\d{2})-(?P<closes>\d{1,2}:\d{2})"
    r"\s+(?P<zone>\S+)\s*$"
)
# A desk closed this long has no opening worth announcing.
SEARCH_DAYS = 31


class InvalidDeskHours(ValueError):
    """HANDOFF_HOURS or HANDOFF_HOLIDAYS cannot be read."""


@dataclass(frozen=True)
class DeskHours:
    """The weekly opening hours in the desk's time zone, and its holidays."""

    days: frozenset[int]
    opens: time
    closes: time
    zone: ZoneInfo
    holidays: frozenset[date] = frozenset()

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> DeskHours | None:
        """The hours, or None when HANDOFF_HOURS is not set (always open)."""
        hours = env.text(names.HANDOFF_HOURS, environ=environ)
        holidays = env.text(names.HANDOFF_HOLIDAYS, environ=environ)
        return cls.parse(hours, holidays) if hours else None

    @classmethod
    def parse(cls, hours: str, holidays: str = "") -> DeskHours:
        found = _HOURS.match(hours)
        if not found:
            raise InvalidDeskHours(
                f"HANDOFF_HOURS must look like 'Mon-Fri 08:00-18:00 Europe/Berlin' (got {hours!r})"
            )
        try:
            zone = ZoneInfo(found.group("zone"))
            opens, closes = (
                time.fromisoformat(found.group(t).zfill(5)) for t in ("opens", "closes")
            )
            closed = frozenset(
                date.fromisoformat(d.strip()) for d in holidays.split(",") if d.strip()
            )
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise InvalidDeskHours(f"HANDOFF_HOURS or HANDOFF_HOLIDAYS: {error}") from error
        if opens >= closes:
            raise InvalidDeskHours(f"HANDOFF_HOURS closes before it opens: {hours!r}")
        return cls(_days(found.group("days")), opens, closes, zone, closed)

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        return self._open_on(local.date()) and self.opens <= local.time() < self.closes

    def next_opening(self, moment: datetime) -> datetime | None:
        """When the desk opens next, in its own time zone; None if not within a month."""
        local = moment.astimezone(self.zone)
        for offset in range(SEARCH_DAYS + 1):
            day = local.date() + timedelta(days=offset)
            opening = datetime.combine(day, self.opens, self.zone)
            if self._open_on(day) and opening > local:
                return opening
        return None

    def _open_on(self, day: date) -> bool:
        return day.weekday() in self.days and day not in self.holidays


def spoken_opening(opening: datetime, moment: datetime) -> str:
    """ "later today at 8 AM", "tomorrow at 8:30 AM", "on Monday at 8 AM", "on March 2 at 8 AM"."""
    today = moment.astimezone(opening.tzinfo).date()
    hour = opening.strftime("%I").lstrip("0")
    minutes = f":{opening.minute:02d}" if opening.minute else ""
    at = f"at {hour}{minutes} {'AM' if opening.hour < 12 else 'PM'}"
    days = (opening.date() - today).days
    if days == 0:
        return f"later today {at}"
    if days == 1:
        return f"tomorrow {at}"
    if days < 7:
        return f"on {SPOKEN_DAYS[opening.weekday()]} {at}"
    return f"on {opening.strftime('%B')} {opening.day} {at}"


def _days(spec: str) -> frozenset[int]:
    chosen: set[int] = set()
    for part in spec.lower().split(","):
        first, _, last = part.partition("-")
        if first[:3] not in DAYS or (last and last[:3] not in DAYS):
            raise InvalidDeskHours(f"HANDOFF_HOURS: unknown day in {spec!r}")
        start, end = DAYS.index(first[:3]), DAYS.index((last or first)[:3])
        chosen.update(day % 7 for day in range(start, end + (7 if end < start else 0) + 1))
    return frozenset(chosen)
