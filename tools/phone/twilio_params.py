"""The form fields Twilio sends with each kind of voice request, blanks included.

From Twilio's documentation of the voice webhook, <Gather> action, <Dial> action,
status callback and Fallback URL requests. Twilio sends the geographic fields on
every request and leaves them blank when it does not know them: a mobile caller has
no city or zip, a toll-free number has no place at all. It signs the blanks too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime

ACCOUNT_SID = "AC" + "0" * 32
API_VERSION = "2010-04-01"


def new_call_sid() -> str:
    return f"CA{uuid.uuid4().hex}"


@dataclass(frozen=True)
class Place:
    """What Twilio knows of where a number is; blank where it knows nothing."""

    city: str = ""
    state: str = ""
    zip: str = ""
    country: str = "US"


# A mobile caller: country only. A toll-free line: country only.
MOBILE = Place()
TOLL_FREE = Place()
SAN_FRANCISCO = Place("SAN FRANCISCO", "CA", "94105", "US")


@dataclass
class CallLine:
    """One inbound call's fields, as Twilio repeats them on every request of the call."""

    caller: str = "+15005550006"
    called: str = "+18005550001"
    caller_place: Place = MOBILE
    called_place: Place = TOLL_FREE
    call_sid: str = field(default_factory=new_call_sid)
    # SHAKEN/STIR attestation of the caller's number; blank when the carrier gave none.
    stir_verstat: str = ""
    _sequence: int = 0

    def common(self, status: str) -> dict[str, str]:
        """The fields of every voice request of this call."""
        fields = {
            "AccountSid": ACCOUNT_SID,
            "ApiVersion": API_VERSION,
            "CallSid": self.call_sid,
            "CallStatus": status,
            "Direction": "inbound",
            "ForwardedFrom": "",
            "CallerName": "",
            "From": self.caller,
            "Caller": self.caller,
            "To": self.called,
            "Called": self.called,
            **_place("From", self.caller_place),
            **_place("Caller", self.caller_place),
            **_place("To", self.called_place),
            **_place("Called", self.called_place),
        }
        if self.stir_verstat:
            fields["StirVerstat"] = self.stir_verstat
        return fields

    def incoming(self) -> dict[str, str]:
        """The number's voice webhook: the call is ringing."""
        return self.common("ringing")

    def redirected(self) -> dict[str, str]:
        """A <Redirect> after a <Gather> that heard nothing."""
        return self.common("in-progress")

    def speech(self, transcript: str, confidence: float = 0.92) -> dict[str, str]:
        """A <Gather> action after the caller spoke."""
        return {
            **self.common("in-progress"),
            "SpeechResult": transcript,
            "Confidence": f"{confidence:.8f}",
            "Language": "en-US",
            "msg": "Gather End",
        }

    def keys(self, digits: str) -> dict[str, str]:
        """A <Gather> action after the caller pressed keys."""
        return {
            **self.common("in-progress"),
            "Digits": digits,
            "FinishedOnKey": "",
            "msg": "Gather End",
        }

    def recorded(self, seconds: int, ended_by: str = "#") -> dict[str, str]:
        """A <Record> action: the caller's message, ended by a key or by `hangup`."""
        recording_sid = "RE" + uuid.uuid4().hex
        return {
            **self.common("in-progress" if ended_by != "hangup" else "completed"),
            "RecordingUrl": f"https://api.twilio.com/{API_VERSION}/Accounts/{ACCOUNT_SID}"
            f"/Recordings/{recording_sid}",
            "RecordingSid": recording_sid,
            "RecordingDuration": str(seconds),
            "Digits": ended_by,
        }

    def whisper(self, agent: str) -> dict[str, str]:
        """A <Number url> request: the person dialled answered, on a call of its own."""
        return {
            "AccountSid": ACCOUNT_SID,
            "ApiVersion": API_VERSION,
            "CallSid": new_call_sid(),
            "ParentCallSid": self.call_sid,
            "CallStatus": "in-progress",
            "Direction": "outbound-dial",
            "From": self.called,
            "To": agent,
            "Caller": self.called,
            "Called": agent,
        }

    def dial_ended(self, outcome: str, seconds: int = 0) -> dict[str, str]:
        """A <Dial> action: how the transfer ended (`completed`, `busy`, `no-answer` ...)."""
        answered = outcome in {"completed", "answered"}
        return {
            **self.common("in-progress"),
            "DialCallStatus": outcome,
            "DialCallSid": new_call_sid(),
            "DialCallDuration": str(seconds) if answered else "0",
            "DialBridged": "true" if answered else "false",
        }

    def status_callback(self, status: str, duration: int = 0) -> dict[str, str]:
        """The number's status callback; its sequence numbers count up per call."""
        fields = {
            **self.common(status),
            "CallDuration": str(duration),
            "Duration": str((duration + 59) // 60),
            "Timestamp": format_datetime(datetime.now(timezone.utc)),
            "SequenceNumber": str(self._sequence),
            "CallbackSource": "call-progress-events",
            "SipResponseCode": "200" if status == "completed" else "487",
        }
        self._sequence += 1
        return fields

    def relay_setup(self, session_id: str, parameters: dict[str, str]) -> dict[str, object]:
        """ConversationRelay's first socket message: the call, and the <Parameter>s."""
        return {
            "type": "setup",
            "sessionId": session_id,
            "accountSid": ACCOUNT_SID,
            "parentCallSid": "",
            "callSid": self.call_sid,
            "from": self.caller,
            "to": self.called,
            "forwardedFrom": "",
            "callerName": "",
            "direction": "inbound",
            "callType": "PSTN",
            "callStatus": "RINGING",
            "customParameters": parameters,
        }

    def relay_ended(
        self, session_id: str, status: str, handoff: str = "", error: str = ""
    ) -> dict[str, str]:
        """The <Connect action> request after a ConversationRelay session."""
        fields = {
            **self.common("in-progress"),
            "ApplicationSid": "",
            "SessionId": session_id,
            "SessionStatus": status,
            "SessionDuration": "42",
        }
        if handoff:
            fields["HandoffData"] = handoff
        if error:
            fields["ErrorCode"], fields["ErrorMessage"] = error, "WebSocket connection closed"
        return fields

    def fallback(self, failed: dict[str, str], error_url: str, code: str) -> dict[str, str]:
        """The Fallback URL request: the failed request's fields and what went wrong."""
        return {**failed, "ErrorCode": code, "ErrorUrl": error_url}


def _place(prefix: str, place: Place) -> dict[str, str]:
    return {
        f"{prefix}City": place.city,
        f"{prefix}State": place.state,
        f"{prefix}Zip": place.zip,
        f"{prefix}Country": place.country,
    }
