"""The Rasa server's workarounds of Rasa internals, installed together.

Installed by the server's entry point (`python -m helpdesk.rasa_server`: `make run`, the
Dockerfile) and by the tests; nothing in site-packages is edited. Each workaround is a
module of its own that says what it replaces and checks the Rasa release.
"""

from __future__ import annotations

from helpdesk.rasa_server import action_answer_validation, event_class_lookup


def install() -> None:
    action_answer_validation.install()
    event_class_lookup.install()


def installed() -> bool:
    return action_answer_validation.installed() and event_class_lookup.installed()
