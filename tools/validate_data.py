"""`rasa data validate`, failing on every warning that is not a false alarm.

Rasa 3.6 warns that "Slot auto-fill has been removed" whenever a domain has slots,
and that a response "is not used in any story or rule" even when a form asks with it
(`utter_ask_<slot>`), a default action speaks it, or a custom action sends it. Those
uses are checked here instead; any other warning fails the run.
"""

from __future__ import annotations

import re
import sys
import warnings
from collections.abc import Iterable
from pathlib import Path

from rasa.cli.utils import validate_files
from rasa.shared.importers.importer import TrainingDataImporter

from tools.checkout import PROJECT_ROOT

_UNUSED_RESPONSE = re.compile(r"The utterance '(utter_\w+)' is not used in any story or rule\.")
# `response="utter_x"` in actions; `..._RESPONSE = "utter_x"` where a channel speaks one.
_RESPONSE_IN_CODE = re.compile(r"""(?:response=|_RESPONSE = )["'](utter_\w+)["']""")
# Responses that Rasa's default actions speak (action_restart, action_default_fallback, ...).
_DEFAULT_ACTION_RESPONSES = {"utter_restart", "utter_default", "utter_back", "utter_ask_rephrase"}
_ALWAYS_RAISED = re.compile(r"Slot auto-fill has been removed in 3\.0 .*")


def responses_sent_by_actions(action_files: Iterable[Path]) -> set[str]:
    """Response names that custom actions or the voice channel speak."""
    return {
        name
        for path in action_files
        for name in _RESPONSE_IN_CODE.findall(path.read_text(encoding="utf-8"))
    }


def main() -> int:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        used_elsewhere = _validate()
    problems = []
    for warning in caught:
        if not issubclass(warning.category, UserWarning):
            continue
        message = str(warning.message)
        unused = _UNUSED_RESPONSE.fullmatch(message)
        if (unused and unused.group(1) in used_elsewhere) or _ALWAYS_RAISED.fullmatch(message):
            continue
        problems.append(message)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    if problems:
        print(f"Data validation: {len(problems)} warning(s)", file=sys.stderr)
        return 1
    print("Data validation: no warnings")
    return 0


def _validate() -> set[str]:
    """Runs Rasa's validation; returns the responses used outside stories and rules."""
    importer = TrainingDataImporter.load_from_config(
        config_path=str(PROJECT_ROOT / "config.yml"),
        domain_path=str(PROJECT_ROOT / "domain.yml"),
        training_data_paths=[str(PROJECT_ROOT / "data")],
    )
    domain = importer.get_domain()
    required = {slot for form in domain.forms.values() for slot in form["required_slots"]}
    # A slot with a `heard_<slot>` slot is read back with `utter_ask_heard_<slot>`.
    slot_names = {slot.name for slot in domain.slots}
    asked_by_forms = {f"utter_ask_{slot}" for slot in required} | {
        f"utter_ask_heard_{slot}" for slot in required if f"heard_{slot}" in slot_names
    }
    used_elsewhere = (
        asked_by_forms
        | _DEFAULT_ACTION_RESPONSES
        | responses_sent_by_actions(
            [*(PROJECT_ROOT / "actions").rglob("*.py"), *(PROJECT_ROOT / "channels").glob("*.py")]
        )
    )
    validate_files(fail_on_warnings=True, max_history=None, importer=importer)
    return used_elsewhere


if __name__ == "__main__":
    sys.exit(main())
