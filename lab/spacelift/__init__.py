"""Typed bindings for the ``spacelift-io/spacelift`` Terraform provider.

No prebuilt CDKTF package exists for the provider and ``cdktf get`` cannot reach the
registry here, so these are hand-written ``TerraformResource``/``TerraformDataSource``
subclasses, one module per concept. Every binding takes typed keyword-only arguments named
after the provider's attributes, validates them, and exposes read-only attributes as tokens
(``stack.id`` renders as ``${spacelift_stack.<name>.id}``).

A stack that uses any binding must also declare a :class:`SpaceliftProvider`.
``tests/data/spacelift_provider_schema.json`` records the provider schema these bindings
follow; ``tests/spacelift/conformance.py`` checks synthesized output against it.
"""

from lab.spacelift._base import (
    PROVIDER_SOURCE,
    PROVIDER_VERSION_CONSTRAINT,
    DataSourceMetaArguments,
    ResourceMetaArguments,
)
from lab.spacelift.context import (
    DEFAULT_WRITE_ONLY,
    Context,
    ContextAttachment,
    EnvironmentVariable,
)
from lab.spacelift.dependency import StackDependency, StackDependencyReference
from lab.spacelift.drift_detection import DriftDetection
from lab.spacelift.integrations import (
    AUTOATTACH_LABEL_PREFIX,
    MAX_AWS_SESSION_SECONDS,
    MIN_AWS_SESSION_SECONDS,
    AwsIntegration,
    AwsIntegrationAttachment,
    AzureIntegration,
    AzureIntegrationAttachment,
)
from lab.spacelift.lifecycle import ScheduledDeleteStack, StackDestructor, StackDestructorTimeouts
from lab.spacelift.policy import Policy, PolicyAttachment, PolicyEngineType, PolicyType
from lab.spacelift.provider import SpaceliftProvider
from lab.spacelift.roles import SPACE_ADMIN_ROLE_SLUG, DataSpaceliftRole, RoleAttachment
from lab.spacelift.stack import (
    OpenTofuWorkflowTool,
    Stack,
    StackGitHubEnterprise,
    StackOpenTofu,
    StackOpenTofuLogging,
    TerraformWorkflowTool,
)

__all__ = [
    "AUTOATTACH_LABEL_PREFIX",
    "DEFAULT_WRITE_ONLY",
    "MAX_AWS_SESSION_SECONDS",
    "MIN_AWS_SESSION_SECONDS",
    "PROVIDER_SOURCE",
    "PROVIDER_VERSION_CONSTRAINT",
    "SPACE_ADMIN_ROLE_SLUG",
    "AwsIntegration",
    "AwsIntegrationAttachment",
    "AzureIntegration",
    "AzureIntegrationAttachment",
    "Context",
    "ContextAttachment",
    "DataSourceMetaArguments",
    "DataSpaceliftRole",
    "DriftDetection",
    "EnvironmentVariable",
    "OpenTofuWorkflowTool",
    "Policy",
    "PolicyAttachment",
    "PolicyEngineType",
    "PolicyType",
    "ResourceMetaArguments",
    "RoleAttachment",
    "ScheduledDeleteStack",
    "SpaceliftProvider",
    "Stack",
    "StackDependency",
    "StackDependencyReference",
    "StackDestructor",
    "StackDestructorTimeouts",
    "StackGitHubEnterprise",
    "StackOpenTofu",
    "StackOpenTofuLogging",
    "TerraformWorkflowTool",
]
