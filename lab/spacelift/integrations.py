"""Cloud integrations: ``spacelift_aws_integration``, ``spacelift_azure_integration`` and their
attachments, which give runs short-lived cloud credentials instead of static secrets."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar, Final, Unpack

from cdktn import IResolvable
from constructs import Construct

from lab.spacelift._base import (
    ResourceMetaArguments,
    SpaceliftResource,
    is_literal,
    require_exactly_one,
)

MIN_AWS_SESSION_SECONDS: Final = 900
"""Shortest AWS STS session (and the provider's default ``duration_seconds``)."""

MAX_AWS_SESSION_SECONDS: Final = 43_200
"""Longest AWS STS session; the role's own maximum session duration must allow it too."""

AUTOATTACH_LABEL_PREFIX: Final = "autoattach:"
"""Labels with this prefix attach an integration to stacks carrying the rest of the label."""

_IAM_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+")
_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def _check_autoattach(
    element: str, autoattach_enabled: bool | None, labels: Sequence[str] | None
) -> None:
    """``autoattach_enabled`` does nothing without an ``autoattach:<label>`` label."""
    given = list(labels or [])
    if not autoattach_enabled or not all(is_literal(label) for label in given):
        return
    if not any(label.startswith(AUTOATTACH_LABEL_PREFIX) for label in given):
        raise ValueError(
            f"{element}: autoattach_enabled=True has no effect without an "
            f"'{AUTOATTACH_LABEL_PREFIX}<label>' label (labels={given!r}); add one, or attach "
            "the integration explicitly"
        )


def _check_guid(element: str, field: str, value: str | None) -> None:
    if is_literal(value) and not _GUID.fullmatch(value):
        raise ValueError(
            f"{element}: {field}={value!r} is not a GUID; copy the ID from the Azure portal "
            "(e.g. 00000000-0000-0000-0000-000000000000)"
        )


def _check_read_write(element: str, read: bool | None, write: bool | None) -> None:
    if read is False and write is False:
        raise ValueError(
            f"{element}: read=False and write=False grant no credentials at all; keep at least "
            "one, or delete the attachment"
        )


class AwsIntegration(SpaceliftResource):
    """An IAM role that Spacelift assumes to hand runs temporary AWS credentials.

    The role must trust Spacelift's AWS account with the external ID
    ``<account>@<integration id>@<stack slug>@<read|write>``.
    """

    TF_RESOURCE_TYPE: ClassVar[str] = "spacelift_aws_integration"

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        role_arn: str,
        duration_seconds: int | None = None,
        region: str | None = None,
        external_id: str | None = None,
        generate_credentials_in_worker: bool | None = None,
        tag_assume_role: bool | None = None,
        space_id: str | None = None,
        labels: Sequence[str] | None = None,
        autoattach_enabled: bool | None = None,
        **meta: Unpack[ResourceMetaArguments],
    ) -> None:
        """Declare an AWS integration.

        Args:
            scope: The construct this integration belongs to.
            id: Construct id; becomes the Terraform logical id.
            name: Display name.
            role_arn: ARN of the IAM role to assume.
            duration_seconds: Lifetime of the credentials, 900 to 43200; EKS creation outlasts
                the 15-minute default. Default: unset, which the provider treats as ``900``.
            region: AWS region whose regional STS endpoint to use. Default: the global
                endpoint.
            external_id: Custom external ID; private workers only. Default: unset.
            generate_credentials_in_worker: Assume the role on the private worker instead of
                in Spacelift. Default: unset, which the provider treats as ``false``.
            tag_assume_role: Tag the AssumeRole call with run and stack metadata. Default:
                unset, which the provider treats as ``false``.
            space_id: ID of the space the integration lives in. Default: unset, the provider's
                default space.
            labels: Labels, e.g. ``autoattach:<label>``. Default: none.
            autoattach_enabled: Attach to stacks matching an ``autoattach:<label>`` label.
                Default: unset, which the provider treats as ``false``.
            **meta: ``depends_on``, ``provider``, ``lifecycle``.

        Raises:
            ValueError: ``role_arn`` is not an IAM role ARN, ``duration_seconds`` is out of
                range, or ``autoattach_enabled`` is set without an ``autoattach:`` label.
        """
        element = f"AwsIntegration {id!r}"
        if is_literal(role_arn) and not _IAM_ROLE_ARN.fullmatch(role_arn):
            raise ValueError(
                f"{element}: role_arn={role_arn!r} is not an IAM role ARN; expected "
                "arn:aws:iam::<12-digit account>:role/<name>"
            )
        if duration_seconds is not None and not (
            MIN_AWS_SESSION_SECONDS <= duration_seconds <= MAX_AWS_SESSION_SECONDS
        ):
            raise ValueError(
                f"{element}: duration_seconds={duration_seconds} is outside what AWS STS allows; "
                f"choose {MIN_AWS_SESSION_SECONDS} to {MAX_AWS_SESSION_SECONDS} seconds"
            )
        _check_autoattach(element, autoattach_enabled, labels)
        super().__init__(
            scope,
            id,
            {
                "name": name,
                "role_arn": role_arn,
                "duration_seconds": duration_seconds,
                "region": region,
                "external_id": external_id,
                "generate_credentials_in_worker": generate_credentials_in_worker,
                "tag_assume_role": tag_assume_role,
                "space_id": space_id,
                "labels": labels,
                "autoattach_enabled": autoattach_enabled,
            },
            **meta,
        )


class AwsIntegrationAttachment(SpaceliftResource):
    """Give one stack (or module) credentials from an AWS integration.

    Spacelift tests the role assumption when the attachment is created, so make it depend on
    the IAM role and its trust policy (``depends_on=[role]``).
    """

    TF_RESOURCE_TYPE: ClassVar[str] = "spacelift_aws_integration_attachment"

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        integration_id: str,
        stack_id: str | None = None,
        module_id: str | None = None,
        read: bool | None = None,
        write: bool | None = None,
        **meta: Unpack[ResourceMetaArguments],
    ) -> None:
        """Attach ``integration_id`` to exactly one of ``stack_id`` or ``module_id``.

        Args:
            scope: The construct this attachment belongs to.
            id: Construct id; becomes the Terraform logical id.
            integration_id: ID of the integration (``AwsIntegration.id``).
            stack_id: ID of the stack to attach to. Default: none (set this or ``module_id``).
            module_id: ID of the module to attach to. Default: none.
            read: Use the credentials in read phases (plan). Default: unset, which the
                provider treats as ``true``.
            write: Use the credentials in write phases (apply). Default: unset, which the
                provider treats as ``true``.
            **meta: ``depends_on``, ``provider``, ``lifecycle``.

        Raises:
            ValueError: Not exactly one target is set, or both ``read`` and ``write`` are
                ``False``.
        """
        element = f"AwsIntegrationAttachment {id!r}"
        require_exactly_one(element, stack_id=stack_id, module_id=module_id)
        _check_read_write(element, read, write)
        super().__init__(
            scope,
            id,
            {
                "integration_id": integration_id,
                "stack_id": stack_id,
                "module_id": module_id,
                "read": read,
                "write": write,
            },
            **meta,
        )

    @property
    def attachment_id(self) -> str:
        """Token: Spacelift's internal ID of the attachment."""
        return self.get_string_attribute("attachment_id")


class AzureIntegration(SpaceliftResource):
    """An Entra ID application, created by Spacelift, that hands runs Azure credentials.

    After creation an administrator of the tenant must grant consent at
    :attr:`admin_consent_url`, and the service principal needs Azure RBAC roles.
    """

    TF_RESOURCE_TYPE: ClassVar[str] = "spacelift_azure_integration"

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        tenant_id: str,
        default_subscription_id: str | None = None,
        space_id: str | None = None,
        labels: Sequence[str] | None = None,
        autoattach_enabled: bool | None = None,
        **meta: Unpack[ResourceMetaArguments],
    ) -> None:
        """Declare an Azure integration.

        Args:
            scope: The construct this integration belongs to.
            id: Construct id; becomes the Terraform logical id.
            name: Display name.
            tenant_id: The Entra ID (Azure AD) tenant ID.
            default_subscription_id: Subscription used unless an attachment names another;
                required for auto-attachment. Default: unset.
            space_id: ID of the space the integration lives in. Default: unset, the provider's
                default space.
            labels: Labels, e.g. ``autoattach:<label>``. Default: none.
            autoattach_enabled: Attach to stacks matching an ``autoattach:<label>`` label.
                Default: unset, which the provider treats as ``false``.
            **meta: ``depends_on``, ``provider``, ``lifecycle``.

        Raises:
            ValueError: An ID is not a GUID, or ``autoattach_enabled`` is set without a
                default subscription or an ``autoattach:`` label.
        """
        element = f"AzureIntegration {id!r}"
        _check_guid(element, "tenant_id", tenant_id)
        _check_guid(element, "default_subscription_id", default_subscription_id)
        if autoattach_enabled and default_subscription_id is None:
            raise ValueError(
                f"{element}: autoattach_enabled=True needs default_subscription_id, because an "
                "auto-attached integration has no attachment to name a subscription"
            )
        _check_autoattach(element, autoattach_enabled, labels)
        super().__init__(
            scope,
            id,
            {
                "name": name,
                "tenant_id": tenant_id,
                "default_subscription_id": default_subscription_id,
                "space_id": space_id,
                "labels": labels,
                "autoattach_enabled": autoattach_enabled,
            },
            **meta,
        )

    @property
    def application_id(self) -> str:
        """Token: application (client) ID of the Entra ID application."""
        return self.get_string_attribute("application_id")

    @property
    def admin_consent_url(self) -> str:
        """Token: URL where a tenant administrator grants the application consent."""
        return self.get_string_attribute("admin_consent_url")

    @property
    def admin_consent_provided(self) -> IResolvable:
        """Token: whether admin consent has been granted."""
        return self.get_boolean_attribute("admin_consent_provided")

    @property
    def display_name(self) -> str:
        """Token: the application's generated display name in Azure."""
        return self.get_string_attribute("display_name")

    @property
    def service_principal_object_id(self) -> str:
        """Token: object ID of the application's service principal (assign RBAC roles to it)."""
        return self.get_string_attribute("service_principal_object_id")


class AzureIntegrationAttachment(SpaceliftResource):
    """Give one stack (or module) credentials from an Azure integration."""

    TF_RESOURCE_TYPE: ClassVar[str] = "spacelift_azure_integration_attachment"

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        integration_id: str,
        stack_id: str | None = None,
        module_id: str | None = None,
        subscription_id: str | None = None,
        read: bool | None = None,
        write: bool | None = None,
        **meta: Unpack[ResourceMetaArguments],
    ) -> None:
        """Attach ``integration_id`` to exactly one of ``stack_id`` or ``module_id``.

        Args:
            scope: The construct this attachment belongs to.
            id: Construct id; becomes the Terraform logical id.
            integration_id: ID of the integration (``AzureIntegration.id``).
            stack_id: ID of the stack to attach to. Default: none (set this or ``module_id``).
            module_id: ID of the module to attach to. Default: none.
            subscription_id: Subscription for this stack. Default: unset, the integration's
                ``default_subscription_id``.
            read: Use the credentials in read phases (plan). Default: unset, which the
                provider treats as ``true``.
            write: Use the credentials in write phases (apply). Default: unset, which the
                provider treats as ``true``.
            **meta: ``depends_on``, ``provider``, ``lifecycle``.

        Raises:
            ValueError: Not exactly one target is set, ``subscription_id`` is not a GUID, or
                both ``read`` and ``write`` are ``False``.
        """
        element = f"AzureIntegrationAttachment {id!r}"
        require_exactly_one(element, stack_id=stack_id, module_id=module_id)
        _check_guid(element, "subscription_id", subscription_id)
        _check_read_write(element, read, write)
        super().__init__(
            scope,
            id,
            {
                "integration_id": integration_id,
                "stack_id": stack_id,
                "module_id": module_id,
                "subscription_id": subscription_id,
                "read": read,
                "write": write,
            },
            **meta,
        )

    @property
    def attachment_id(self) -> str:
        """Token: Spacelift's internal ID of the attachment."""
        return self.get_string_attribute("attachment_id")
