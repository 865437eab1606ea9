"""Stack teardown: ``spacelift_stack_destructor`` and ``spacelift_scheduled_delete_stack``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, Unpack

from constructs import Construct

from lab.spacelift._base import Block, ResourceMetaArguments, SpaceliftResource, is_literal

_GO_DURATION = re.compile(r"(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+")


@dataclass(frozen=True, kw_only=True)
class StackDestructorTimeouts(Block):
    """The ``timeouts { ... }`` block of a stack destructor."""

    delete: str | None = None
    """How long to wait for the destroy run, as a Go duration (``"45m"``, ``"1h30m"``).
    Default: unset, the provider's timeout."""

    def __post_init__(self) -> None:
        if is_literal(self.delete) and not _GO_DURATION.fullmatch(self.delete):
            raise ValueError(
                f"StackDestructorTimeouts: delete={self.delete!r} is not a duration; "
                'write it like "45m" or "1h30m"'
            )


class StackDestructor(SpaceliftResource):
    """Destroy a stack's cloud resources before the stack itself is deleted.

    Removing the destructor triggers a destroy run on the stack (unless ``deactivated``).
    Make it depend on everything the destroy run needs (the stack's cloud integration
    attachments, contexts, environment variables, role attachments) so those are deleted after
    it, and chain destructors with ``depends_on`` for ordered teardown.
    """

    TF_RESOURCE_TYPE: ClassVar[str] = "spacelift_stack_destructor"

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        stack_id: str,
        deactivated: bool | None = None,
        discard_runs: bool | None = None,
        timeouts: StackDestructorTimeouts | None = None,
        **meta: Unpack[ResourceMetaArguments],
    ) -> None:
        """Declare a destructor for ``stack_id``.

        Args:
            scope: The construct this destructor belongs to.
            id: Construct id; becomes the Terraform logical id.
            stack_id: ID of the stack to destroy (``Stack.id``).
            deactivated: Delete the stack without destroying its resources. Default: unset,
                which the provider treats as ``false`` (resources are destroyed).
            discard_runs: Discard the stack's pending runs before destroying. Default: unset,
                which the provider treats as ``false``.
            timeouts: How long the destroy may take. Default: the provider's timeouts.
            **meta: ``depends_on``, ``provider``, ``lifecycle``.
        """
        super().__init__(
            scope,
            id,
            {
                "stack_id": stack_id,
                "deactivated": deactivated,
                "discard_runs": discard_runs,
                "timeouts": timeouts,
            },
            **meta,
        )


class ScheduledDeleteStack(SpaceliftResource):
    """Delete a stack (and optionally its resources) at a fixed time."""

    TF_RESOURCE_TYPE: ClassVar[str] = "spacelift_scheduled_delete_stack"

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        stack_id: str,
        at: int,
        delete_resources: bool | None = None,
        **meta: Unpack[ResourceMetaArguments],
    ) -> None:
        """Schedule the deletion of ``stack_id``.

        Args:
            scope: The construct this schedule belongs to.
            id: Construct id; becomes the Terraform logical id.
            stack_id: ID of the stack to delete (``Stack.id``).
            at: When, as a Unix timestamp in seconds.
            delete_resources: Destroy the stack's resources first. Default: unset, which the
                provider treats as ``true`` (``Default: true`` in
                ``spacelift/resource_scheduled_delete_stack.go`` of provider v1.53.5); set it to
                ``false`` to leave the resources behind.
            **meta: ``depends_on``, ``provider``, ``lifecycle``.

        Raises:
            ValueError: ``at`` is not a positive timestamp.
        """
        if at <= 0:
            raise ValueError(
                f"ScheduledDeleteStack {id!r}: at={at} is not a Unix timestamp; pass seconds "
                "since the epoch, e.g. int(datetime(2030, 1, 1, tzinfo=UTC).timestamp())"
            )
        super().__init__(
            scope,
            id,
            {"stack_id": stack_id, "at": at, "delete_resources": delete_resources},
            **meta,
        )

    @property
    def schedule_id(self) -> str:
        """Token: ID of the schedule Spacelift created."""
        return self.get_string_attribute("schedule_id")
