"""Stack teardown: ``spacelift_stack_destructor`` and ``spacelift_scheduled_delete_stack``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from lab.spacelift._base import StackChild


@dataclass(frozen=True, kw_only=True)
class StackDestructor(StackChild):
    """Destroy a stack's cloud resources before the stack itself is deleted.

    Removing the destructor triggers a destroy run on the stack. Make it depend on everything
    the destroy run needs (the stack's cloud integration attachments, contexts, inputs) so those
    are deleted after it.
    """

    TERRAFORM_TYPE: ClassVar[str] = "spacelift_stack_destructor"


@dataclass(frozen=True, kw_only=True)
class ScheduledDeleteStack(StackChild):
    """Delete a stack (and optionally its resources) at a fixed time."""

    TERRAFORM_TYPE: ClassVar[str] = "spacelift_scheduled_delete_stack"

    at: int
    """When, as a Unix timestamp in seconds."""
    delete_resources: bool | None = None
    """Destroy the stack's resources first. Default: unset, which the provider treats as
    ``true`` (``Default: true`` in ``spacelift/resource_scheduled_delete_stack.go`` of provider
    v1.53.5)."""
