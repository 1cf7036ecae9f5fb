"""The action server reads every setting at start: a value the actions could not run
with stops it there, with the variable's name, instead of failing a caller's turn."""

from __future__ import annotations

import pytest

from actions import server


@pytest.mark.parametrize(
    ("variable", "value", "complaint"),
    [
        ("TWILIO_SMS_CONFIRMATION", "ture", "TWILIO_SMS_CONFIRMATION='ture': say true or false"),
        ("OUTBOX_RETRY_SECONDS", "soon", "OUTBOX_RETRY_SECONDS='soon': a number is needed"),
        ("SPEECH_CONFIDENCE_THRESHOLD", "-1", "SPEECH_CONFIDENCE_THRESHOLD=-1: must be at least 0"),
        ("SERVICENOW_INSTANCE_URL", "acme.service-now.com", "SERVICENOW_INSTANCE_URL="),
        ("HANDOFF_HOURS", "weekdays", "HANDOFF_HOURS must look like"),
        ("TWILIO_ENVIRONMENT", "prod", "TWILIO_ENVIRONMENT='prod': say production or development"),
    ],
)
def test_a_setting_the_actions_cannot_run_with_stops_the_start(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, complaint: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SystemExit, match="The action server will not start") as stopped:
        server.main()
    assert complaint in str(stopped.value)
