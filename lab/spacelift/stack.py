"""``spacelift_stack``: a repository path, its settings and its state, run by Spacelift."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar

from lab.spacelift._base import Block, LabelledEntity


class OpenTofuWorkflowTool(enum.StrEnum):
    """Who runs the OpenTofu commands of a native OpenTofu stack (``opentofu.workflow_tool``)."""

    OPENTOFU = "OPENTOFU"
    """Spacelift downloads and runs OpenTofu itself (the provider's default)."""
    CUSTOM = "CUSTOM"
    """The runner image provides the commands, described by a custom workflow file."""


@dataclass(frozen=True, kw_only=True)
class StackOpenTofu(Block):
    """The ``opentofu { ... }`` block: its presence makes the stack a native OpenTofu stack
    (provider 1.53.5+)."""

    version: str | None = None
    """OpenTofu version or semver range, e.g. ``"1.10.6"``. Default: unset, Spacelift's default
    version (pin it: an unpinned version changes under the stack)."""
    workflow_tool: OpenTofuWorkflowTool | None = None
    """Who runs the commands. Default: unset, which the provider treats as ``OPENTOFU``."""
    use_smart_sanitization: bool | None = None
    """Redact only values OpenTofu marks sensitive in plans and state shown by Spacelift, instead
    of every value. Default: unset, which the provider treats as ``true``."""
    external_state_access: bool | None = None
    """Let other stacks and tools outside Spacelift read this stack's state. Default: unset, which
    the provider treats as ``false`` (keep it: state can hold secrets)."""


@dataclass(frozen=True, kw_only=True)
class StackGitHubEnterprise(Block):
    """The ``github_enterprise { ... }`` block: the repository comes through a GitHub custom app."""

    namespace: str
    """The GitHub organization or user that owns the repository."""


@dataclass(frozen=True, kw_only=True)
class Stack(LabelledEntity):
    """A Spacelift stack: source code, settings and state that Spacelift plans and applies."""

    TERRAFORM_TYPE: ClassVar[str] = "spacelift_stack"

    repository: str
    """Repository name without its owner (the owner is ``github_enterprise.namespace``)."""
    branch: str
    """The tracked branch: pushes to it trigger tracked runs."""
    slug: str | None = None
    """The stack's ID. Immutable: changing it replaces the stack. Default: derived from ``name``."""
    project_root: str | None = None
    """Directory, relative to the repository root, that the stack runs in. Default: the root."""
    github_enterprise: StackGitHubEnterprise | None = None
    """Take the repository from a GitHub custom app. Default: the account's default VCS
    integration."""
    opentofu: StackOpenTofu | None = None
    """Make this a native OpenTofu stack. Default: none."""
    manage_state: bool | None = None
    """Let Spacelift host the state (an HTTP backend injected per run); chosen once, when the
    stack is created. Default: unset, which the provider treats as ``true``."""
    autodeploy: bool | None = None
    """Apply tracked runs without confirmation when the plan policies allow. Default: unset,
    which the provider treats as ``false``."""
    protect_from_deletion: bool | None = None
    """Make deleting the stack fail. Default: unset, which the provider treats as ``false``."""
    worker_pool_id: str | None = None
    """Private worker pool to run on. Default: the public worker pool."""
    enable_well_known_secret_masking: bool | None = None
    """Mask well-known secret formats in run logs. Default: unset, the provider's default."""
