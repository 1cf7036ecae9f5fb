"""Incident backends: one small interface in front of ServiceNow or the embedded store."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

PRIORITIES = ("low", "medium", "high")
# The most incidents a listing returns, newest first: enough for "the three most
# recent, and N more", without reading a long history on every status check.
LIST_LIMIT = 50


class IncidentState(enum.IntEnum):
    """ServiceNow's incident state codes, shared by every backend."""

    NEW = 1
    IN_PROGRESS = 2
    ON_HOLD = 3
    RESOLVED = 6
    CLOSED = 7
    CANCELED = 8

    @property
    def spoken(self) -> str:
        """How the state is said to a caller."""
        return _SPOKEN_STATES[self]


_SPOKEN_STATES = {
    IncidentState.NEW: "awaiting triage",
    IncidentState.IN_PROGRESS: "in progress",
    IncidentState.ON_HOLD: "on hold",
    IncidentState.RESOLVED: "resolved",
    IncidentState.CLOSED: "closed",
    IncidentState.CANCELED: "canceled",
}


@dataclass(frozen=True)
class Caller:
    """A person in the incident system's user directory."""

    sys_id: str
    email: str
    name: str = ""
    phone: str = ""
    mobile_phone: str = ""


@dataclass(frozen=True)
class Incident:
    """An incident as the actions speak about it."""

    number: str
    title: str
    description: str
    priority: str
    state: IncidentState
    opened_at: datetime
    # Recorded locally while the incident system was unreachable; not filed yet.
    pending: bool = False


@dataclass(frozen=True)
class Reported:
    """How an incident came in and where it goes: the phone call it was reported on, the
    caller's voice message in Twilio, the major incident it is part of (ServiceNow
    `sys_id`), and ServiceNow's `category`, `subcategory` and `assignment_group`."""

    call_sid: str = ""
    recording_url: str = ""
    parent_sys_id: str = ""
    category: str = ""
    subcategory: str = ""
    assignment_group: str = ""

    @property
    def contact_type(self) -> str:
        """ServiceNow's `contact_type`: by phone, or typed (self-service)."""
        return "phone" if self.call_sid else "self-service"

    @property
    def work_notes(self) -> str:
        """The notes for the desk on an incident reported by phone; empty for one typed."""
        notes = []
        if self.call_sid:
            notes.append(f"Reported by phone to the voice assistant, Twilio call {self.call_sid}.")
        if self.recording_url:
            notes.append(f"Voice message left by the caller: {self.recording_url}")
        return "\n".join(notes)


# Typed in a text channel: no call, no message, no outage.
TYPED = Reported()


@dataclass(frozen=True)
class MajorIncident:
    """An outage the desk already works on; callers' incidents may join it as children."""

    sys_id: str
    number: str
    title: str


class IncidentServiceError(Exception):
    """The backend could not answer; the message is for the log, never for the caller."""


class IncidentRejected(IncidentServiceError):
    """The incident system refused this record itself (HTTP 400 or 422): sending the
    same record again would be refused again."""


class IncidentBackend(Protocol):
    """What the actions need from an incident system."""

    # Whether an address the directory lacks becomes a new caller (the embedded store)
    # rather than an unknown one (ServiceNow).
    registers_new_callers: bool

    def addresses_like(self, email: str) -> list[str]:
        """Directory addresses sharing this one's domain or the start of its local part.

        The candidates for "Did you mean ...?" when a misheard address is not found.
        """

    def known_domains(self) -> list[str]:
        """The domains of the directory's addresses, most used first.

        A helpdesk serves an organisation: a heard domain close to one of these is
        offered, and an address heard without its "at" is recovered.
        """

    def find_caller_by_email(self, email: str) -> Caller | None:
        """The caller with this email address, or None when the directory lacks it."""

    def find_caller_by_phone(self, phone: str) -> Caller | None:
        """The caller whose directory entry has this phone number, if any."""

    def bind_phone(self, caller: Caller, phone: str) -> Caller:
        """Gives a directory entry without a number this (attested) calling number.

        The embedded store binds the number of the first verified call that used an
        address; a real directory keeps its own numbers and changes nothing.
        """

    def create_incident(
        self,
        caller: Caller,
        title: str,
        description: str,
        priority: str,
        reported: Reported = TYPED,
    ) -> Incident:
        """Opens an incident for the caller and returns it with its number; `reported`
        goes into its work notes and links it to its major incident."""

    def major_incidents(self) -> list[MajorIncident]:
        """The open major incidents, newest first."""

    def list_incidents(self, caller: Caller, include_closed: bool = False) -> list[Incident]:
        """The caller's incidents, newest first, at most LIST_LIMIT: open ones, or all."""
