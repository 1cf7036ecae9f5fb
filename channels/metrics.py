"""How the line is doing, in Prometheus' exposition format.

Served on `METRICS_PORT` of the Rasa server (127.0.0.1 unless `METRICS_ADDRESS` says
otherwise), apart from the webhook port that Twilio reaches, so that the public port
opens nothing but what Twilio needs. A call's outcome is read from its conversation
when Twilio reports the call ended.
"""

from __future__ import annotations

import logging

from prometheus_client import Counter, Histogram
from rasa.shared.core.events import BotUttered, Restarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

CALLS_STARTED = Counter("helpdesk_calls_started_total", "Calls the assistant greeted")
CALLS_ENDED = Counter("helpdesk_calls_ended_total", "Calls that ended, by outcome", ["outcome"])
TURNS = Counter("helpdesk_turns_total", "Webhooks answered, by route", ["route"])
TURN_SECONDS = Histogram(
    "helpdesk_turn_seconds",
    "Time to answer a webhook, by route",
    ["route"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15),
)
APOLOGIES = Counter(
    "helpdesk_apologies_total", "Turns answered with an apology, by reason", ["reason"]
)
NOT_UNDERSTOOD = Counter("helpdesk_not_understood_total", "Caller turns not understood")
FORM_DROPOUTS = Counter(
    "helpdesk_form_dropouts_total", "Calls that ended during a form, by question", ["question"]
)
# The responses that mark what a call achieved, most decisive first.
OUTCOME_RESPONSES = (
    ("transferred", {"utter_transfer"}),
    ("incident_opened", {"utter_incident_opened", "utter_incident_recorded"}),
    (
        "status_given",
        {"utter_incident_status", "utter_no_incidents", "utter_incident_count_unverified"},
    ),
)
# "Sorry, I didn't catch that", however the dialogue came to say it.
NOT_UNDERSTOOD_RESPONSE = "utter_default"
# Twilio's CallStatus for calls that never became a conversation.
UNANSWERED = {"busy", "failed", "no-answer", "canceled"}


def call_outcome(tracker: DialogueStateTracker, call_status: str) -> str:
    """What the call achieved: transferred, incident_opened, status_given, abandoned
    (hung up while a form asked something), failed, or other."""
    if call_status in UNANSWERED:
        return "failed"
    said = {
        (event.metadata or {}).get("utter_action")
        for event in tracker.events
        if isinstance(event, BotUttered)
    }
    for outcome, responses in OUTCOME_RESPONSES:
        if said & responses:
            return outcome
    return "abandoned" if tracker.active_loop_name else "other"


def record_call_end(tracker: DialogueStateTracker, call_status: str, duration: str = "") -> None:
    """Counts a call's outcome, its not-understood turns and where a caller dropped out,
    and logs one summary line of the call.

    A status callback Twilio delivers again finds the conversation already closed and
    counts nothing.
    """
    if tracker.events and isinstance(tracker.events[-1], Restarted):
        return
    outcome = call_outcome(tracker, call_status)
    CALLS_ENDED.labels(outcome).inc()
    not_understood = sum(
        isinstance(event, BotUttered)
        and (event.metadata or {}).get("utter_action") == NOT_UNDERSTOOD_RESPONSE
        for event in tracker.events
    )
    NOT_UNDERSTOOD.inc(not_understood)
    question = tracker.get_slot("requested_slot") if outcome == "abandoned" else None
    if question:
        FORM_DROPOUTS.labels(str(question)).inc()
    summary = {
        "outcome": outcome,
        "caller_turns": sum(isinstance(event, UserUttered) for event in tracker.events),
        "not_understood": not_understood,
        "dropped_out_at": question,
        "duration_seconds": int(duration) if duration.isdigit() else None,
    }
    logger.info(
        "call %s ended: %s",
        tracker.sender_id,
        ", ".join(f"{k} {v}" for k, v in summary.items()),
        extra={"call_summary": summary},
    )


RELAY_SESSIONS = Counter(
    "helpdesk_relay_sessions_total", "ConversationRelay sessions, by how they ended", ["ending"]
)
RELAY_INTERRUPTIONS = Counter(
    "helpdesk_relay_interruptions_total", "Times a caller talked over the assistant"
)
RELAY_BAD_MESSAGES = Counter(
    "helpdesk_relay_bad_messages_total", "Socket frames that were not Twilio's messages"
)
RELAY_TWILIO_ERRORS = Counter(
    "helpdesk_relay_twilio_errors_total", "Error messages and failed sessions reported by Twilio"
)
RELAY_SILENCE_ESTIMATED = Counter(
    "helpdesk_relay_silence_estimated_total",
    "Silences timed from the text's length because no speaker event said it was heard",
)
RELAY_FIRST_TOKEN_SECONDS = Histogram(
    "helpdesk_relay_first_token_seconds",
    "From the caller's final prompt to the first text sent back",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8),
)
RELAY_LAST_TOKEN_SECONDS = Histogram(
    "helpdesk_relay_last_token_seconds",
    "From the caller's final prompt to the last text of the turn",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8),
)
