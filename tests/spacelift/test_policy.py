"""``Policy`` and ``PolicyAttachment``."""

from __future__ import annotations

import pytest
from cdktn import TerraformStack
from syrupy.assertion import SnapshotAssertion

from lab.spacelift import Policy, PolicyAttachment, PolicyEngineType, PolicyType
from tests.helpers import only_resource, synth

BODY = 'package spacelift\n\nwarn contains "review" if true\n'


def test_policy_synthesizes_enums_as_their_values(
    stack: TerraformStack, json_snapshot: SnapshotAssertion
) -> None:
    Policy(
        stack,
        "PlanGate",
        name="plan-gate",
        type=PolicyType.PLAN,
        body=BODY,
        engine_type=PolicyEngineType.REGO_V1,
        description="Warn on every tracked change",
        space_id="lab-01HXYZ",
        labels=["autoattach:lab"],
    )

    body = only_resource(synth(stack), "spacelift_policy")

    assert body == {
        "name": "plan-gate",
        "type": "PLAN",
        "body": BODY,
        "engine_type": "REGO_V1",
        "description": "Warn on every tracked change",
        "space_id": "lab-01HXYZ",
        "labels": ["autoattach:lab"],
    }
    assert body == json_snapshot


def test_policy_types_exclude_deprecated_values() -> None:
    assert {member.value for member in PolicyType} == {
        "APPROVAL",
        "GIT_PUSH",
        "INTENT",
        "LOGIN",
        "NOTIFICATION",
        "PLAN",
        "TRIGGER",
    }
    assert [member.value for member in PolicyEngineType] == ["REGO_V0", "REGO_V1"]


def test_policy_attachment_references_the_policy(stack: TerraformStack) -> None:
    policy = Policy(stack, "PlanGate", name="plan-gate", type=PolicyType.PLAN, body=BODY)
    PolicyAttachment(stack, "PlanGateOnFoundation", policy_id=policy.id, stack_id="aws-foundation")

    assert only_resource(synth(stack), "spacelift_policy_attachment") == {
        "policy_id": "${spacelift_policy.PlanGate.id}",
        "stack_id": "aws-foundation",
    }


def test_policy_attachment_needs_exactly_one_target(stack: TerraformStack) -> None:
    with pytest.raises(ValueError) as raised:
        PolicyAttachment(stack, "Nowhere", policy_id="p")

    assert str(raised.value) == (
        "PolicyAttachment 'Nowhere': set exactly one of stack_id or module_id (got none)"
    )
