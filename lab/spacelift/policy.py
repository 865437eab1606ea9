"""``spacelift_policy`` and ``spacelift_policy_attachment``: Rego policies and where they apply."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import ClassVar, Unpack

from constructs import Construct

from lab.spacelift._base import ResourceMetaArguments, SpaceliftResource, require_exactly_one


class PolicyType(enum.StrEnum):
    """What a policy decides.

    Left out: the provider's deprecated aliases (``STACK_ACCESS``, ``TASK_RUN``,
    ``TERRAFORM_PLAN``) and the types Spacelift deprecated in favour of roles and approval
    policies (``ACCESS``, ``INITIALIZATION``, ``TASK``).
    """

    APPROVAL = "APPROVAL"
    """Who must approve a run or task before it proceeds; attached to stacks."""
    GIT_PUSH = "GIT_PUSH"
    """Whether a push or pull request triggers a run, and of which kind; attached to stacks."""
    INTENT = "INTENT"
    """What Spacelift Intent projects (beta) may change; not attached to stacks."""
    LOGIN = "LOGIN"
    """Who may log in, with which roles; lives in the root space, not attached to stacks."""
    NOTIFICATION = "NOTIFICATION"
    """Which notifications go where; space-wide, not attached to stacks."""
    PLAN = "PLAN"
    """Whether a planned change is allowed, warned about or denied; attached to stacks."""
    TRIGGER = "TRIGGER"
    """Which stacks to trigger when a run finishes; attached to stacks."""


class PolicyEngineType(enum.StrEnum):
    """The Rego dialect the policy body is evaluated as."""

    REGO_V0 = "REGO_V0"
    """Rego v0 syntax (the provider's default)."""
    REGO_V1 = "REGO_V1"
    """Rego v1 syntax (``if``/``contains`` keywords), which this project's policies use."""


class Policy(SpaceliftResource):
    """A Rego policy, applied to stacks by :class:`PolicyAttachment` or ``autoattach:`` labels."""

    TF_RESOURCE_TYPE: ClassVar[str] = "spacelift_policy"

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        type: PolicyType,
        body: str,
        engine_type: PolicyEngineType | None = None,
        description: str | None = None,
        space_id: str | None = None,
        labels: Sequence[str] | None = None,
        **meta: Unpack[ResourceMetaArguments],
    ) -> None:
        """Declare a policy.

        Args:
            scope: The construct this policy belongs to.
            id: Construct id; becomes the Terraform logical id.
            name: Display name, unique in the account.
            type: What the policy decides; fixed when the policy is created.
            body: The Rego source.
            engine_type: Rego dialect of ``body``. Default: unset, which the provider treats
                as ``REGO_V0``; pass ``PolicyEngineType.REGO_V1`` for v1 syntax.
            description: Free-form description. Default: none.
            space_id: ID of the space the policy lives in. Default: unset, the provider's
                default space.
            labels: Labels, e.g. ``autoattach:<label>`` to apply it to every stack carrying
                ``<label>``. Default: none.
            **meta: ``depends_on``, ``provider``, ``lifecycle``.
        """
        super().__init__(
            scope,
            id,
            {
                "name": name,
                "type": type,
                "body": body,
                "engine_type": engine_type,
                "description": description,
                "space_id": space_id,
                "labels": labels,
            },
            **meta,
        )


class PolicyAttachment(SpaceliftResource):
    """Apply a policy to one stack (or module).

    Only stack-level policy types are attached: approval, Git push, plan and trigger.
    """

    TF_RESOURCE_TYPE: ClassVar[str] = "spacelift_policy_attachment"

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        policy_id: str,
        stack_id: str | None = None,
        module_id: str | None = None,
        **meta: Unpack[ResourceMetaArguments],
    ) -> None:
        """Attach ``policy_id`` to exactly one of ``stack_id`` or ``module_id``.

        Args:
            scope: The construct this attachment belongs to.
            id: Construct id; becomes the Terraform logical id.
            policy_id: ID of the policy (``Policy.id``).
            stack_id: ID of the stack to attach to. Default: none (set this or ``module_id``).
            module_id: ID of the module to attach to. Default: none.
            **meta: ``depends_on``, ``provider``, ``lifecycle``.

        Raises:
            ValueError: Not exactly one of ``stack_id`` and ``module_id`` is set.
        """
        require_exactly_one(f"PolicyAttachment {id!r}", stack_id=stack_id, module_id=module_id)
        super().__init__(
            scope,
            id,
            {"policy_id": policy_id, "stack_id": stack_id, "module_id": module_id},
            **meta,
        )
