"""Fixtures for the checkov gate tests."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.tools.support import REPO_ROOT, FakeCheckov

CHECKOV_ENV_VAR = "LAB_CHECKOV"


@pytest.fixture(scope="session")
def real_checkov() -> Path:
    """The pinned checkov (``.venv-checkov``), or the one ``LAB_CHECKOV`` names.

    Missing is a failure, not a skip: ``make test`` installs it before pytest runs.
    """
    checkov = Path(os.environ.get(CHECKOV_ENV_VAR) or REPO_ROOT / ".venv-checkov/bin/checkov")
    if not (checkov.is_file() and os.access(checkov, os.X_OK)):
        pytest.fail(
            f"checkov is not installed at {checkov}: run `make .venv-checkov/.installed` "
            f"(or set {CHECKOV_ENV_VAR} to a checkov 3.3.30 executable)",
            pytrace=False,
        )
    return checkov


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
