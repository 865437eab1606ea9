"""``Stack``: exact synthesis, the OpenTofu block and its conflicts, tokens, meta-arguments."""

from __future__ import annotations

from typing import Any

import pytest
from cdktn import TerraformOutput, TerraformResourceLifecycle, TerraformStack
from cdktn import Testing as CdktfTesting  # not `Testing`: pytest would try to collect it
from syrupy.assertion import SnapshotAssertion

from lab.spacelift import (
    OpenTofuWorkflowTool,
    Stack,
    StackDependency,
    StackGitHubEnterprise,
    StackOpenTofu,
    StackOpenTofuLogging,
    TerraformWorkflowTool,
)
from tests.helpers import only_resource, resources, synth
from tests.spacelift.examples import full_stack

REQUIRED: dict[str, Any] = {"name": "Foundation", "repository": "lab", "branch": "main"}


def test_minimal_stack_synthesizes_only_what_is_set(stack: TerraformStack) -> None:
    Stack(stack, "Foundation", **REQUIRED)

    assert only_resource(synth(stack), "spacelift_stack") == REQUIRED


def test_full_stack_synthesizes_every_argument(
    stack: TerraformStack, json_snapshot: SnapshotAssertion
) -> None:
    full_stack(stack)

    body = only_resource(synth(stack), "spacelift_stack")

    assert body == {
        "name": "AWS foundation",
        "repository": "illm-k8s-lab",
        "branch": "main",
        "slug": "aws-foundation",
        "description": "VPC and shared AWS resources",
        "space_id": "lab-01HXYZ",
        "labels": ["lab", "aws"],
        "project_root": "cdktf.out/stacks/aws-foundation",
        "additional_project_globs": ["lab/**", "lab.yaml"],
        "github_enterprise": {"namespace": "illm", "id": "github-custom-app"},
        "opentofu": {
            "version": "1.10.6",
            "workflow_tool": "OPENTOFU",
            "workspace": "default",
            "use_smart_sanitization": True,
            "external_state_access": False,
            "logging": {"concise": True},
        },
        "autodeploy": False,
        "autoretry": True,
        "allow_run_promotion": False,
        "protect_from_deletion": True,
        "manage_state": True,
        "enable_local_preview": False,
        "enable_sensitive_outputs_upload": False,
        "enable_well_known_secret_masking": True,
        "runner_image": "public.ecr.aws/spacelift/runner-terraform:latest",
        "worker_pool_id": "01HWORKERPOOL",
        "before_init": ["echo before_init"],
        "after_init": ["echo after_init"],
        "before_plan": ["echo before_plan"],
        "after_plan": ["echo after_plan"],
        "before_apply": ["echo before_apply"],
        "after_apply": ["echo after_apply"],
        "before_perform": ["echo before_perform"],
        "after_perform": ["echo after_perform"],
        "before_destroy": ["echo before_destroy"],
        "after_destroy": ["echo after_destroy"],
        "after_run": ["echo after_run"],
    }
    assert body == json_snapshot


def test_false_and_empty_values_are_written_not_dropped(stack: TerraformStack) -> None:
    Stack(stack, "Foundation", **REQUIRED, autodeploy=False, labels=[], description="")

    body = only_resource(synth(stack), "spacelift_stack")

    assert body == {**REQUIRED, "autodeploy": False, "labels": [], "description": ""}


def test_empty_opentofu_block_still_marks_a_native_opentofu_stack(stack: TerraformStack) -> None:
    Stack(stack, "Foundation", **REQUIRED, opentofu=StackOpenTofu())

    assert only_resource(synth(stack), "spacelift_stack")["opentofu"] == {}


def test_cdktf_property_matcher_sees_the_attributes(stack: TerraformStack) -> None:
    full_stack(stack)
    synthesized = CdktfTesting.synth(stack)

    assert CdktfTesting.to_have_resource_with_properties(
        synthesized,
        Stack.TF_RESOURCE_TYPE,
        {"slug": "aws-foundation", "opentofu": {"logging": {"concise": True}}},
    )
    assert not CdktfTesting.to_have_resource_with_properties(
        synthesized, Stack.TF_RESOURCE_TYPE, {"autodeploy": True}
    )


@pytest.mark.parametrize(
    ("legacy", "replacement"),
    [
        ({"terraform_version": "1.8.0"}, "version"),
        ({"terraform_workflow_tool": TerraformWorkflowTool.OPEN_TOFU}, "workflow_tool"),
        ({"terraform_workspace": "prod"}, "workspace"),
        ({"terraform_smart_sanitization": True}, "use_smart_sanitization"),
        ({"terraform_external_state_access": False}, "external_state_access"),
    ],
)
def test_opentofu_block_refuses_each_legacy_terraform_setting(
    stack: TerraformStack, legacy: dict[str, Any], replacement: str
) -> None:
    ((name, value),) = legacy.items()

    with pytest.raises(ValueError) as raised:
        Stack(stack, "Foundation", **REQUIRED, opentofu=StackOpenTofu(), **legacy)

    assert str(raised.value) == (
        f"Stack 'Foundation': {name}={value!r} conflicts with opentofu; "
        f"set opentofu=StackOpenTofu({replacement}=...) instead"
    )
    assert resources(synth(stack), "spacelift_stack") == {}


def test_opentofu_conflict_lists_every_legacy_setting(stack: TerraformStack) -> None:
    with pytest.raises(ValueError, match=r"^Stack 'Foundation': terraform_version='1.8.0'") as e:
        Stack(
            stack,
            "Foundation",
            **REQUIRED,
            opentofu=StackOpenTofu(version="1.10.6"),
            terraform_version="1.8.0",
            terraform_workspace="prod",
        )

    assert "; terraform_workspace='prod' conflicts with opentofu;" in str(e.value)


def test_legacy_settings_work_without_the_opentofu_block(stack: TerraformStack) -> None:
    Stack(
        stack,
        "Foundation",
        **REQUIRED,
        terraform_version="1.10.6",
        terraform_workflow_tool=TerraformWorkflowTool.OPEN_TOFU,
        terraform_workspace="default",
        terraform_smart_sanitization=True,
        terraform_external_state_access=False,
    )

    assert only_resource(synth(stack), "spacelift_stack") == {
        **REQUIRED,
        "terraform_version": "1.10.6",
        "terraform_workflow_tool": "OPEN_TOFU",
        "terraform_workspace": "default",
        "terraform_smart_sanitization": True,
        "terraform_external_state_access": False,
    }


def test_token_attributes_render_as_references(stack: TerraformStack) -> None:
    foundation = Stack(stack, "Foundation", **REQUIRED)
    TerraformOutput(stack, "StackId", value=foundation.id)
    TerraformOutput(stack, "Trust", value=foundation.aws_assume_role_policy_statement)

    outputs = synth(stack)["output"]

    assert outputs["StackId"]["value"] == "${spacelift_stack.Foundation.id}"
    assert outputs["Trust"]["value"] == (
        "${spacelift_stack.Foundation.aws_assume_role_policy_statement}"
    )


def test_meta_arguments_pass_through(stack: TerraformStack) -> None:
    upstream = StackDependency(stack, "Order", stack_id="b", depends_on_stack_id="a")
    Stack(
        stack,
        "Foundation",
        **REQUIRED,
        depends_on=[upstream],
        lifecycle=TerraformResourceLifecycle(prevent_destroy=True),
    )

    body = only_resource(synth(stack), "spacelift_stack")

    assert body["depends_on"] == ["spacelift_stack_dependency.Order"]
    assert body["lifecycle"] == {"prevent_destroy": True}


def test_hcl_synthesis_renders_attributes_and_nested_blocks(stack: TerraformStack) -> None:
    Stack(
        stack,
        "Foundation",
        **REQUIRED,
        labels=["lab"],
        autodeploy=False,
        opentofu=StackOpenTofu(version="1.10.6", logging=StackOpenTofuLogging(concise=True)),
    )

    hcl = CdktfTesting.synth_hcl(stack)

    assert 'resource "spacelift_stack" "Foundation" {' in hcl
    assert 'repository = "lab"' in hcl
    assert "autodeploy = false" in hcl
    assert 'labels = [\n"lab"\n]' in hcl
    assert 'opentofu {\nversion = "1.10.6"\nlogging {\nconcise = true\n}\n}' in hcl


def test_blocks_list_only_the_attributes_that_are_set() -> None:
    block = StackOpenTofu(workflow_tool=OpenTofuWorkflowTool.CUSTOM)

    assert block.arguments() == {"workflow_tool": OpenTofuWorkflowTool.CUSTOM}
    assert StackGitHubEnterprise(namespace="illm").arguments() == {"namespace": "illm"}
