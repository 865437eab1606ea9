"""``spacelift_drift_detection``: scheduled proposed runs that detect drift."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from lab.spacelift._base import StackChild


@dataclass(frozen=True, kw_only=True)
class DriftDetection(StackChild):
    """Run a proposed run on a schedule and report (optionally reconcile) drift.

    Drift detection only runs on private worker pools.
    """

    TERRAFORM_TYPE: ClassVar[str] = "spacelift_drift_detection"

    schedule: Sequence[str]
    """Cron expressions, e.g. ``["0 6 * * 1-5"]``."""
    timezone: str | None = None
    """IANA time zone of ``schedule``. Default: unset, which the provider treats as ``UTC``."""
    reconcile: bool | None = None
    """Trigger a tracked run when drift is found; it obeys ``autodeploy`` and the plan policies.
    Default: unset, which the provider treats as ``false`` (report only)."""
