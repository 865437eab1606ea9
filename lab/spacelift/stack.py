"""``spacelift_stack``: a repository path, its settings and its state, run by Spacelift."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Unpack

from constructs import Construct

from lab.spacelift._base import Block, ResourceMetaArguments, SpaceliftResource


class OpenTofuWorkflowTool(enum.StrEnum):
    """Who runs the OpenTofu commands of a native OpenTofu stack (``opentofu.workflow_tool``)."""

    OPENTOFU = "OPENTOFU"
    """Spacelift downloads and runs OpenTofu itself (the provider's default)."""
    CUSTOM = "CUSTOM"
    """The runner image provides the commands, described by a custom workflow file."""


class TerraformWorkflowTool(enum.StrEnum):
    """The tool behind the legacy ``terraform_workflow_tool`` stack setting."""

    OPEN_TOFU = "OPEN_TOFU"
    """OpenTofu; ``terraform_version`` is then an OpenTofu version."""
    TERRAFORM_FOSS = "TERRAFORM_FOSS"
    """The last open-source Terraform releases (the provider's default)."""
    CUSTOM = "CUSTOM"
    """The runner image provides the commands, described by a custom workflow file."""


@dataclass(frozen=True, kw_only=True)
class StackOpenTofuLogging(Block):
    """The ``opentofu { logging { ... } }`` block: how OpenTofu commands log."""

    concise: bool | None = None
    """Pass ``-concise`` to plan, apply and refresh (needs OpenTofu 1.7+). Default: unset, which
    the provider treats as ``true``."""


@dataclass(frozen=True, kw_only=True)
class StackOpenTofu(Block):
    """The ``opentofu { ... }`` block: its presence makes the stack a native OpenTofu stack.

    Needs provider 1.53.5+. It replaces the ``terraform_*`` stack settings, which the provider
    rejects alongside it.
    """

    version: str | None = None
    """OpenTofu version or semver range, e.g. ``"1.10.6"`` or ``"~> 1.10"``. Default: unset,
    Spacelift's default version (pin it: an unpinned version changes under the stack)."""
    workflow_tool: OpenTofuWorkflowTool | None = None
    """Who runs the commands. Default: unset, which the provider treats as ``OPENTOFU``."""
    workspace: str | None = None
    """OpenTofu workspace to select. Default: unset (OpenTofu's ``default`` workspace)."""
    use_smart_sanitization: bool | None = None
    """Redact only values OpenTofu marks sensitive in plans and state shown by Spacelift, instead
    of every value. Default: unset, which the provider treats as ``true``."""
    external_state_access: bool | None = None
    """Let other stacks and tools outside Spacelift read this stack's state. Default: unset, which
    the provider treats as ``false`` (keep it: state can hold secrets)."""
    logging: StackOpenTofuLogging | None = None
    """Logging settings. Default: unset, the provider's defaults."""


@dataclass(frozen=True, kw_only=True)
class StackGitHubEnterprise(Block):
    """The ``github_enterprise { ... }`` block: the repository comes through a GitHub custom app."""

    namespace: str
    """The GitHub organization or user that owns the repository."""
    id: str | None = None
    """ID of the GitHub integration to use. Default: unset, the account's default integration."""


_OPENTOFU_REPLACEMENTS = {
    "terraform_version": "version",
    "terraform_workflow_tool": "workflow_tool",
    "terraform_workspace": "workspace",
    "terraform_smart_sanitization": "use_smart_sanitization",
    "terraform_external_state_access": "external_state_access",
}
"""The legacy stack settings the ``opentofu`` block conflicts with, and their block equivalents."""


class Stack(SpaceliftResource):
    """A Spacelift stack: source code, settings and state that Spacelift plans and applies.

    Roles are attached with :class:`lab.spacelift.RoleAttachment`; the deprecated
    ``administrative`` flag is intentionally not offered.
    """

    TF_RESOURCE_TYPE: ClassVar[str] = "spacelift_stack"

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        repository: str,
        branch: str,
        slug: str | None = None,
        description: str | None = None,
        space_id: str | None = None,
        labels: Sequence[str] | None = None,
        project_root: str | None = None,
        additional_project_globs: Sequence[str] | None = None,
        github_enterprise: StackGitHubEnterprise | None = None,
        opentofu: StackOpenTofu | None = None,
        autodeploy: bool | None = None,
        autoretry: bool | None = None,
        allow_run_promotion: bool | None = None,
        protect_from_deletion: bool | None = None,
        manage_state: bool | None = None,
        enable_local_preview: bool | None = None,
        enable_sensitive_outputs_upload: bool | None = None,
        enable_well_known_secret_masking: bool | None = None,
        runner_image: str | None = None,
        worker_pool_id: str | None = None,
        before_init: Sequence[str] | None = None,
        after_init: Sequence[str] | None = None,
        before_plan: Sequence[str] | None = None,
        after_plan: Sequence[str] | None = None,
        before_apply: Sequence[str] | None = None,
        after_apply: Sequence[str] | None = None,
        before_perform: Sequence[str] | None = None,
        after_perform: Sequence[str] | None = None,
        before_destroy: Sequence[str] | None = None,
        after_destroy: Sequence[str] | None = None,
        after_run: Sequence[str] | None = None,
        terraform_version: str | None = None,
        terraform_workflow_tool: TerraformWorkflowTool | None = None,
        terraform_workspace: str | None = None,
        terraform_smart_sanitization: bool | None = None,
        terraform_external_state_access: bool | None = None,
        **meta: Unpack[ResourceMetaArguments],
    ) -> None:
        """Declare a stack.

        Args:
            scope: The construct this stack belongs to.
            id: Construct id; becomes the Terraform logical id.
            name: Display name, unique in the account.
            repository: Repository name without its owner (the owner is the VCS block's
                ``namespace``).
            branch: The tracked branch: pushes to it trigger tracked runs.
            slug: The stack's ID. Immutable: changing it replaces the stack. Default: derived
                from ``name``.
            description: Free-form description. Default: none.
            space_id: ID of the space the stack lives in. Default: ``legacy`` if the account
                still has it, otherwise ``root``.
            labels: Labels; also select auto-attached contexts and policies. Default: none.
            project_root: Directory, relative to the repository root, that the stack runs in.
                Default: the repository root.
            additional_project_globs: Paths outside ``project_root`` whose changes also
                trigger the stack. Default: none.
            github_enterprise: Take the repository from a GitHub custom app. Default: the
                account's default VCS integration.
            opentofu: Make this a native OpenTofu stack (conflicts with every
                ``terraform_*`` argument). Default: none.
            autodeploy: Apply tracked runs without confirmation when the plan policies allow.
                Default: unset, which the provider treats as ``false``.
            autoretry: Retry proposed runs made obsolete by a newer commit. Default: unset,
                which the provider treats as ``false``.
            allow_run_promotion: Allow promoting a proposed run to a tracked run. Default:
                unset, which the provider treats as ``true``.
            protect_from_deletion: Make deleting the stack fail. Default: unset, which the
                provider treats as ``false``.
            manage_state: Let Spacelift host the state (an HTTP backend injected per run);
                chosen once, when the stack is created. Default: unset, which the provider
                treats as ``true``.
            enable_local_preview: Allow local-preview runs from a developer's workstation.
                Default: unset, which the provider treats as ``false``.
            enable_sensitive_outputs_upload: Let sensitive outputs flow to dependent stacks
                through references. Default: unset, which the provider treats as ``true``.
            enable_well_known_secret_masking: Mask well-known secret formats in run logs.
                Default: unset, the provider's default.
            runner_image: Docker image that runs the stack's phases. Default: Spacelift's
                runner image for the workflow tool.
            worker_pool_id: Private worker pool to run on. Default: the public worker pool.
            before_init: Shell commands run before ``init``. Default: none.
            after_init: Shell commands run after ``init``. Default: none.
            before_plan: Shell commands run before ``plan``. Default: none.
            after_plan: Shell commands run after ``plan``. Default: none.
            before_apply: Shell commands run before ``apply``. Default: none.
            after_apply: Shell commands run after ``apply``. Default: none.
            before_perform: Shell commands run before a task. Default: none.
            after_perform: Shell commands run after a task. Default: none.
            before_destroy: Shell commands run before ``destroy``. Default: none.
            after_destroy: Shell commands run after ``destroy``. Default: none.
            after_run: Shell commands run at the end of every run. Default: none.
            terraform_version: Legacy (prefer ``opentofu``): tool version. Default: unset.
            terraform_workflow_tool: Legacy: the tool. Default: unset, which the provider
                treats as ``TERRAFORM_FOSS``.
            terraform_workspace: Legacy: workspace to select. Default: unset.
            terraform_smart_sanitization: Legacy: redact only sensitive values. Default:
                unset, which the provider treats as ``false``.
            terraform_external_state_access: Legacy: let others read the state. Default:
                unset, which the provider treats as ``false``.
            **meta: ``depends_on``, ``provider``, ``lifecycle``.

        Raises:
            ValueError: ``opentofu`` is combined with a ``terraform_*`` argument.
        """
        legacy = {
            "terraform_version": terraform_version,
            "terraform_workflow_tool": terraform_workflow_tool,
            "terraform_workspace": terraform_workspace,
            "terraform_smart_sanitization": terraform_smart_sanitization,
            "terraform_external_state_access": terraform_external_state_access,
        }
        if opentofu is not None:
            conflicts = [
                f"{name}={value!r} conflicts with opentofu; "
                f"set opentofu=StackOpenTofu({_OPENTOFU_REPLACEMENTS[name]}=...) instead"
                for name, value in legacy.items()
                if value is not None
            ]
            if conflicts:
                raise ValueError(f"Stack {id!r}: " + "; ".join(conflicts))
        super().__init__(
            scope,
            id,
            {
                "name": name,
                "repository": repository,
                "branch": branch,
                "slug": slug,
                "description": description,
                "space_id": space_id,
                "labels": labels,
                "project_root": project_root,
                "additional_project_globs": additional_project_globs,
                "github_enterprise": github_enterprise,
                "opentofu": opentofu,
                "autodeploy": autodeploy,
                "autoretry": autoretry,
                "allow_run_promotion": allow_run_promotion,
                "protect_from_deletion": protect_from_deletion,
                "manage_state": manage_state,
                "enable_local_preview": enable_local_preview,
                "enable_sensitive_outputs_upload": enable_sensitive_outputs_upload,
                "enable_well_known_secret_masking": enable_well_known_secret_masking,
                "runner_image": runner_image,
                "worker_pool_id": worker_pool_id,
                "before_init": before_init,
                "after_init": after_init,
                "before_plan": before_plan,
                "after_plan": after_plan,
                "before_apply": before_apply,
                "after_apply": after_apply,
                "before_perform": before_perform,
                "after_perform": after_perform,
                "before_destroy": before_destroy,
                "after_destroy": after_destroy,
                "after_run": after_run,
                **legacy,
            },
            **meta,
        )

    @property
    def aws_assume_role_policy_statement(self) -> str:
        """Token: the IAM trust statement that lets Spacelift assume a role for this stack."""
        return self.get_string_attribute("aws_assume_role_policy_statement")
