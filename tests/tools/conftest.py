"""Fixtures for the checkov gate tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.tools.support import FakeCheckov


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
