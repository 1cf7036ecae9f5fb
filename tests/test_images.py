"""Each image runs from the files its Dockerfile copies, and nothing else of the checkout.

The files named by each Dockerfile's `COPY` lines are laid out in an empty folder, and
every entry point of that image is imported from there alone: the Rasa server with the
channel of credentials.yml, the components of config.yml and the stores of
endpoints.yml; the action server with every module rasa-sdk loads from `actions`; and
each operator command. A module left behind fails here, not in production.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml

from channels.relay_settings import RelaySettings
from channels.settings import VoiceSettings
from tests.test_layers import imported_modules

ROOT = Path(__file__).resolve().parent.parent
RASA_IMAGE = "Dockerfile"
ACTIONS_IMAGE = "Dockerfile.actions"
# What the operators run in each image (docs/operations.md): `python -m <module>`.
OPERATOR_COMMANDS = {
    RASA_IMAGE: ["helpdesk.rasa_server.forget_conversations"],
    ACTIONS_IMAGE: ["actions.operator.forget_records", "actions.operator.outage"],
}


def copied(dockerfile: str) -> list[tuple[list[str], str]]:
    """The project files of each `COPY` line (sources, destination); not `--from` stages."""
    lines: list[tuple[list[str], str]] = []
    for line in (ROOT / dockerfile).read_text().splitlines():
        words = line.split()
        if not words or words[0] != "COPY" or any(w.startswith("--from") for w in words):
            continue
        paths = [word for word in words[1:] if not word.startswith("--")]
        lines.append((paths[:-1], paths[-1]))
    return lines


def lay_out(dockerfile: str, folder: Path) -> None:
    """The image's /app as the Dockerfile builds it (globs as Docker reads them)."""
    for sources, destination in copied(dockerfile):
        for source in sources:
            for path in sorted(ROOT.glob(source)):
                target = folder / destination
                if path.is_dir():
                    shutil.copytree(
                        path,
                        target / "" if destination.endswith("/") else target,
                        dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"),
                    )
                else:
                    target_file = target / path.name if destination.endswith("/") else target
                    target_file.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(path, target_file)


def entry_module(dockerfile: str) -> str:
    """The module the image runs: `ENTRYPOINT ["python", "-m", <module>, ...]`, or
    `ENTRYPOINT ["python", "-m"]` with the module first in `CMD`."""
    words: list[str] = []
    for line in (ROOT / dockerfile).read_text().splitlines():
        if line.startswith("ENTRYPOINT"):
            words = [str(word) for word in yaml.safe_load(line.removeprefix("ENTRYPOINT"))]
        elif line.startswith("CMD [") and words and words[-1] == "-m":
            words += [str(word) for word in yaml.safe_load(line.removeprefix("CMD"))]
    if "-m" not in words:
        raise AssertionError(f"{dockerfile} has no ENTRYPOINT running a module")
    return words[words.index("-m") + 1]


def rasa_server_modules() -> list[str]:
    """The modules Rasa loads by name: channels, components, tracker and lock stores."""
    channels = list(yaml.safe_load((ROOT / "credentials.yml").read_text()))
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
    components = [step["name"] for step in pipeline if "." in step["name"]]
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    stores = [endpoints[kind]["type"] for kind in ("tracker_store", "lock_store")]
    return [name.rpartition(".")[0] for name in [*channels, *components, *stores]]


def action_modules(folder: Path) -> list[str]:
    """Every module of the `actions` package, as rasa-sdk imports them at start: it walks
    packages (pkgutil), so a folder without `__init__.py` (the migrations, which Alembic
    loads itself) is not imported."""
    return [
        ".".join(path.relative_to(folder).with_suffix("").parts).removesuffix(".__init__")
        for path in sorted((folder / "actions").rglob("*.py"))
        if all(
            (parent / "__init__.py").is_file()
            for parent in path.relative_to(folder).parents
            if parent != Path(".")
        )
    ]


def imports_alone(folder: Path, modules: list[str]) -> str:
    """Imports `modules` with `folder` as the working directory and no checkout on the
    path; returns what failed, or ''."""
    script = (
        "import importlib, sys\n"
        f"sys.path = [p for p in sys.path if p not in ('', {str(ROOT)!r})]\n"
        f"sys.path.insert(0, {str(folder)!r})\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=folder, capture_output=True, text=True, timeout=300
    )
    return "" if done.returncode == 0 else done.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("dockerfile", [RASA_IMAGE, ACTIONS_IMAGE])
def test_every_entry_point_of_an_image_imports_from_its_copied_files(
    dockerfile: str, tmp_path: Path
) -> None:
    lay_out(dockerfile, tmp_path)
    modules = [entry_module(dockerfile), *OPERATOR_COMMANDS[dockerfile]]
    modules += rasa_server_modules() if dockerfile == RASA_IMAGE else action_modules(tmp_path)
    assert imports_alone(tmp_path, modules) == ""


@pytest.mark.parametrize("dockerfile", [RASA_IMAGE, ACTIONS_IMAGE])
def test_no_image_copies_the_developer_tools(dockerfile: str) -> None:
    sources = [source for sources, _ in copied(dockerfile) for source in sources]
    assert not [source for source in sources if source.rstrip("/") in {"tools", "tests"}]


def test_an_import_missing_from_the_copied_files_is_seen(tmp_path: Path) -> None:
    (tmp_path / "lonely.py").write_text("import tools.runner.stack\n")
    assert "No module named 'tools'" in imports_alone(tmp_path, ["lonely"])


@pytest.mark.parametrize("redis_url", ["", "redis://127.0.0.1:1/0"])
def test_endpoints_yml_yields_the_projects_stores_never_rasas_in_memory_fallback(
    redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rasa falls back to an in-memory tracker store, with only a warning, when the class
    path of endpoints.yml does not import: conversations would be lost at a restart."""
    from rasa.core.lock_store import LockStore, RedisLockStore
    from rasa.core.tracker_store import InMemoryTrackerStore, create_tracker_store
    from rasa.shared.core.domain import Domain
    from rasa.utils.endpoints import read_endpoint_config

    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("TRACKER_STORE_DB", str(tmp_path / "tracker.db"))
    monkeypatch.setenv("CONVERSATION_RETENTION_DAYS", "30")
    endpoints = str(ROOT / "endpoints.yml")
    tracker_store = create_tracker_store(
        read_endpoint_config(endpoints, "tracker_store"), Domain.empty()
    )
    store = getattr(tracker_store, "_tracker_store", tracker_store)
    assert not isinstance(store, InMemoryTrackerStore)
    assert type(store).__name__ == (
        "CachedRedisTrackerStore" if redis_url else "CachedSQLTrackerStore"
    )
    locks = LockStore.create(read_endpoint_config(endpoints, "lock_store"))
    assert isinstance(locks, RedisLockStore) is bool(redis_url)


def test_the_orchestrators_wait_for_streaming_calls_to_move_before_killing_rasa() -> None:
    """SIGTERM starts the drain (channels/draining.py); the kill must come after it."""
    drain = RelaySettings(VoiceSettings()).drain_seconds
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    grace = str(compose["services"]["rasa"]["stop_grace_period"])
    assert grace.endswith("s") and int(grace[:-1]) > drain
    task = json.loads((ROOT / ".aws" / "task-definition-rasa.json").read_text())
    [rasa] = [c for c in task["containerDefinitions"] if c["name"] == "rasa"]
    assert rasa["stopTimeout"] > drain


def pip_installed(dockerfile: str) -> set[str]:
    """The distributions an image's `pip install` lines name (not `-r` files)."""
    text = (ROOT / dockerfile).read_text().replace("\\\n", " ")
    named: set[str] = set()
    for line in text.splitlines():
        words = line.split()
        if words[:3] != ["RUN", "pip", "install"]:
            continue
        arguments = iter(words[3:])
        for word in arguments:
            if word in ("-c", "-r"):
                next(arguments)
            elif not word.startswith("-"):
                named.add(canonical(word))
    return named


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def with_dependencies(names: set[str]) -> set[str]:
    """`names` and everything they require, as installed here (markers ignored)."""
    found, waiting = set(), list(names)
    while waiting:
        name = waiting.pop()
        if name in found:
            continue
        found.add(name)
        try:
            requirements = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue  # required on other Pythons only (a backport)
        for requirement in requirements:
            if "extra ==" not in requirement:
                waiting.append(canonical(re.split(r"[ ;<>=!~\[(]", requirement, maxsplit=1)[0]))
    return found


def test_the_action_image_installs_every_package_its_code_imports() -> None:
    """A package the action server imports but its image does not install fails at
    start in production: checked here from the code's imports (the migrations too,
    which Alembic loads)."""
    providers = metadata.packages_distributions()
    first_party = {"actions", "helpdesk"}
    files = [*sorted((ROOT / "actions").rglob("*.py")), *sorted((ROOT / "helpdesk").glob("*.py"))]
    imported = (
        {name.split(".")[0] for path in files for name in imported_modules(path)}
        - first_party
        - set(sys.stdlib_module_names)
    )
    installed = with_dependencies(pip_installed(ACTIONS_IMAGE))
    missing = {
        name: providers.get(name, [name])
        for name in sorted(imported)
        if not {canonical(d) for d in providers.get(name, [name])} & installed
    }
    assert missing == {}


def test_the_database_runs_in_compose_unpublished_and_every_replica_takes_its_url() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    debug = yaml.safe_load((ROOT / "docker-compose.debug.yml").read_text())["services"]
    postgres = compose["services"]["postgres"]
    assert postgres["profiles"] == ["database"] and "ports" not in postgres
    assert postgres["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    [volume] = postgres["volumes"]
    assert volume.split(":")[0] in compose["volumes"]  # a named volume, not the container's
    assert debug["postgres"]["ports"] == ["5432:5432"]
    for service in ("rasa", "action"):
        assert compose["services"][service]["environment"]["DATABASE_URL"] == "${DATABASE_URL:-}"


def test_ecs_action_servers_share_the_database_of_a_secret_not_a_network_file() -> None:
    """SQLite's locking is unreliable over NFS (EFS): the outbox is in DATABASE_URL, so
    the action service can run several tasks and overlap them in a deploy."""
    task = json.loads((ROOT / ".aws" / "task-definition-action.json").read_text())
    [container] = task["containerDefinitions"]
    assert "DATABASE_URL" in {secret["name"] for secret in container["secrets"]}
    assert "DATABASE_URL" not in {variable["name"] for variable in container["environment"]}
    assert "volumes" not in task and "mountPoints" not in container
    # The deploy's one-off migration task replaces the command, keeping `python -m`.
    assert entry_module(ACTIONS_IMAGE) == "actions.server"
    deploy = (ROOT / ".github" / "workflows" / "deploy.yml").read_text()
    assert deploy.count(".github/scripts/migrate.sh") == 2
    assert (
        '"command": ["actions.storage.migrate"]'
        in (ROOT / ".github" / "scripts" / "migrate.sh").read_text()
    )
