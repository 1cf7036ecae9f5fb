"""When people at the help desk take calls, and what a caller hears outside those hours."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.desk_hours import DeskHours, InvalidDeskHours, spoken_opening
from actions.handoff import ActionHumanHandoff, reachable_number
from tests.actions.conftest import make_tracker, responses

BERLIN = DeskHours.parse("Mon-Fri 08:00-18:00 Europe/Berlin", "2026-12-24, 2026-12-25")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}+00:00")


@pytest.mark.parametrize(
    ("moment", "open_", "opens"),
    [
        ("2026-11-25T10:00:00", True, "tomorrow at 8 AM"),  # Wednesday, 11:00 in Berlin
        ("2026-11-25T17:30:00", False, "tomorrow at 8 AM"),  # 18:30 in Berlin
        ("2026-11-26T05:00:00", False, "later today at 8 AM"),  # 06:00 in Berlin
        ("2026-11-28T10:00:00", False, "on Monday at 8 AM"),  # Saturday
        ("2026-12-23T18:00:00", False, "on Monday at 8 AM"),  # then two holidays
        ("2026-07-01T06:30:00", True, "tomorrow at 8 AM"),  # 08:30 summer time
    ],
)
def test_open_hours_follow_the_desks_time_zone_and_holidays(
    moment: str, open_: bool, opens: str
) -> None:
    now = utc(moment)
    assert BERLIN.is_open(now) is open_
    opening = BERLIN.next_opening(now)
    assert opening is not None and spoken_opening(opening, now) == opens


@pytest.mark.parametrize(
    ("hours", "days"),
    [("Mon,Wed,Fri 09:00-12:30 UTC", {0, 2, 4}), ("Fri-Mon 9:00-17:00 UTC", {4, 5, 6, 0})],
)
def test_days_are_lists_or_ranges_that_may_wrap(hours: str, days: set[int]) -> None:
    assert DeskHours.parse(hours).days == days


@pytest.mark.parametrize(
    "hours",
    [
        "weekdays 8-18",
        "Mon-Fri 18:00-08:00 UTC",
        "Mon-Fri 08:00-18:00 Mars/Olympus",
        "Xyz 08:00-09:00 UTC",
    ],
)
def test_unreadable_hours_are_refused(hours: str) -> None:
    with pytest.raises(InvalidDeskHours):
        DeskHours.parse(hours)


@pytest.fixture
def staffed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDOFF_PHONE_NUMBER", "+15005550199")
    monkeypatch.setenv("HANDOFF_HOURS", "Mon-Fri 08:00-18:00 Europe/Berlin")


async def test_out_of_hours_a_caller_hears_when_the_desk_opens_instead_of_a_transfer(
    staffed: None, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    saturday = utc("2026-11-28T10:00:00")
    await ActionHumanHandoff(clock=lambda: saturday).run(dispatcher, make_tracker(), domain)
    assert responses(dispatcher) == ["utter_desk_closed"]
    assert dispatcher.messages[0]["opens"] == "on Monday at 8 AM"
    assert reachable_number(saturday) == ""


async def test_in_hours_the_call_is_transferred(
    staffed: None, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    wednesday = utc("2026-11-25T10:00:00")
    await ActionHumanHandoff(clock=lambda: wednesday).run(dispatcher, make_tracker(), domain)
    assert responses(dispatcher) == ["utter_transfer", None]
    assert dispatcher.messages[1]["custom"] == {"transfer": "+15005550199"}
    assert reachable_number(wednesday) == "+15005550199"
