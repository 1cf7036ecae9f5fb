"""Kinds of IT problem, in ServiceNow's standard categories, and their teams."""

from __future__ import annotations

import pytest

from actions.categories import InvalidAssignmentGroups, assignment_groups, category_of, routing_of


@pytest.mark.parametrize(
    ("problem", "kind", "category", "subcategory"),
    [
        ("my vpn keeps dropping", "network", "network", "vpn"),
        ("the wifi in the lobby is down", "network", "network", "wireless"),
        ("the printer on the third floor is jammed", "printer", "hardware", ""),
        ("my desk phone has no dial tone", "phone", "hardware", ""),
        ("zoom won't install on my computer", "software", "software", ""),
        (
            "my computer is really slow since the last update",
            "software",
            "software",
            "operating system",
        ),
        ("my monitor keeps flickering", "hardware", "hardware", "monitor"),
        ("my laptop won't turn on", "hardware", "hardware", ""),
        ("i lost access to sharepoint", "account", "inquiry", "internal application"),
        ("outlook on my laptop keeps crashing", "email", "software", "email"),
        ("i clicked on a link in a phishing email", "security", "inquiry", "antivirus"),
    ],
)
def test_a_problem_is_given_its_kind(
    problem: str, kind: str, category: str, subcategory: str
) -> None:
    found = category_of(problem)
    assert found is not None
    assert (found.name, found.category, found.subcategory) == (kind, category, subcategory)


@pytest.mark.parametrize("vague", ["i have an issue", "my stuff isn't working", "book a flight"])
def test_words_that_name_nothing_have_no_kind(vague: str) -> None:
    assert category_of(vague) is None


def test_a_kind_routes_to_its_team() -> None:
    environ = {"SERVICENOW_ASSIGNMENT_GROUPS": "network=Network Team, hardware=Desktop Support"}
    assert routing_of("the vpn is down", environ) == {
        "category": "network",
        "subcategory": "vpn",
        "assignment_group": "Network Team",
    }
    assert routing_of("outlook crashes", environ)["assignment_group"] == ""
    assert routing_of("i have an issue", environ) == {}


def test_an_unknown_kind_in_the_groups_stops_the_server() -> None:
    assert assignment_groups({}) == {}
    with pytest.raises(InvalidAssignmentGroups, match="SERVICENOW_ASSIGNMENT_GROUPS"):
        assignment_groups({"SERVICENOW_ASSIGNMENT_GROUPS": "printers=Print Team"})
