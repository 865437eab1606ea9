from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Final

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

import lab  # noqa: F401  (installs the fast provider loading before any provider import)
from lab import clock
from tests.helpers import REPO

TEST_TODAY: Final = date(2026, 12, 3)
"""The day in-process tests run on: expiry dates and Kubernetes support windows depend on
the day, and the tests must not start failing as the calendar moves. Tests of the clock
itself stop it where they need; subprocesses see the real day."""


@pytest.fixture(autouse=True)
def _stopped_clock(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(clock, "today_utc", lambda: TEST_TODAY)
    return TEST_TODAY


@pytest.fixture
def json_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """A syrupy snapshot stored as a reviewable ``.json`` file."""
    return snapshot.use_extension(JSONSnapshotExtension)


CHECKOV_ENV_VAR = "LAB_CHECKOV"


def installed_checkov() -> Path | None:
    """The pinned checkov (``.venv-checkov``), or the one ``LAB_CHECKOV`` names, if present."""
    checkov = Path(os.environ.get(CHECKOV_ENV_VAR) or REPO / ".venv-checkov/bin/checkov")
    return checkov if checkov.is_file() and os.access(checkov, os.X_OK) else None


@pytest.fixture(scope="session")
def real_checkov() -> Path:
    """The pinned checkov; missing is a failure, not a skip (``make test`` installs it)."""
    checkov = installed_checkov()
    if checkov is None:
        pytest.fail(
            "checkov is not installed in .venv-checkov: run `make .venv-checkov/.installed` "
            f"(or set {CHECKOV_ENV_VAR} to a checkov 3.3.30 executable)",
            pytrace=False,
        )
    return checkov
