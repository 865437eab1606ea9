"""``Context``, ``ContextAttachment`` and ``EnvironmentVariable`` (secret by default)."""

from __future__ import annotations

import inspect

import pytest
from cdktn import TerraformOutput, TerraformStack
from syrupy.assertion import SnapshotAssertion

from lab.spacelift import DEFAULT_WRITE_ONLY, Context, ContextAttachment, EnvironmentVariable
from tests.helpers import only_resource, synth
from tests.spacelift.examples import hooks


def test_context_synthesizes_every_argument(
    stack: TerraformStack, json_snapshot: SnapshotAssertion
) -> None:
    hook_commands = hooks()
    Context(
        stack,
        "Shared",
        name="lab-shared",
        description="Settings every lab stack needs",
        space_id="lab-01HXYZ",
        labels=["autoattach:lab"],
        **hook_commands,
    )

    body = only_resource(synth(stack), "spacelift_context")

    assert body == {
        "name": "lab-shared",
        "description": "Settings every lab stack needs",
        "space_id": "lab-01HXYZ",
        "labels": ["autoattach:lab"],
        **hook_commands,
    }
    assert body == json_snapshot


def test_context_attachment_targets_a_stack_with_a_priority(stack: TerraformStack) -> None:
    context = Context(stack, "Shared", name="lab-shared")
    ContextAttachment(
        stack, "SharedOnFoundation", context_id=context.id, stack_id="aws-foundation", priority=5
    )

    assert only_resource(synth(stack), "spacelift_context_attachment") == {
        "context_id": "${spacelift_context.Shared.id}",
        "stack_id": "aws-foundation",
        "priority": 5,
    }


def test_context_attachment_can_target_a_module(stack: TerraformStack) -> None:
    ContextAttachment(stack, "OnModule", context_id="ctx", module_id="vpc-module")

    assert only_resource(synth(stack), "spacelift_context_attachment") == {
        "context_id": "ctx",
        "module_id": "vpc-module",
    }


def test_context_attachment_needs_exactly_one_target(stack: TerraformStack) -> None:
    with pytest.raises(ValueError) as neither:
        ContextAttachment(stack, "Nowhere", context_id="ctx")
    with pytest.raises(ValueError) as both:
        ContextAttachment(stack, "Twice", context_id="ctx", stack_id="s", module_id="m")

    assert str(neither.value) == (
        "ContextAttachment 'Nowhere': set exactly one of stack_id or module_id (got none)"
    )
    assert str(both.value) == (
        "ContextAttachment 'Twice': set exactly one of stack_id or module_id "
        "(got stack_id='s' and module_id='m')"
    )


def test_environment_variable_is_secret_by_default(stack: TerraformStack) -> None:
    EnvironmentVariable(
        stack, "Region", name="TF_VAR_region", value="eu-west-1", stack_id="aws-foundation"
    )

    body = only_resource(synth(stack), "spacelift_environment_variable")

    assert DEFAULT_WRITE_ONLY is True
    assert body == {
        "name": "TF_VAR_region",
        "value": "eu-west-1",
        "write_only": True,
        "stack_id": "aws-foundation",
    }


def test_environment_variable_can_be_made_visible_and_described(stack: TerraformStack) -> None:
    context = Context(stack, "Shared", name="lab-shared")
    EnvironmentVariable(
        stack,
        "Region",
        name="TF_VAR_region",
        value="eu-west-1",
        write_only=False,
        description="Default AWS region",
        context_id=context.id,
    )

    assert only_resource(synth(stack), "spacelift_environment_variable") == {
        "name": "TF_VAR_region",
        "value": "eu-west-1",
        "write_only": False,
        "description": "Default AWS region",
        "context_id": "${spacelift_context.Shared.id}",
    }


def test_environment_variable_offers_no_write_only_value_arguments() -> None:
    parameters = set(inspect.signature(EnvironmentVariable.__init__).parameters)

    assert {"value_wo", "value_wo_version"}.isdisjoint(parameters)
    assert "write_only" in parameters


def test_environment_variable_needs_exactly_one_target(stack: TerraformStack) -> None:
    with pytest.raises(ValueError) as raised:
        EnvironmentVariable(stack, "Region", name="R", value="v", context_id="c", module_id="m")

    assert str(raised.value) == (
        "EnvironmentVariable 'Region': set exactly one of context_id, stack_id or module_id "
        "(got context_id='c' and module_id='m')"
    )


@pytest.mark.parametrize("value", ["line one\nline two", "windows\r\n"])
def test_environment_variable_rejects_newlines_without_echoing_the_value(
    stack: TerraformStack, value: str
) -> None:
    with pytest.raises(ValueError) as raised:
        EnvironmentVariable(stack, "Key", name="TF_VAR_key", value=value, stack_id="s")

    assert str(raised.value) == (
        "EnvironmentVariable 'Key': value of TF_VAR_key contains a newline, which Spacelift "
        "rejects; use a mounted file for multi-line content"
    )
    assert value not in str(raised.value)


def test_environment_variable_checksum_is_a_token(stack: TerraformStack) -> None:
    variable = EnvironmentVariable(stack, "Region", name="R", value="v", stack_id="s")
    TerraformOutput(stack, "Checksum", value=variable.checksum)

    assert synth(stack)["output"]["Checksum"]["value"] == (
        "${spacelift_environment_variable.Region.checksum}"
    )
