"""Every environment variable is read through one parser by a named constant, and
example.env documents exactly the variables something reads."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from helpdesk import variables

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("actions", "channels", "components", "helpdesk")
PARSER = ROOT / "helpdesk" / "environment.py"
# Read by Rasa itself, not by the project's code.
READ_BY_RASA = {"LOG_LEVEL", "RASA_DUCKLING_HTTP_URL"}
_DOCUMENTED = re.compile(r"^#? ?([A-Z][A-Z0-9_]+)=", re.MULTILINE)
_YAML_REFERENCE = re.compile(r"\$\{([A-Z][A-Z0-9_]+)\}")


def documented() -> set[str]:
    return set(_DOCUMENTED.findall((ROOT / "example.env").read_text()))


def constants() -> set[str]:
    return {value for name, value in vars(variables).items() if name.isupper()}


def shipped_modules() -> list[Path]:
    return [path for place in SHIPPED for path in sorted((ROOT / place).rglob("*.py"))]


def environment_reads(path: Path) -> list[str]:
    """Where a module reads the environment itself, or gives the parser a literal name."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call | ast.Subscript):
            continue
        code = ast.unparse(node)
        reads_itself = re.match(r"(os\.)?(environ\.get|getenv)\(|(os\.)?environ\[", code)
        literal_name = (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "env"
            and bool(node.args)
            and isinstance(node.args[0], ast.Constant)
        )
        if reads_itself or literal_name:
            where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
            found.append(f"{where}:{node.lineno}: {code}")
    return found


def test_only_the_parser_reads_the_environment_and_only_by_named_constants() -> None:
    reads = [
        read for path in shipped_modules() if path != PARSER for read in environment_reads(path)
    ]
    assert reads == []


def test_the_rule_sees_a_direct_read_and_a_literal_name(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "import os\nfrom helpdesk import environment as env\n"
        "a = os.environ.get('X')\nb = env.flag('TWILIO_BARGE_IN', True)\n"
        "c = env.flag(names.TWILIO_BARGE_IN, True)\n"
    )
    assert [read.split(": ", 1)[1] for read in environment_reads(module)] == [
        "os.environ.get('X')",
        "env.flag('TWILIO_BARGE_IN', True)",
    ]


def test_every_variable_the_servers_read_is_documented() -> None:
    assert constants() - documented() == set()


def test_every_documented_variable_is_read_by_something() -> None:
    """By the servers (a constant), Rasa's and Bespoken's files (`${...}`), Rasa, or
    developer tools."""
    in_yaml = {
        name
        for path in (
            "endpoints.yml",
            "credentials.yml",
            "credentials.dev.yml",
            "tests/testing.json",
        )
        for name in _YAML_REFERENCE.findall((ROOT / path).read_text())
    }
    tooling = "\n".join(path.read_text() for path in sorted((ROOT / "tools").rglob("*.py")))
    unread = documented() - constants() - in_yaml - READ_BY_RASA
    assert {name for name in unread if f'"{name}"' not in tooling} == set()


@pytest.mark.parametrize("name", sorted(constants()))
def test_each_constant_is_its_own_name(name: str) -> None:
    assert getattr(variables, name) == name
