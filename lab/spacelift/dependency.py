"""``spacelift_stack_dependency`` and ``spacelift_stack_dependency_reference``: ordering tracked
runs between stacks and passing outputs downstream."""

from __future__ import annotations

from typing import ClassVar, Unpack

from constructs import Construct

from lab.spacelift._base import ResourceMetaArguments, SpaceliftResource


class StackDependency(SpaceliftResource):
    """Make one stack's tracked runs wait for another's.

    Only tracked runs follow dependencies; proposed runs and tasks ignore them. A run on the
    upstream stack queues a run on every downstream stack, never the other way round.
    """

    TF_RESOURCE_TYPE: ClassVar[str] = "spacelift_stack_dependency"

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        stack_id: str,
        depends_on_stack_id: str,
        **meta: Unpack[ResourceMetaArguments],
    ) -> None:
        """Declare that ``stack_id`` depends on ``depends_on_stack_id``.

        Args:
            scope: The construct this dependency belongs to.
            id: Construct id; becomes the Terraform logical id.
            stack_id: ID of the downstream (dependent) stack, e.g. ``Stack.id``. Immutable.
            depends_on_stack_id: ID of the upstream stack it waits for. Immutable.
            **meta: ``depends_on``, ``provider``, ``lifecycle``.

        Raises:
            ValueError: A stack would depend on itself.
        """
        if stack_id == depends_on_stack_id:  # equal literals, or the very same token
            raise ValueError(
                f"StackDependency {id!r}: stack_id and depends_on_stack_id are both "
                f"{stack_id!r}; a stack cannot depend on itself"
            )
        super().__init__(
            scope,
            id,
            {"stack_id": stack_id, "depends_on_stack_id": depends_on_stack_id},
            **meta,
        )


class StackDependencyReference(SpaceliftResource):
    """Pass an upstream stack's output to the dependent stack as an environment variable.

    The value comes from the upstream stack's last successful tracked run with an apply phase;
    until there is one, the dependent stack's runs fail with missing inputs.
    """

    TF_RESOURCE_TYPE: ClassVar[str] = "spacelift_stack_dependency_reference"

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        stack_dependency_id: str,
        output_name: str,
        input_name: str,
        trigger_always: bool | None = None,
        **meta: Unpack[ResourceMetaArguments],
    ) -> None:
        """Wire ``output_name`` of the upstream stack to ``input_name`` of the dependent one.

        Args:
            scope: The construct this reference belongs to.
            id: Construct id; becomes the Terraform logical id.
            stack_dependency_id: ID of the :class:`StackDependency` (``StackDependency.id``).
            output_name: Name of the upstream stack's output.
            input_name: Environment variable it becomes in the dependent stack; use
                ``TF_VAR_<variable>`` to feed an OpenTofu variable.
            trigger_always: Trigger the dependent stack even when the output did not change.
                Default: unset, which the provider treats as ``false`` (unchanged outputs skip
                the dependent run).
            **meta: ``depends_on``, ``provider``, ``lifecycle``.
        """
        super().__init__(
            scope,
            id,
            {
                "stack_dependency_id": stack_dependency_id,
                "output_name": output_name,
                "input_name": input_name,
                "trigger_always": trigger_always,
            },
            **meta,
        )
