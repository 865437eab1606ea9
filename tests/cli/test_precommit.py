"""The pre-commit hooks and `make lint` run the same commands, all local and offline."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

import pytest
import yaml

from tests.helpers import REPO


@pytest.fixture(scope="module")
def hooks() -> list[dict[str, Any]]:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    repos = config["repos"]
    assert [repo["repo"] for repo in repos] == ["local"], "hooks must not be fetched"
    found: list[dict[str, Any]] = repos[0]["hooks"]
    return found


def make_dry_run(target: str) -> list[str]:
    """What `make <target>` runs, as make expands it (its venv stamp taken as up to date)."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", "-o", ".venv/.installed", target],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.splitlines()


def lint_commands() -> list[str]:
    """The commands of ``make lint``, without the lines that only say what runs."""
    return [line for line in make_dry_run("lint") if not line.startswith("echo ")]


def test_every_hook_is_a_local_command_from_the_venv(hooks: list[dict[str, Any]]) -> None:
    for hook in hooks:
        assert hook["language"] == "system", hook["id"]
        assert hook["entry"].startswith(".venv/bin/"), hook["id"]
        assert hook["pass_filenames"] is False, hook["id"]


def test_make_lint_runs_exactly_the_hooks(hooks: list[dict[str, Any]]) -> None:
    assert sorted(lint_commands()) == sorted(hook["entry"] for hook in hooks)


def test_the_required_checks_are_there(hooks: list[dict[str, Any]]) -> None:
    entries = {hook["id"]: hook["entry"] for hook in hooks}
    assert entries == {
        "ruff-check": ".venv/bin/ruff check .",
        "ruff-format": ".venv/bin/ruff format --check .",
        "mypy": ".venv/bin/mypy",
        "synth-fresh": ".venv/bin/python main.py --check",
        "docs-fresh": ".venv/bin/python -m lab docs --check",
    }


def test_make_test_runs_make_lint() -> None:
    commands = make_dry_run("test")
    for command in lint_commands():
        assert command in commands
    # Synth freshness is a prerequisite of both lint and test: make runs it once.
    assert commands.count(".venv/bin/python main.py --check") == 1


def test_synth_hook_watches_every_input_of_the_synth(hooks: list[dict[str, Any]]) -> None:
    [synth] = [hook for hook in hooks if hook["id"] == "synth-fresh"]
    pattern = re.compile(synth["files"])
    for path in (
        "lab.yaml",
        "main.py",
        "experiments/x/y/cluster.yaml",
        "lab/stacks/base.py",
        "policies/plan.rego",
        "cdktf.out/stacks/x/cdk.tf.json",
    ):
        assert pattern.search(path), path
    assert not pattern.search("docs/workflows.md")
