"""Cloud integrations: ``spacelift_aws_integration``, ``spacelift_azure_integration`` and their
attachments, which give runs short-lived cloud credentials instead of static secrets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from lab.spacelift._base import SpaceEntity, StackChild


@dataclass(frozen=True, kw_only=True)
class AwsIntegration(SpaceEntity):
    """An IAM role that Spacelift assumes to hand runs temporary AWS credentials.

    The role must trust Spacelift's AWS account with the external ID
    ``<account>@<integration id>@<stack slug>@<read|write>``.
    """

    TERRAFORM_TYPE: ClassVar[str] = "spacelift_aws_integration"

    role_arn: str
    """ARN of the IAM role to assume."""
    duration_seconds: int | None = None
    """Lifetime of the credentials, 900 to 43200 (AWS STS's limits). Default: unset, which the
    provider treats as ``900``."""
    region: str | None = None
    """AWS region whose regional STS endpoint to use. Default: the global endpoint."""


@dataclass(frozen=True, kw_only=True)
class AzureIntegration(SpaceEntity):
    """An Entra ID application, created by Spacelift, that hands runs Azure credentials.

    After creation an administrator of the tenant must grant it consent, and its service
    principal needs Azure RBAC roles.
    """

    TERRAFORM_TYPE: ClassVar[str] = "spacelift_azure_integration"

    tenant_id: str
    """The Entra ID (Azure AD) tenant ID."""
    default_subscription_id: str | None = None
    """Subscription used unless an attachment names another. Default: unset."""


@dataclass(frozen=True, kw_only=True)
class IntegrationAttachment(StackChild):
    """Give one stack credentials from a cloud integration, in the read phase (plans), the
    write phase (applies) or both; a subclass names the cloud."""

    integration_id: str
    """ID of the integration."""
    read: bool | None = None
    """Use the credentials in read phases. Default: unset, which the provider treats as
    ``true``."""
    write: bool | None = None
    """Use the credentials in write phases. Default: unset, which the provider treats as
    ``true``."""


@dataclass(frozen=True, kw_only=True)
class AwsIntegrationAttachment(IntegrationAttachment):
    """Attach an :class:`AwsIntegration`. Spacelift tests the role assumption when the
    attachment is created, so the IAM role and its trust policy must exist first."""

    TERRAFORM_TYPE: ClassVar[str] = "spacelift_aws_integration_attachment"


@dataclass(frozen=True, kw_only=True)
class AzureIntegrationAttachment(IntegrationAttachment):
    """Attach an :class:`AzureIntegration`, with its default subscription."""

    TERRAFORM_TYPE: ClassVar[str] = "spacelift_azure_integration_attachment"
