"""The ServiceNow backend over real HTTP against the ServiceNow test server."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from actions.incidents import IncidentServiceError, IncidentState, Reported
from actions.incidents.servicenow import ServiceNowIncidents
from actions.incidents.servicenow_config import ServiceNowConfig
from tests.conftest import servicenow_config
from tools.fakes.servicenow_server import TOKEN, ServiceNowTestServer

RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000000/Recordings/REaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"


def test_finds_a_directory_user_by_email_in_any_case(
    servicenow_backend: ServiceNowIncidents,
) -> None:
    caller = servicenow_backend.find_caller_by_email("Abraham.Lincoln@Example.com")
    assert caller is not None
    assert (caller.email, caller.name) == ("abraham.lincoln@example.com", "Abraham Lincoln")
    assert servicenow_backend.find_caller_by_email("idontexist@example.com") is None


@pytest.mark.parametrize(
    "address",
    [
        "x@example.com^ORemail=jane.doe@example.com",
        "x@example.com^NQemail=jane.doe@example.com",
        "jane.doe@example.com&sysparm_query=",
    ],
)
def test_an_address_cannot_change_the_query(
    servicenow_backend: ServiceNowIncidents, address: str
) -> None:
    assert servicenow_backend.find_caller_by_email(address) is None


def test_addresses_with_query_characters_are_found_literally(
    servicenow: ServiceNowTestServer, servicenow_backend: ServiceNowIncidents
) -> None:
    servicenow.tables.insert("sys_user", {"email": "it+desk^1&co@example.com", "name": "Desk"})
    caller = servicenow_backend.find_caller_by_email("it+desk^1&co@example.com")
    assert caller is not None and caller.name == "Desk"


def test_finds_a_caller_by_phone_or_mobile(
    servicenow: ServiceNowTestServer, servicenow_backend: ServiceNowIncidents
) -> None:
    servicenow.tables.insert(
        "sys_user", {"email": "mobile@example.com", "phone": "", "mobile_phone": "+15005550123"}
    )
    lincoln = servicenow_backend.find_caller_by_phone("+15005550011")
    mobile = servicenow_backend.find_caller_by_phone("+15005550123")
    assert lincoln is not None and lincoln.email == "abraham.lincoln@example.com"
    assert mobile is not None and mobile.email == "mobile@example.com"
    assert servicenow_backend.find_caller_by_phone("+19999999999") is None


def test_creates_an_incident_with_urgency_and_impact(
    servicenow: ServiceNowTestServer, servicenow_backend: ServiceNowIncidents
) -> None:
    caller = servicenow_backend.find_caller_by_email("jane.doe@example.com")
    assert caller is not None
    incident = servicenow_backend.create_incident(
        caller, "Problem with email", "outlook crashes", "high", correlation_id="abc"
    )
    assert incident.number == "INC0010003"
    assert (incident.priority, incident.state) == ("high", IncidentState.NEW)
    [stored] = servicenow.tables.query("incident", "number=INC0010003")
    assert (stored["caller_id"], stored["urgency"], stored["impact"]) == (caller.sys_id, "1", "2")
    assert stored["correlation_id"] == "abc"
    assert servicenow_backend.find_incident_by_correlation("abc") == incident


def test_lists_a_callers_incidents_newest_first_with_states_and_dates(
    servicenow_backend: ServiceNowIncidents,
) -> None:
    caller = servicenow_backend.find_caller_by_email("abraham.lincoln@example.com")
    assert caller is not None
    servicenow_backend.create_incident(caller, "Problem resetting password", "loop", "low")
    newest, oldest = servicenow_backend.list_incidents(caller)
    assert (newest.title, newest.priority, newest.state.spoken) == (
        "Problem resetting password",
        "low",
        "awaiting triage",
    )
    assert (oldest.number, oldest.state.spoken) == ("INC0010001", "in progress")
    assert oldest.opened_at == datetime(2020, 5, 21, 9, 57, 6, tzinfo=timezone.utc)


def test_a_bearer_token_works_too(servicenow: ServiceNowTestServer) -> None:
    backend = ServiceNowIncidents(servicenow_config(servicenow, user="", password="", token=TOKEN))
    assert backend.find_caller_by_email("jane.doe@example.com") is not None


def test_wrong_credentials_are_a_clear_error(servicenow: ServiceNowTestServer) -> None:
    backend = ServiceNowIncidents(servicenow_config(servicenow, password="wrong"))
    with pytest.raises(
        IncidentServiceError, match=r"refused the credentials.*401.*Not Authenticated"
    ):
        backend.find_caller_by_email("jane.doe@example.com")


def test_a_wrong_instance_path_is_a_clear_error(servicenow: ServiceNowTestServer) -> None:
    backend = ServiceNowIncidents(servicenow_config(servicenow, instance_url=f"{servicenow.url}/x"))
    with pytest.raises(IncidentServiceError, match="404"):
        backend.find_caller_by_email("jane.doe@example.com")


@pytest.mark.parametrize("fault", ["rate_limited", "server_errors"])
def test_reads_are_retried_on_429_as_retry_after_says_and_on_5xx(
    servicenow: ServiceNowTestServer, servicenow_backend: ServiceNowIncidents, fault: str
) -> None:
    servicenow.faults.retry_after_seconds = 0
    setattr(servicenow.faults, fault, 2)
    assert servicenow_backend.find_caller_by_email("jane.doe@example.com") is not None
    assert servicenow.requests_seen == 3


def test_a_create_that_failed_on_the_server_is_not_retried_blindly(
    servicenow: ServiceNowTestServer, servicenow_backend: ServiceNowIncidents
) -> None:
    caller = servicenow_backend.find_caller_by_email("jane.doe@example.com")
    assert caller is not None
    servicenow.faults.server_errors = 1
    seen_before = servicenow.requests_seen
    with pytest.raises(IncidentServiceError, match="500"):
        servicenow_backend.create_incident(caller, "t", "d", "low")
    assert servicenow.requests_seen == seen_before + 1


def test_a_slow_instance_times_out(servicenow: ServiceNowTestServer) -> None:
    servicenow.faults.latency_seconds = 0.5
    backend = ServiceNowIncidents(servicenow_config(servicenow, read_timeout=0.1))
    with pytest.raises(IncidentServiceError, match="timed out"):
        backend.find_caller_by_email("jane.doe@example.com")


def test_configuration_comes_from_the_environment() -> None:
    assert ServiceNowConfig.from_environment({}) is None
    config = ServiceNowConfig.from_environment(
        {
            "SERVICENOW_INSTANCE_URL": "https://dev1.service-now.com/",
            "SERVICENOW_USER": "u",
            "SERVICENOW_PASSWORD": "p",
            "SERVICENOW_READ_TIMEOUT": "4",
        }
    )
    assert config is not None
    assert (config.instance_url, config.user, config.password) == (
        "https://dev1.service-now.com",
        "u",
        "p",
    )
    assert config.read_timeout == 4.0


def test_a_free_text_directory_number_matches_the_e164_number_twilio_sends(
    servicenow: ServiceNowTestServer, servicenow_backend: ServiceNowIncidents
) -> None:
    servicenow.tables.insert(
        "sys_user", {"email": "dot@example.com", "phone": "+1 (415) 555-0100", "mobile_phone": ""}
    )
    servicenow.tables.insert(
        "sys_user", {"email": "other@example.com", "phone": "(212) 555-0100", "mobile_phone": ""}
    )
    caller = servicenow_backend.find_caller_by_phone("+14155550100")
    assert caller is not None and caller.email == "dot@example.com"
    assert caller.phone == "+14155550100"
    lincoln = servicenow_backend.find_caller_by_email("abraham.lincoln@example.com")
    assert lincoln is not None and lincoln.phone == "+15005550011"  # stored "(500) 555-0011"
    assert servicenow_backend.find_caller_by_phone("not a number") is None


def test_the_status_lists_only_active_incidents(servicenow_backend: ServiceNowIncidents) -> None:
    lincoln = servicenow_backend.find_caller_by_email("abraham.lincoln@example.com")
    assert lincoln is not None
    titles = [incident.title for incident in servicenow_backend.list_incidents(lincoln)]
    assert titles == ["Email Log in problem"]  # not the closed "Monitor flickers"


CALL_SID = "CA" + "1" * 32


@pytest.mark.parametrize(
    ("call_sid", "recording", "contact_type", "notes"),
    [
        (
            CALL_SID,
            "",
            "phone",
            [f"Reported by phone to the voice assistant, Twilio call {CALL_SID}."],
        ),
        (
            CALL_SID,
            RECORDING,
            "phone",
            [
                f"Reported by phone to the voice assistant, Twilio call {CALL_SID}.",
                f"Voice message left by the caller: {RECORDING}",
            ],
        ),
        ("", "", "self-service", None),
    ],
    ids=["call", "voice message", "typed"],
)
def test_an_incident_says_how_it_was_reported(
    servicenow: ServiceNowTestServer,
    servicenow_backend: ServiceNowIncidents,
    call_sid: str,
    recording: str,
    contact_type: str,
    notes: list[str] | None,
) -> None:
    caller = servicenow_backend.find_caller_by_email("jane.doe@example.com")
    assert caller is not None
    reported = Reported(call_sid, recording)
    opened = servicenow_backend.create_incident(caller, "VPN", "drops", "low", reported)
    [stored] = servicenow.tables.query("incident", f"number={opened.number}")
    assert stored["contact_type"] == contact_type
    assert stored["work_notes"].splitlines() == notes if notes else "work_notes" not in stored


def test_a_caller_found_is_not_asked_for_again_within_a_minute(
    servicenow: ServiceNowTestServer, servicenow_backend: ServiceNowIncidents
) -> None:
    first = servicenow_backend.find_caller_by_email("jane.doe@example.com")
    by_phone = servicenow_backend.find_caller_by_phone("+15005550011")
    servicenow.faults.down = True  # any request now fails

    assert servicenow_backend.find_caller_by_email("JANE.DOE@example.com") == first
    assert servicenow_backend.find_caller_by_phone("+15005550011") == by_phone
    with pytest.raises(IncidentServiceError):
        servicenow_backend.find_caller_by_email("abraham.lincoln@example.com")


def test_an_incident_carries_its_category_and_team(
    servicenow: ServiceNowTestServer, servicenow_backend: ServiceNowIncidents
) -> None:
    caller = servicenow_backend.find_caller_by_email("jane.doe@example.com")
    assert caller is not None
    routed = Reported(category="network", subcategory="vpn", assignment_group="Network Team")
    opened = servicenow_backend.create_incident(caller, "VPN", "drops", "low", routed)
    [stored] = servicenow.tables.query("incident", f"number={opened.number}")
    assert (stored["category"], stored["subcategory"], stored["assignment_group"]) == (
        "network",
        "vpn",
        "Network Team",
    )
