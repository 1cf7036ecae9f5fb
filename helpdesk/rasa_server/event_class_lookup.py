"""Workaround: Rasa 3.6 finds an event's class by walking every subclass, per event read.

`Event.resolve_by_type` walks every subclass of `Event` (about 60, recursively, with an
`inspect.isabstract` check each) for every event that is read: loading a call's
tracker from the SQL or Redis store does that once per stored event, every turn. The
class found for a name is kept, so each name is looked up once; a name never seen
still gets Rasa's own walk and its answer or error.
"""

from __future__ import annotations

from rasa.shared.core.events import Event

from helpdesk.rasa_server.rasa_version import written_for

written_for("3.6", __name__)

ORIGINAL_RESOLVE = Event.resolve_by_type
_EVENT_CLASSES: dict[str, type[Event]] = {}


def _resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    known = _EVENT_CLASSES.get(type_name)
    if known is not None:
        return known
    found = ORIGINAL_RESOLVE(type_name, default)
    if found is not None and found is not default:
        _EVENT_CLASSES[type_name] = found
    return found


def install() -> None:
    """Replaces the event class lookup with one that remembers its answers."""
    Event.resolve_by_type = staticmethod(_resolve_by_type)


def installed() -> bool:
    return Event.resolve_by_type is _resolve_by_type
