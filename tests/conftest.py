from __future__ import annotations

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

import lab  # noqa: F401  (installs the fast provider loading before any provider import)


@pytest.fixture
def json_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """A syrupy snapshot stored as a reviewable ``.json`` file."""
    return snapshot.use_extension(JSONSnapshotExtension)
