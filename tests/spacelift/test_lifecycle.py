"""``StackDestructor`` and ``ScheduledDeleteStack``."""

from __future__ import annotations

import pytest
from cdktn import TerraformOutput, TerraformStack
from syrupy.assertion import SnapshotAssertion

from lab.spacelift import (
    EnvironmentVariable,
    ScheduledDeleteStack,
    Stack,
    StackDestructor,
    StackDestructorTimeouts,
)
from tests.helpers import only_resource, synth


def test_destructor_depends_on_what_the_destroy_run_needs(
    stack: TerraformStack, json_snapshot: SnapshotAssertion
) -> None:
    cluster = Stack(stack, "Cluster", name="EKS cluster", repository="lab", branch="main")
    region = EnvironmentVariable(
        stack, "Region", name="TF_VAR_region", value="eu-west-1", stack_id=cluster.id
    )
    StackDestructor(
        stack,
        "ClusterDestructor",
        stack_id=cluster.id,
        deactivated=False,
        discard_runs=True,
        timeouts=StackDestructorTimeouts(delete="1h30m"),
        depends_on=[region],
    )

    body = only_resource(synth(stack), "spacelift_stack_destructor")

    assert body == {
        "stack_id": "${spacelift_stack.Cluster.id}",
        "deactivated": False,
        "discard_runs": True,
        "timeouts": {"delete": "1h30m"},
        "depends_on": ["spacelift_environment_variable.Region"],
    }
    assert body == json_snapshot


@pytest.mark.parametrize("delete", ["90", "1 hour", "h"])
def test_destructor_timeout_must_be_a_duration(delete: str) -> None:
    with pytest.raises(ValueError) as raised:
        StackDestructorTimeouts(delete=delete)

    assert str(raised.value) == (
        f'StackDestructorTimeouts: delete={delete!r} is not a duration; write it like "45m" or '
        '"1h30m"'
    )


def test_scheduled_delete_synthesizes_a_unix_timestamp(stack: TerraformStack) -> None:
    schedule = ScheduledDeleteStack(
        stack, "Expire", stack_id="exp-eks-01", at=1_893_456_000, delete_resources=True
    )
    TerraformOutput(stack, "ScheduleId", value=schedule.schedule_id)

    doc = synth(stack)

    assert only_resource(doc, "spacelift_scheduled_delete_stack") == {
        "stack_id": "exp-eks-01",
        "at": 1_893_456_000,
        "delete_resources": True,
    }
    assert doc["output"]["ScheduleId"]["value"] == (
        "${spacelift_scheduled_delete_stack.Expire.schedule_id}"
    )


@pytest.mark.parametrize("at", [0, -1])
def test_scheduled_delete_needs_a_positive_timestamp(stack: TerraformStack, at: int) -> None:
    with pytest.raises(ValueError) as raised:
        ScheduledDeleteStack(stack, "Expire", stack_id="s", at=at)

    assert str(raised.value) == (
        f"ScheduledDeleteStack 'Expire': at={at} is not a Unix timestamp; pass seconds since "
        "the epoch, e.g. int(datetime(2030, 1, 1, tzinfo=UTC).timestamp())"
    )
