"""Releases ship what was tested: the workflow files and the Dockerfile encode the rules."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools.checkout import PROJECT_ROOT

WORKFLOWS = PROJECT_ROOT / ".github" / "workflows"


def workflow(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    return loaded


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job["steps"])


def test_the_tests_upload_the_model_they_passed_with() -> None:
    [upload] = [
        s
        for s in steps(workflow("test.yml")["jobs"]["test"])
        if "upload-artifact" in s.get("uses", "")
    ]
    assert upload["with"]["name"] == "model" and upload["with"]["path"] == "models/helpdesk.tar.gz"


def test_a_tag_deploys_only_a_tested_commit_with_its_model_and_never_retrains() -> None:
    deploy = workflow("deploy.yml")
    build = steps(deploy["jobs"]["build"])
    [tested] = [s for s in build if s.get("id") == "tested"]
    assert "workflows/test.yml/runs?head_sha=${GITHUB_SHA}&status=success" in tested["run"]
    assert "exit 1" in tested["run"]
    [download] = [s for s in build if "download-artifact" in s.get("uses", "")]
    assert download["with"]["run-id"] == "${{ steps.tested.outputs.run_id }}"
    assert download["with"]["name"] == "model"
    assert "REQUIRE_TESTED_MODEL=true" in (WORKFLOWS / "deploy.yml").read_text()
    assert not re.search(
        r"make train|helpdesk.rasa_server train|rasa train", (WORKFLOWS / "deploy.yml").read_text()
    )


def test_staging_is_called_before_production_changes() -> None:
    jobs = workflow("deploy.yml")["jobs"]
    assert any("bst test" in s.get("run", "") for s in steps(jobs["staging"]))
    assert jobs["production"]["needs"] == ["build", "staging"]
    condition = jobs["production"]["if"]
    assert "needs.staging.result == 'success' || needs.staging.result == 'skipped'" in condition
    production = steps(jobs["production"])
    rollback = next(i for i, s in enumerate(production) if "rollback" in s.get("name", "").lower())
    first_deploy = next(i for i, s in enumerate(production) if "ecs-deploy" in s.get("uses", ""))
    assert rollback < first_deploy


def model_step(tmp_path: Path, require: str, with_model: bool) -> subprocess.CompletedProcess[str]:
    """Runs the Dockerfile's model step as `docker build` would, training stubbed out."""
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    command = re.search(r"^RUN (if \[ -f models/.*?fi)$", dockerfile, re.M | re.S)
    assert command is not None
    script = (
        command.group(1)
        .replace("\\\n", "")
        .replace("python -m helpdesk.rasa_server train", "echo TRAINING")
    )
    (tmp_path / "models").mkdir()
    if with_model:
        (tmp_path / "models" / "helpdesk.tar.gz").write_bytes(b"model")
    return subprocess.run(
        ["sh", "-c", script],
        cwd=tmp_path,
        env={"REQUIRE_TESTED_MODEL": require, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("require", ["true", "false"])
def test_the_image_ships_the_tested_model_as_it_is(tmp_path: Path, require: str) -> None:
    built = model_step(tmp_path, require, with_model=True)
    assert built.returncode == 0 and "Shipping models/helpdesk.tar.gz" in built.stdout


def test_a_release_build_without_the_tested_model_fails_instead_of_training(tmp_path: Path) -> None:
    built = model_step(tmp_path, "true", with_model=False)
    assert built.returncode == 1 and "refusing to train" in built.stderr
    assert "TRAINING" not in built.stdout


def test_a_local_build_without_a_model_trains_one(tmp_path: Path) -> None:
    assert "TRAINING" in model_step(tmp_path, "false", with_model=False).stdout
