"""Which outage a caller's problem sounds like, and how often the backend is asked."""

from __future__ import annotations

import pytest

from actions.incidents import IncidentServiceError, MajorIncident
from actions.outages import KnownOutages, matching_outage, spoken_outages

EMAIL = MajorIncident("1", "INC0010001", "Email is down for everyone")
VPN = MajorIncident("2", "INC0010002", "VPN connections drop")


@pytest.mark.parametrize(
    ("problem", "outage"),
    [
        ("Problem with email Outlook won't open", EMAIL),
        ("my emails are not arriving", EMAIL),
        ("The VPN keeps dropping", VPN),
        ("Problem resetting password I can't log in", None),
        ("it is not working for everyone today", None),
    ],
)
def test_a_problem_matches_the_outage_it_names(problem: str, outage: MajorIncident | None) -> None:
    assert matching_outage(problem, [VPN, EMAIL]) == outage


def test_the_greeting_names_the_newest_outage_and_counts_the_others() -> None:
    assert spoken_outages([EMAIL]) == "Email is down for everyone"
    assert spoken_outages([EMAIL, VPN]) == "Email is down for everyone, and 1 other problem"
    assert spoken_outages([]) == ""


class Backend:
    """Answers the major-incident query from a script: a list, or an error."""

    def __init__(self, *answers: list[MajorIncident] | Exception) -> None:
        self.answers = list(answers)
        self.asked = 0

    def major_incidents(self) -> list[MajorIncident]:
        self.asked += 1
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_the_backend_is_asked_once_per_refresh_and_its_last_answer_kept_while_it_fails() -> None:
    now = [0.0]
    backend = Backend([EMAIL], IncidentServiceError("down"), [])
    known = KnownOutages(backend, refresh_seconds=30, clock=lambda: now[0])  # type: ignore[arg-type]

    assert known.cached() is None
    assert known.current() == [EMAIL]
    now[0] = 29.0
    assert known.cached() == [EMAIL]
    assert known.current() == [EMAIL] and backend.asked == 1
    now[0] = 30.0
    assert known.cached() is None
    now[0] = 30.0
    assert known.current() == [EMAIL] and backend.asked == 2  # failed: last known kept
    now[0] = 60.0
    assert known.current() == [] and backend.asked == 3
