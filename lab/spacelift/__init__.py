"""Typed bindings for the ``spacelift-io/spacelift`` Terraform provider.

No prebuilt CDKTF package exists for the provider and ``cdktf get`` cannot reach the
registry here, so these are written by hand, for the resources and arguments the lab uses
and no others. Each resource's arguments are a frozen dataclass named after it, with fields
named after the provider's attributes; :class:`SpaceliftResource` puts one into a stack and
exposes its ID as a token (``${spacelift_stack.<name>.id}``)::

    stack = SpaceliftResource(scope, "Stack", Stack(name="lab", repository="lab", branch="main"))

A stack that uses any binding must also declare a :class:`SpaceliftProvider`.
``tests/data/spacelift_provider_schema.json`` records the provider schema these bindings
follow; ``tests/spacelift/conformance.py`` checks synthesized output against it.
"""

from lab.spacelift._base import (
    PROVIDER_SOURCE,
    PROVIDER_VERSION_CONSTRAINT,
    Arguments,
    Block,
    SpaceliftResource,
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
    AwsIntegration,
    AwsIntegrationAttachment,
    AzureIntegration,
    AzureIntegrationAttachment,
    IntegrationAttachment,
)
from lab.spacelift.lifecycle import ScheduledDeleteStack, StackDestructor
from lab.spacelift.policy import Policy, PolicyEngineType
from lab.spacelift.provider import SpaceliftProvider
from lab.spacelift.stack import OpenTofuWorkflowTool, Stack, StackGitHubEnterprise, StackOpenTofu

__all__ = [
    "DEFAULT_WRITE_ONLY",
    "PROVIDER_SOURCE",
    "PROVIDER_VERSION_CONSTRAINT",
    "Arguments",
    "AwsIntegration",
    "AwsIntegrationAttachment",
    "AzureIntegration",
    "AzureIntegrationAttachment",
    "Block",
    "Context",
    "ContextAttachment",
    "DriftDetection",
    "EnvironmentVariable",
    "IntegrationAttachment",
    "OpenTofuWorkflowTool",
    "Policy",
    "PolicyEngineType",
    "ScheduledDeleteStack",
    "SpaceliftProvider",
    "SpaceliftResource",
    "Stack",
    "StackDependency",
    "StackDependencyReference",
    "StackDestructor",
    "StackGitHubEnterprise",
    "StackOpenTofu",
]
