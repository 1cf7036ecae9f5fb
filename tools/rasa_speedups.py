"""Rasa 3.6 internals worked around for speed; the project's entry points install it.

`RemoteAction._validate_action_result` calls `jsonschema.validate` on every answer of
the action server. That function first checks the schema itself against the JSON
Schema meta-schema, every time: about 39 ms per action call on this project's 2 cores,
70 % of the Rasa server's CPU under 20 concurrent calls (py-spy), and a form turn makes
several action calls. A validator built once from the same schema checks an answer in
about 1.4 ms. Answers are validated exactly as before: the same schema, the same first
error (`best_match`), the same message, the same `ValidationError`.

`Event.resolve_by_type` finds an event's class by walking every subclass of `Event`
(about 60, recursively, with an `inspect.isabstract` check each) for every event that
is read: loading a call's tracker from the SQL or Redis store does that once per stored
event, every turn. The class found for a name is kept, so each name is looked up once;
a name never seen still gets Rasa's own walk and its answer or error.

Installed by `tools/rasa_cli.py` (`make run`, the Dockerfile's entrypoint) and by the
tests; nothing in site-packages is edited.
"""

from __future__ import annotations

import functools
from typing import Any

from jsonschema import ValidationError, validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event

_ORIGINAL = RemoteAction._validate_action_result
_ORIGINAL_RESOLVE = Event.resolve_by_type
_EVENT_CLASSES: dict[str, type[Event]] = {}


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


def _resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    known = _EVENT_CLASSES.get(type_name)
    if known is not None:
        return known
    found = _ORIGINAL_RESOLVE(type_name, default)
    if found is not None and found is not default:
        _EVENT_CLASSES[type_name] = found
    return found


def install() -> None:
    """Replaces the validation of action server answers with the prebuilt validator, and
    the event class lookup with one that remembers its answers."""
    RemoteAction._validate_action_result = _validate_action_result
    Event.resolve_by_type = staticmethod(_resolve_by_type)


def installed() -> bool:
    return (
        RemoteAction._validate_action_result is _validate_action_result
        and Event.resolve_by_type is _resolve_by_type
    )


def original_validation(action: RemoteAction, result: dict[str, Any]) -> bool:
    """Rasa's own validation, for comparison."""
    return bool(_ORIGINAL(action, result))
