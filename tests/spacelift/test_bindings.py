"""The bindings: each argument synthesized under its attribute name, unset ones left out,
values rendered as Terraform JSON, IDs as references, ``depends_on`` passed through."""

from __future__ import annotations

import dataclasses

import pytest
from cdktn import TerraformOutput, TerraformStack

from lab.spacelift import (
    DEFAULT_WRITE_ONLY,
    AwsIntegrationAttachment,
    AzureIntegrationAttachment,
    EnvironmentVariable,
    IntegrationAttachment,
    OpenTofuWorkflowTool,
    SpaceliftResource,
    Stack,
    StackDependency,
    StackOpenTofu,
)
from tests.helpers import new_stack, only_resource, resources, synth
from tests.spacelift.examples import BINDINGS, FULL_STACK, every_binding

REQUIRED = Stack(name="Foundation", repository="lab", branch="main")


def test_every_argument_is_synthesized_under_its_attribute_name() -> None:
    stack = new_stack()
    made = every_binding(stack)
    doc = synth(stack)

    for id, resource in made.items():
        arguments = resource.arguments
        body = resources(doc, arguments.TERRAFORM_TYPE)[id]
        set_fields = {
            field.name
            for field in dataclasses.fields(arguments)
            if getattr(arguments, field.name) is not None
        }
        assert set(body) - {"depends_on"} == set_fields, id
    # The example sets every argument of every binding at least once.
    assert {type(resource.arguments) for resource in made.values()} == set(BINDINGS)
    for binding in BINDINGS:
        used = {
            key
            for resource in made.values()
            if type(resource.arguments) is binding
            for key in resource.arguments.to_terraform()
        }
        assert used == {field.name for field in dataclasses.fields(binding)}, binding


def test_values_render_as_terraform_json(stack: TerraformStack) -> None:
    SpaceliftResource(stack, "Foundation", FULL_STACK)

    assert only_resource(synth(stack), "spacelift_stack") == {
        "name": "AWS foundation",
        "repository": "illm-k8s-lab",
        "branch": "main",
        "slug": "aws-foundation",
        "description": "VPC and shared AWS resources",
        "space_id": "lab-01HXYZ",
        "labels": ["lab", "aws"],
        "project_root": "cdktf.out/stacks/aws-foundation",
        "github_enterprise": {"namespace": "illm"},  # a nested block is one object
        "opentofu": {
            "version": "1.10.6",
            "workflow_tool": "OPENTOFU",  # an enum by its value
            "use_smart_sanitization": True,
            "external_state_access": False,
        },
        "manage_state": True,
        "autodeploy": False,
        "protect_from_deletion": True,
        "worker_pool_id": "01HWORKERPOOL",
        "enable_well_known_secret_masking": True,
    }


def test_unset_arguments_are_left_to_the_provider(stack: TerraformStack) -> None:
    SpaceliftResource(stack, "Foundation", REQUIRED)

    assert only_resource(synth(stack), "spacelift_stack") == {
        "name": "Foundation",
        "repository": "lab",
        "branch": "main",
    }
    assert StackOpenTofu(workflow_tool=OpenTofuWorkflowTool.CUSTOM).to_terraform() == {
        "workflow_tool": "CUSTOM"
    }


def test_false_and_empty_values_are_written_not_dropped(stack: TerraformStack) -> None:
    arguments = dataclasses.replace(
        REQUIRED, autodeploy=False, labels=[], description="", opentofu=StackOpenTofu()
    )
    SpaceliftResource(stack, "Foundation", arguments)

    body = only_resource(synth(stack), "spacelift_stack")

    assert {key: body[key] for key in ("autodeploy", "labels", "description", "opentofu")} == {
        "autodeploy": False,
        "labels": [],
        "description": "",
        "opentofu": {},  # an empty block still makes a native OpenTofu stack
    }


def test_ids_render_as_references_and_depends_on_passes_through(stack: TerraformStack) -> None:
    foundation = SpaceliftResource(stack, "Foundation", REQUIRED)
    order = SpaceliftResource(
        stack, "Order", StackDependency(stack_id="cluster", depends_on_stack_id=foundation.id)
    )
    SpaceliftResource(
        stack, "Cluster", dataclasses.replace(REQUIRED, name="Cluster"), depends_on=[order]
    )
    TerraformOutput(stack, "StackId", value=foundation.id)

    doc = synth(stack)

    assert doc["output"]["StackId"]["value"] == "${spacelift_stack.Foundation.id}"
    assert only_resource(doc, "spacelift_stack_dependency")["depends_on_stack_id"] == (
        "${spacelift_stack.Foundation.id}"
    )
    assert resources(doc, "spacelift_stack")["Cluster"]["depends_on"] == [
        "spacelift_stack_dependency.Order"
    ]


def test_arguments_are_keyword_only_and_frozen() -> None:
    with pytest.raises(TypeError):
        Stack("Foundation", "lab", "main")  # type: ignore[call-arg]
    with pytest.raises(dataclasses.FrozenInstanceError):
        REQUIRED.name = "Other"  # type: ignore[misc]


def test_environment_variable_is_secret_by_default(stack: TerraformStack) -> None:
    variable = EnvironmentVariable(context_id="ctx", name="TF_VAR_region", value="eu-west-1")
    SpaceliftResource(stack, "Region", variable)

    assert DEFAULT_WRITE_ONLY is True
    assert only_resource(synth(stack), "spacelift_environment_variable") == {
        "context_id": "ctx",
        "name": "TF_VAR_region",
        "value": "eu-west-1",
        "write_only": True,
    }


def test_both_clouds_attach_integrations_with_the_same_arguments() -> None:
    aws = AwsIntegrationAttachment(integration_id="i", stack_id="s", read=True, write=False)
    azure = AzureIntegrationAttachment(integration_id="i", stack_id="s", read=True, write=False)

    assert (
        aws.to_terraform()
        == azure.to_terraform()
        == {
            "integration_id": "i",
            "stack_id": "s",
            "read": True,
            "write": False,
        }
    )
    assert (aws.TERRAFORM_TYPE, azure.TERRAFORM_TYPE) == (
        "spacelift_aws_integration_attachment",
        "spacelift_azure_integration_attachment",
    )
    assert not hasattr(IntegrationAttachment, "TERRAFORM_TYPE")  # only a cloud's attachment
