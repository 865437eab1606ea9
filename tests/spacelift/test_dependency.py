"""``StackDependency`` and ``StackDependencyReference``."""

from __future__ import annotations

import pytest
from cdktn import TerraformStack
from syrupy.assertion import SnapshotAssertion

from lab.spacelift import Stack, StackDependency, StackDependencyReference
from tests.helpers import only_resource, synth


def test_dependency_and_reference_wire_stacks_by_token(
    stack: TerraformStack, json_snapshot: SnapshotAssertion
) -> None:
    foundation = Stack(stack, "Foundation", name="AWS foundation", repository="lab", branch="main")
    cluster = Stack(stack, "Cluster", name="EKS cluster", repository="lab", branch="main")
    dependency = StackDependency(
        stack, "ClusterOnFoundation", stack_id=cluster.id, depends_on_stack_id=foundation.id
    )
    StackDependencyReference(
        stack,
        "VpcId",
        stack_dependency_id=dependency.id,
        output_name="vpc_id",
        input_name="TF_VAR_vpc_id",
        trigger_always=True,
    )

    doc = synth(stack)

    assert only_resource(doc, "spacelift_stack_dependency") == {
        "stack_id": "${spacelift_stack.Cluster.id}",
        "depends_on_stack_id": "${spacelift_stack.Foundation.id}",
    }
    assert only_resource(doc, "spacelift_stack_dependency_reference") == {
        "stack_dependency_id": "${spacelift_stack_dependency.ClusterOnFoundation.id}",
        "output_name": "vpc_id",
        "input_name": "TF_VAR_vpc_id",
        "trigger_always": True,
    }
    assert {
        "spacelift_stack_dependency": doc["resource"]["spacelift_stack_dependency"],
        "spacelift_stack_dependency_reference": doc["resource"][
            "spacelift_stack_dependency_reference"
        ],
    } == json_snapshot


def test_reference_leaves_trigger_always_to_the_provider_by_default(stack: TerraformStack) -> None:
    StackDependencyReference(
        stack, "VpcId", stack_dependency_id="dep", output_name="vpc_id", input_name="TF_VAR_vpc_id"
    )

    assert "trigger_always" not in only_resource(
        synth(stack), "spacelift_stack_dependency_reference"
    )


def test_a_stack_cannot_depend_on_itself(stack: TerraformStack) -> None:
    with pytest.raises(ValueError) as raised:
        StackDependency(
            stack, "Loop", stack_id="aws-foundation", depends_on_stack_id="aws-foundation"
        )

    assert str(raised.value) == (
        "StackDependency 'Loop': stack_id and depends_on_stack_id are both 'aws-foundation'; "
        "a stack cannot depend on itself"
    )


def test_the_same_token_twice_is_a_self_dependency(stack: TerraformStack) -> None:
    foundation_id = Stack(stack, "Foundation", name="f", repository="lab", branch="main").id

    with pytest.raises(ValueError, match="a stack cannot depend on itself"):
        StackDependency(stack, "Loop", stack_id=foundation_id, depends_on_stack_id=foundation_id)
