"""CI's workflow: actions pinned to commit SHAs with their release named, on Node 24, and the
same set-up as a fresh machine (Python only; Node comes from .venv)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.helpers import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^\s*-?\s*uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def uses_lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if re.match(r"^\s*-?\s*uses:", line)]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
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
    assert "make cli-synth" in runs[1]
