"""Action server answers are validated as Rasa validates them, only faster."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from helpdesk.rasa_server import action_answer_validation

ACTION = RemoteAction("action_open_incident", EndpointConfig("http://127.0.0.1:1/webhook"))
VALID = {
    "events": [{"event": "slot", "name": "email", "value": None}],
    "responses": [{"response": "utter_incident_opened", "incident_number": "INC0010001"}],
}
INVALID = [
    {"events": "not a list", "responses": []},
    {"events": [{"name": "email"}], "responses": []},
    {"events": [{"event": "slot", "name": "email"}], "responses": [{"text": 3}]},
]


def test_a_valid_answer_passes() -> None:
    assert ACTION._validate_action_result(VALID) is True
    assert action_answer_validation.original_validation(ACTION, VALID) is True


@pytest.mark.parametrize("answer", INVALID)
def test_an_invalid_answer_is_rejected_exactly_as_rasa_rejects_it(answer: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as ours:
        ACTION._validate_action_result(answer)
    with pytest.raises(ValidationError) as rasas:
        action_answer_validation.original_validation(ACTION, answer)
    assert ours.value.message == rasas.value.message
    assert list(ours.value.path) == list(rasas.value.path)
