"""``DriftDetection``."""

from __future__ import annotations

import pytest
from cdktn import TerraformStack
from syrupy.assertion import SnapshotAssertion

from lab.spacelift import DriftDetection, Stack
from tests.helpers import only_resource, synth


def test_drift_detection_synthesizes_every_argument(
    stack: TerraformStack, json_snapshot: SnapshotAssertion
) -> None:
    foundation = Stack(stack, "Foundation", name="f", repository="lab", branch="main")
    DriftDetection(
        stack,
        "FoundationDrift",
        stack_id=foundation.id,
        schedule=["0 6 * * 1-5", "0 18 * * 1-5"],
        reconcile=False,
        ignore_state=True,
        timezone="Europe/Berlin",
    )

    body = only_resource(synth(stack), "spacelift_drift_detection")

    assert body == {
        "stack_id": "${spacelift_stack.Foundation.id}",
        "schedule": ["0 6 * * 1-5", "0 18 * * 1-5"],
        "reconcile": False,
        "ignore_state": True,
        "timezone": "Europe/Berlin",
    }
    assert body == json_snapshot


def test_drift_detection_needs_a_schedule(stack: TerraformStack) -> None:
    with pytest.raises(ValueError) as raised:
        DriftDetection(stack, "Never", stack_id="s", schedule=[])

    assert str(raised.value) == (
        "DriftDetection 'Never': schedule is empty; give at least one cron expression, "
        'e.g. ["0 6 * * 1-5"]'
    )
