"""``spacelift_context``, ``spacelift_context_attachment`` and
``spacelift_environment_variable``: configuration shared by, or set on, stacks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Final, Unpack

from constructs import Construct

from lab.spacelift._base import (
    ResourceMetaArguments,
    SpaceliftResource,
    is_literal,
    require_exactly_one,
)

DEFAULT_WRITE_ONLY: Final = True
"""Environment variables are secret unless a caller opts out (the provider's default too)."""


class Context(SpaceliftResource):
    """A named bundle of environment variables, mounted files and hooks, attached to stacks.

    Label it ``autoattach:<label>`` to attach it to every stack carrying ``<label>`` in its
    space (and child spaces) without a :class:`ContextAttachment`.
    """

    TF_RESOURCE_TYPE: ClassVar[str] = "spacelift_context"

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        description: str | None = None,
        space_id: str | None = None,
        labels: Sequence[str] | None = None,
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
        **meta: Unpack[ResourceMetaArguments],
    ) -> None:
        """Declare a context.

        Args:
            scope: The construct this context belongs to.
            id: Construct id; becomes the Terraform logical id.
            name: Display name, unique in the account; the context's ID is derived from it.
            description: Free-form description. Default: none.
            space_id: ID of the space the context lives in. Default: unset, the provider's
                default space.
            labels: Labels, e.g. ``autoattach:<label>``. Default: none.
            before_init: Shell commands run before ``init`` in attached stacks. Default: none.
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
            **meta: ``depends_on``, ``provider``, ``lifecycle``.
        """
        super().__init__(
            scope,
            id,
            {
                "name": name,
                "description": description,
                "space_id": space_id,
                "labels": labels,
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
            },
            **meta,
        )


class ContextAttachment(SpaceliftResource):
    """Attach a context to one stack (or module), with a priority."""

    TF_RESOURCE_TYPE: ClassVar[str] = "spacelift_context_attachment"

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        context_id: str,
        stack_id: str | None = None,
        module_id: str | None = None,
        priority: int | None = None,
        **meta: Unpack[ResourceMetaArguments],
    ) -> None:
        """Attach ``context_id`` to exactly one of ``stack_id`` or ``module_id``.

        Args:
            scope: The construct this attachment belongs to.
            id: Construct id; becomes the Terraform logical id.
            context_id: ID of the context (``Context.id``).
            stack_id: ID of the stack to attach to. Default: none (set this or ``module_id``).
            module_id: ID of the module to attach to. Default: none.
            priority: Precedence among the stack's attached contexts; the lowest number wins
                a conflict. Default: unset, which the provider treats as ``0``.
            **meta: ``depends_on``, ``provider``, ``lifecycle``.

        Raises:
            ValueError: Not exactly one of ``stack_id`` and ``module_id`` is set.
        """
        require_exactly_one(f"ContextAttachment {id!r}", stack_id=stack_id, module_id=module_id)
        super().__init__(
            scope,
            id,
            {
                "context_id": context_id,
                "stack_id": stack_id,
                "module_id": module_id,
                "priority": priority,
            },
            **meta,
        )


class EnvironmentVariable(SpaceliftResource):
    """An environment variable on a context, stack or module; secret by default.

    The value is stored in the managing stack's state, so pass only values that stack may hold
    (IDs, names, references to other resources): never a secret literal from the code. The
    provider's write-only ``value_wo``/``value_wo_version`` pair is deliberately not offered.
    """

    TF_RESOURCE_TYPE: ClassVar[str] = "spacelift_environment_variable"

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        value: str,
        write_only: bool = DEFAULT_WRITE_ONLY,
        description: str | None = None,
        context_id: str | None = None,
        stack_id: str | None = None,
        module_id: str | None = None,
        **meta: Unpack[ResourceMetaArguments],
    ) -> None:
        """Declare ``name=value`` on exactly one of a context, stack or module.

        Args:
            scope: The construct this variable belongs to.
            id: Construct id; becomes the Terraform logical id.
            name: Variable name, e.g. ``TF_VAR_region``.
            value: The value; no newlines (Spacelift rejects them).
            write_only: Secret: the value is never shown in the UI or API, and runs mask it in
                logs. Default: ``True`` (always written out, so the plan shows it); pass
                ``False`` only for values that are safe to display.
            description: Free-form description. Default: none.
            context_id: ID of the context to set it on. Default: none (set exactly one of
                ``context_id``, ``stack_id`` and ``module_id``).
            stack_id: ID of the stack to set it on. Default: none.
            module_id: ID of the module to set it on. Default: none.
            **meta: ``depends_on``, ``provider``, ``lifecycle``.

        Raises:
            ValueError: Not exactly one target is set, or ``value`` contains a newline.
        """
        require_exactly_one(
            f"EnvironmentVariable {id!r}",
            context_id=context_id,
            stack_id=stack_id,
            module_id=module_id,
        )
        if is_literal(value) and ("\n" in value or "\r" in value):
            # The message names the variable, never the value: it may be a secret.
            raise ValueError(
                f"EnvironmentVariable {id!r}: value of {name} contains a newline, which "
                "Spacelift rejects; use a mounted file for multi-line content"
            )
        super().__init__(
            scope,
            id,
            {
                "name": name,
                "value": value,
                "write_only": write_only,
                "description": description,
                "context_id": context_id,
                "stack_id": stack_id,
                "module_id": module_id,
            },
            **meta,
        )

    @property
    def checksum(self) -> str:
        """Token: SHA-256 checksum of the value (usable to detect changes of a secret)."""
        return self.get_string_attribute("checksum")
