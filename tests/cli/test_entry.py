"""The command as people run it: `python -m lab`, help texts, and no cdktf for reading."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lab.cli import main
from tests.cli.conftest import Invoke
from tests.helpers import REPO

READ_ONLY_COMMANDS = ("stacks", "graph", "affected", "new-experiment", "validate", "docs")


def test_python_dash_m_lab_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lab", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: lab [OPTIONS] COMMAND [ARGS]...")
    for command in (*READ_ONLY_COMMANDS, "synth"):
        assert f"\n  {command} " in done.stdout


def test_reading_commands_never_import_cdktf() -> None:
    """stacks, graph, validate, affected and docs answer from the definition alone."""
    script = textwrap.dedent(
        """
        import shutil, sys, tempfile
        from click.testing import CliRunner
        from lab.cli import main

        scratch = tempfile.mkdtemp()
        experiments = shutil.copytree("experiments", f"{scratch}/experiments")
        runner = CliRunner()
        for args in (["stacks"], ["stacks", "--json"], ["graph", "--format", "dot"],
                     ["validate"], ["affected", "HEAD"], ["docs", "--check"],
                     ["new-experiment", "x", "--cluster", "y", "--provider", "aws",
                      "--experiments", experiments]):
            result = runner.invoke(main, args)
            assert result.exit_code == 0, (args, result.output, result.exception)
        shutil.rmtree(scratch)
        loaded = sorted(m for m in ("cdktn", "jsii", "constructs") if m in sys.modules)
        print(",".join(loaded))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


@pytest.mark.parametrize("command", READ_ONLY_COMMANDS)
def test_every_command_explains_itself(invoke: Invoke, command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: main {command} [OPTIONS]")
    # Every command but docs reads the lab definition; docs reads only what it renders.
    assert ("--config FILE" in result.stdout) is (command != "docs")
    assert "Examples:" in result.stdout


def test_unknown_command_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke("deploy")
    assert result.exit_code == 2
    assert "No such command 'deploy'" in result.stderr
    assert result.stdout == ""


def test_group_help_states_the_exit_codes(invoke: Invoke) -> None:
    result = invoke("--help")
    assert "Exit codes: 0 success, 1 a check failed" in result.stdout
    assert main.name == "main"


def test_bin_lab_runs_the_command_without_an_activated_venv(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = "/usr/bin:/bin"
    done = subprocess.run(
        [str(REPO / "bin" / "lab"), "--version"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("lab, version ")
