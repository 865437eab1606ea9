"""AWS and Azure integrations and their attachments."""

from __future__ import annotations

from typing import Any

import pytest
from cdktn import TerraformOutput, TerraformStack, TerraformVariable
from syrupy.assertion import SnapshotAssertion

from lab.spacelift import (
    AwsIntegration,
    AwsIntegrationAttachment,
    AzureIntegration,
    AzureIntegrationAttachment,
)
from tests.helpers import only_resource, resources, synth

ROLE_ARN = "arn:aws:iam::123456789012:role/spacelift-lab"
TENANT = "11111111-2222-3333-4444-555555555555"
SUBSCRIPTION = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"


def test_aws_integration_and_attachment_synthesize_every_argument(
    stack: TerraformStack, json_snapshot: SnapshotAssertion
) -> None:
    integration = AwsIntegration(
        stack,
        "Aws",
        name="lab-aws",
        role_arn=ROLE_ARN,
        duration_seconds=3600,
        region="eu-west-1",
        external_id="lab-external-id",
        generate_credentials_in_worker=False,
        tag_assume_role=True,
        space_id="lab-01HXYZ",
        labels=["autoattach:aws"],
        autoattach_enabled=True,
    )
    AwsIntegrationAttachment(
        stack,
        "AwsOnFoundation",
        integration_id=integration.id,
        stack_id="aws-foundation",
        read=True,
        write=False,
    )

    doc = synth(stack)

    assert only_resource(doc, "spacelift_aws_integration") == {
        "name": "lab-aws",
        "role_arn": ROLE_ARN,
        "duration_seconds": 3600,
        "region": "eu-west-1",
        "external_id": "lab-external-id",
        "generate_credentials_in_worker": False,
        "tag_assume_role": True,
        "space_id": "lab-01HXYZ",
        "labels": ["autoattach:aws"],
        "autoattach_enabled": True,
    }
    assert only_resource(doc, "spacelift_aws_integration_attachment") == {
        "integration_id": "${spacelift_aws_integration.Aws.id}",
        "stack_id": "aws-foundation",
        "read": True,
        "write": False,
    }
    assert doc["resource"] == json_snapshot


@pytest.mark.parametrize(
    "role_arn",
    ["arn:aws:iam::123456789012:user/alice", "arn:aws:iam::1234:role/short-account", "spacelift"],
)
def test_aws_integration_needs_an_iam_role_arn(stack: TerraformStack, role_arn: str) -> None:
    with pytest.raises(ValueError) as raised:
        AwsIntegration(stack, "Aws", name="lab-aws", role_arn=role_arn)

    assert str(raised.value) == (
        f"AwsIntegration 'Aws': role_arn={role_arn!r} is not an IAM role ARN; expected "
        "arn:aws:iam::<12-digit account>:role/<name>"
    )


def test_aws_integration_skips_the_arn_check_for_unresolved_values(stack: TerraformStack) -> None:
    role_arn = TerraformVariable(stack, "RoleArn", type="string").string_value
    AwsIntegration(stack, "Token", name="token", role_arn=role_arn)
    AwsIntegration(stack, "Expression", name="expression", role_arn="${var.RoleArn}")
    AwsIntegration(
        stack, "GovCloud", name="gov", role_arn="arn:aws-us-gov:iam::123456789012:role/x"
    )

    role_arns = {
        name: body["role_arn"]
        for name, body in resources(synth(stack), "spacelift_aws_integration").items()
    }

    assert role_arns == {
        "Token": "${var.RoleArn}",
        "Expression": "${var.RoleArn}",
        "GovCloud": "arn:aws-us-gov:iam::123456789012:role/x",
    }


@pytest.mark.parametrize("duration", [899, 43_201])
def test_aws_session_duration_must_be_within_sts_limits(
    stack: TerraformStack, duration: int
) -> None:
    with pytest.raises(ValueError) as raised:
        AwsIntegration(stack, "Aws", name="lab-aws", role_arn=ROLE_ARN, duration_seconds=duration)

    assert str(raised.value) == (
        f"AwsIntegration 'Aws': duration_seconds={duration} is outside what AWS STS allows; "
        "choose 900 to 43200 seconds"
    )


@pytest.mark.parametrize("labels", [None, ["aws"]])
def test_autoattach_needs_an_autoattach_label(
    stack: TerraformStack, labels: list[str] | None
) -> None:
    with pytest.raises(ValueError) as raised:
        AwsIntegration(
            stack, "Aws", name="a", role_arn=ROLE_ARN, labels=labels, autoattach_enabled=True
        )

    assert str(raised.value) == (
        "AwsIntegration 'Aws': autoattach_enabled=True has no effect without an "
        f"'autoattach:<label>' label (labels={labels or []!r}); add one, or attach the "
        "integration explicitly"
    )


def test_attachment_must_grant_read_or_write(stack: TerraformStack) -> None:
    with pytest.raises(ValueError) as aws:
        AwsIntegrationAttachment(
            stack, "Aws", integration_id="i", stack_id="s", read=False, write=False
        )
    with pytest.raises(ValueError) as azure:
        AzureIntegrationAttachment(
            stack, "Az", integration_id="i", stack_id="s", read=False, write=False
        )

    assert str(aws.value) == (
        "AwsIntegrationAttachment 'Aws': read=False and write=False grant no credentials at "
        "all; keep at least one, or delete the attachment"
    )
    assert str(azure.value).startswith(
        "AzureIntegrationAttachment 'Az': read=False and write=False"
    )


def test_attachments_need_exactly_one_target(stack: TerraformStack) -> None:
    with pytest.raises(ValueError, match=r"^AwsIntegrationAttachment 'Aws': set exactly one of"):
        AwsIntegrationAttachment(stack, "Aws", integration_id="i")
    with pytest.raises(ValueError, match=r"^AzureIntegrationAttachment 'Az': set exactly one of"):
        AzureIntegrationAttachment(stack, "Az", integration_id="i", stack_id="s", module_id="m")


def test_azure_integration_and_attachment_synthesize_every_argument(
    stack: TerraformStack, json_snapshot: SnapshotAssertion
) -> None:
    integration = AzureIntegration(
        stack,
        "Azure",
        name="lab-azure",
        tenant_id=TENANT,
        default_subscription_id=SUBSCRIPTION,
        space_id="lab-01HXYZ",
        labels=["autoattach:azure"],
        autoattach_enabled=True,
    )
    AzureIntegrationAttachment(
        stack,
        "AzureOnFoundation",
        integration_id=integration.id,
        module_id="aks-module",
        subscription_id=SUBSCRIPTION,
        read=True,
        write=True,
    )

    doc = synth(stack)

    assert only_resource(doc, "spacelift_azure_integration") == {
        "name": "lab-azure",
        "tenant_id": TENANT,
        "default_subscription_id": SUBSCRIPTION,
        "space_id": "lab-01HXYZ",
        "labels": ["autoattach:azure"],
        "autoattach_enabled": True,
    }
    assert only_resource(doc, "spacelift_azure_integration_attachment") == {
        "integration_id": "${spacelift_azure_integration.Azure.id}",
        "module_id": "aks-module",
        "subscription_id": SUBSCRIPTION,
        "read": True,
        "write": True,
    }
    assert doc["resource"] == json_snapshot


def test_azure_read_only_attributes_are_tokens(stack: TerraformStack) -> None:
    integration = AzureIntegration(stack, "Azure", name="lab-azure", tenant_id=TENANT)
    attachment = AzureIntegrationAttachment(
        stack, "Attach", integration_id=integration.id, stack_id="s"
    )
    tokens = {
        "application_id": integration.application_id,
        "admin_consent_url": integration.admin_consent_url,
        "admin_consent_provided": integration.admin_consent_provided,
        "display_name": integration.display_name,
        "service_principal_object_id": integration.service_principal_object_id,
    }
    for name, token in tokens.items():
        TerraformOutput(stack, name, value=token)
    TerraformOutput(stack, "attachment_id", value=attachment.attachment_id)

    outputs = synth(stack)["output"]

    assert {name: outputs[name]["value"] for name in tokens} == {
        name: f"${{spacelift_azure_integration.Azure.{name}}}" for name in tokens
    }
    assert outputs["attachment_id"]["value"] == (
        "${spacelift_azure_integration_attachment.Attach.attachment_id}"
    )


@pytest.mark.parametrize("field", ["tenant_id", "default_subscription_id"])
def test_azure_ids_must_be_guids(stack: TerraformStack, field: str) -> None:
    ids: dict[str, Any] = {
        "tenant_id": TENANT,
        "default_subscription_id": SUBSCRIPTION,
        field: "my-tenant",
    }

    with pytest.raises(ValueError) as raised:
        AzureIntegration(stack, "Azure", name="lab-azure", **ids)

    assert str(raised.value) == (
        f"AzureIntegration 'Azure': {field}='my-tenant' is not a GUID; copy the ID from the "
        "Azure portal (e.g. 00000000-0000-0000-0000-000000000000)"
    )


def test_azure_autoattach_needs_a_default_subscription(stack: TerraformStack) -> None:
    with pytest.raises(ValueError) as raised:
        AzureIntegration(
            stack,
            "Azure",
            name="a",
            tenant_id=TENANT,
            labels=["autoattach:azure"],
            autoattach_enabled=True,
        )

    assert str(raised.value) == (
        "AzureIntegration 'Azure': autoattach_enabled=True needs default_subscription_id, "
        "because an auto-attached integration has no attachment to name a subscription"
    )
