"""Layer rules, in the spirit of Rasa's test that keeps `rasa.shared` independent.

`helpdesk` is what both servers share, so it imports none of the project's other
packages; the Rasa server's channel and the action server's actions never import each
other; and no shipped code imports the developer tooling in `tools/`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("actions", "channels", "components", "helpdesk")


def modules(*places: str) -> Iterator[Path]:
    for place in places:
        path = ROOT / place
        yield from sorted(path.rglob("*.py")) if path.is_dir() else [path]


def imported_modules(path: Path) -> set[str]:
    """The full names of the modules a module imports from."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def imported_packages(path: Path) -> set[str]:
    """The top-level packages a module imports, at any depth of its code."""
    return {name.split(".")[0] for name in imported_modules(path)}


@pytest.mark.parametrize(
    ("places", "forbidden"),
    [
        (("helpdesk",), {"actions", "channels", "components", "tools", "tests"}),
        (("channels",), {"actions"}),
        (("actions",), {"channels"}),
        (SHIPPED, {"tools", "tests"}),
    ],
    ids=["shared package", "channels", "actions", "shipped code"],
)
def test_a_layer_imports_only_what_it_may(places: tuple[str, ...], forbidden: set[str]) -> None:
    breaking = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & forbidden)
        for path in modules(*places)
        if imported_packages(path) & forbidden
    }
    assert breaking == {}


@pytest.mark.parametrize(
    ("package", "allowed"),
    [
        ("actions/incidents", ("actions.incidents", "actions.storage")),
        ("actions/storage", ("actions.storage",)),
    ],
)
def test_the_incident_backends_and_their_tables_import_no_other_actions_module(
    package: str, allowed: tuple[str, ...]
) -> None:
    """actions/incidents is the incident system's client, on the tables of
    actions/storage: the dialogue uses them, never the other way round, so they can be
    read, tested and reused without the actions."""
    breaking = {
        str(path.relative_to(ROOT)): sorted(
            name
            for name in imported_modules(path)
            if name.split(".")[0] == "actions" and not name.startswith(allowed)
        )
        for path in modules(package)
    }
    assert {path: names for path, names in breaking.items() if names} == {}


def test_the_rule_sees_an_import_where_it_is(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "def f():\n    from actions.privacy import mask_email\n    import tools.runner.stack\n"
    )
    assert imported_packages(module) == {"actions", "tools"}


def test_every_test_module_has_a_name_of_its_own() -> None:
    """Two `test_metrics.py` in two folders read as one in a report and a search."""
    names = [path.name for path in (ROOT / "tests").rglob("*.py")]
    repeated = {name for name in names if names.count(name) > 1}
    assert repeated - {"__init__.py", "conftest.py"} == set()
