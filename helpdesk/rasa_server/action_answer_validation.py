"""Workaround: Rasa 3.6 validates each action server answer at the cost of a schema check.

`RemoteAction._validate_action_result` calls `jsonschema.validate` on every answer of
the action server. That function first checks the schema itself against the JSON
Schema meta-schema, every time: about 39 ms per action call on this project's 2 cores,
70 % of the Rasa server's CPU under 20 concurrent calls (py-spy), and a form turn makes
several action calls. A validator built once from the same schema checks an answer in
about 1.4 ms. Answers are validated exactly as before: the same schema, the same first
error (`best_match`), the same message, the same `ValidationError`.
"""

from __future__ import annotations

import functools
from typing import Any

from jsonschema import ValidationError, validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

from helpdesk.rasa_server.rasa_version import written_for

written_for("3.6", __name__)

_ORIGINAL = RemoteAction._validate_action_result


@functools.lru_cache(maxsize=1)
def _response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    error: ValidationError | None = best_match(_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Replaces the validation of action server answers with the prebuilt validator."""
    RemoteAction._validate_action_result = _validate_action_result


def installed() -> bool:
    return RemoteAction._validate_action_result is _validate_action_result


def original_validation(action: RemoteAction, result: dict[str, Any]) -> bool:
    """Rasa's own validation, for comparison."""
    return bool(_ORIGINAL(action, result))
