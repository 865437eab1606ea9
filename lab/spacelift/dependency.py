"""``spacelift_stack_dependency`` and ``spacelift_stack_dependency_reference``: ordering tracked
runs between stacks and passing outputs downstream."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from lab.spacelift._base import Arguments, StackChild


@dataclass(frozen=True, kw_only=True)
class StackDependency(StackChild):
    """Make one stack's tracked runs (``stack_id``, the downstream stack) wait for another's.

    Only tracked runs follow dependencies; proposed runs and tasks ignore them. A run on the
    upstream stack queues a run on every downstream stack, never the other way round.
    """

    TERRAFORM_TYPE: ClassVar[str] = "spacelift_stack_dependency"

    depends_on_stack_id: str
    """ID of the upstream stack it waits for. Immutable."""


@dataclass(frozen=True, kw_only=True)
class StackDependencyReference(Arguments):
    """Pass an upstream stack's output to the dependent stack as an environment variable.

    The value comes from the upstream stack's last successful tracked run with an apply phase;
    until there is one, the dependent stack's runs fail with missing inputs. An unchanged
    output does not trigger the dependent stack (the provider's ``trigger_always`` default).
    """

    TERRAFORM_TYPE: ClassVar[str] = "spacelift_stack_dependency_reference"

    stack_dependency_id: str
    """ID of the :class:`StackDependency`."""
    output_name: str
    """Name of the upstream stack's output."""
    input_name: str
    """Environment variable it becomes in the dependent stack; ``TF_VAR_<variable>`` feeds an
    OpenTofu variable."""
