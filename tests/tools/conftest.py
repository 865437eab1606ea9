"""Fixtures for the checkov gate tests."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.background import Background, selected
from tests.conftest import installed_checkov
from tests.helpers import REPO
from tests.tools.support import FIXTURES, FakeCheckov

GATE = REPO / "tools/checkov_gate.py"
GATE_TIMEOUT_SECONDS = 300
NO_SUPPRESSIONS = "framework:\n  - terraform_json\nskip-check: []\n"
SUPPRESSING = "framework:\n  - terraform_json\nskip-check:\n  - CKV_AWS_130  # bastion subnet\n"


@dataclass(frozen=True)
class GateRun:
    done: subprocess.CompletedProcess[str]
    summary: Path | None = None
    """The ``--summary-json`` file, for the run that asked for one."""


def _run_gate(name: str, directory: str, config: str, in_config_dir: bool) -> GateRun:
    """The gate with the real checkov over ``FIXTURES/<directory>``, from the fixtures (or,
    ``in_config_dir``, from the directory that holds the config as ``.checkov.yaml``)."""
    checkov = installed_checkov()
    if checkov is None:
        raise RuntimeError("checkov is not installed; see the real_checkov fixture")
    scratch = _background.scratch / name
    scratch.mkdir()
    config_path = scratch / ".checkov.yaml"
    config_path.write_text(config, encoding="utf-8")
    summary = scratch / "summary.json"
    command = [sys.executable, str(GATE), "--checkov", str(checkov), "--config", str(config_path)]
    if name == "compliant":
        command += ["--summary-json", str(summary)]
    done = subprocess.run(
        [*command, str(FIXTURES / directory) if in_config_dir else directory],
        cwd=scratch if in_config_dir else FIXTURES,
        capture_output=True,
        text=True,
        timeout=GATE_TIMEOUT_SECONDS,
        check=False,
    )
    return GateRun(done, summary if summary.exists() else None)


GATE_RUNS = {
    "compliant": ("compliant", NO_SUPPRESSIONS, False),
    "failing": ("failing", NO_SUPPRESSIONS, False),
    "suppressed": ("failing", SUPPRESSING, True),
    "required_version": ("required_version", NO_SUPPRESSIONS, False),
}
"""Each real-checkov case: the fixture scanned, the config, whether checkov runs from the
directory holding the config (where it would read ``.checkov.yaml`` itself)."""

_background = Background("checkov-gate")


def _gate_runs() -> dict[str, Future[GateRun]]:
    return {
        name: _background.submit(name, _run_gate, name, *case) for name, case in GATE_RUNS.items()
    }


def pytest_collection_finish(session: pytest.Session) -> None:
    if selected(session, "gate_runs") and installed_checkov() is not None:
        _gate_runs()


def pytest_sessionfinish(session: pytest.Session) -> None:
    _background.close()


@pytest.fixture(scope="session")
def gate_runs(real_checkov: Path) -> Mapping[str, Future[GateRun]]:
    """The real-checkov gate runs (:data:`GATE_RUNS`), started at collection."""
    return _gate_runs()


@pytest.fixture
def fake_checkov(tmp_path: Path) -> FakeCheckov:
    workdir = tmp_path / "fake-checkov"
    workdir.mkdir()
    return FakeCheckov(workdir)


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[str], Path]:
    """Write a config file's text into a scratch directory and return its path."""

    def write(text: str) -> Path:
        path = tmp_path / "config" / ".checkov.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write
