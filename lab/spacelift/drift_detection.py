"""``spacelift_drift_detection``: scheduled proposed runs that detect drift."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Unpack

from constructs import Construct

from lab.spacelift._base import ResourceMetaArguments, SpaceliftResource


class DriftDetection(SpaceliftResource):
    """Run a proposed run on a schedule and report (optionally reconcile) drift.

    Drift detection only runs on private worker pools.
    """

    TF_RESOURCE_TYPE: ClassVar[str] = "spacelift_drift_detection"

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        stack_id: str,
        schedule: Sequence[str],
        reconcile: bool | None = None,
        ignore_state: bool | None = None,
        timezone: str | None = None,
        **meta: Unpack[ResourceMetaArguments],
    ) -> None:
        """Schedule drift detection on ``stack_id``.

        Args:
            scope: The construct this schedule belongs to.
            id: Construct id; becomes the Terraform logical id.
            stack_id: ID of the stack to check (``Stack.id``).
            schedule: Cron expressions, e.g. ``["0 6 * * 1-5"]``; at least one.
            reconcile: Trigger a tracked run when drift is found; it obeys ``autodeploy`` and
                the plan policies. Default: unset, which the provider treats as ``false``
                (report only).
            ignore_state: Also check stacks whose last run did not finish. Default: unset,
                which the provider treats as ``false`` (only FINISHED stacks).
            timezone: IANA time zone of ``schedule``. Default: unset, which the provider
                treats as ``UTC``.
            **meta: ``depends_on``, ``provider``, ``lifecycle``.

        Raises:
            ValueError: ``schedule`` is empty.
        """
        if len(schedule) == 0:  # a list token (Token.as_list) has one element
            raise ValueError(
                f"DriftDetection {id!r}: schedule is empty; give at least one cron expression, "
                'e.g. ["0 6 * * 1-5"]'
            )
        super().__init__(
            scope,
            id,
            {
                "stack_id": stack_id,
                "schedule": schedule,
                "reconcile": reconcile,
                "ignore_state": ignore_state,
                "timezone": timezone,
            },
            **meta,
        )
