"""``lab.yaml``'s ``spacelift`` section: stack labels, approvers, integration roles, drift
detection, and the keys it no longer takes."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Final

from lab.rules.violation import RuleError
from lab.stack_labels import INFRACOST, KINDS, VALUED

RESERVED_LABELS: Final = frozenset({*KINDS, INFRACOST})
"""Labels with a meaning to the policies, set by the app."""
RESERVED_LABEL_PREFIXES: Final = tuple(f"{name}:" for name in VALUED)

CRON_FIELDS: Final = 5
"""minute hour day-of-month month day-of-week."""

RETIRED_SPACELIFT_KEYS: Final = {
    # spacelift-root no longer manages its own role attachment (docs/bootstrap.md step 5).
    "root_role_attachment_id": (
        "no longer used; spacelift-root keeps the role attachment made by hand in "
        "docs/bootstrap.md step 5 and does not manage it. If spacelift-root imported it, first "
        "run the task `tofu state rm spacelift_role_attachment.ManagementRights` on "
        "spacelift-root (its Tasks tab), or its next run destroys the attachment; then delete "
        "this line"
    ),
}
RETIRED_AWS_INTEGRATION_KEYS: Final = {
    "role_arn": (
        "one role for every phase let previews write; give three roles instead, read_role_arn, "
        "foundation_role_arn and experiment_role_arn (docs/bootstrap.md, step 3)"
    ),
}


def check_retired(keys: Collection[str], retired: Mapping[str, str]) -> None:
    """A key a section no longer takes is refused by name, saying what replaced it (rather
    than as an unknown key). ``keys`` are the section's keys as given."""
    for key, why in retired.items():
        if key in keys:
            raise RuleError(key, why)


def check_stack_labels(labels: Sequence[str], *, field: str = "labels") -> None:
    """Labels added to every stack: none that Spacelift or the policies give a meaning."""
    for index, label in enumerate(labels):
        if not label or label.startswith("autoattach:") or "," in label:
            raise RuleError(
                f"{field}[{index}]",
                f"{label!r} cannot be used; labels are non-empty, have no commas and do not "
                "start with 'autoattach:' (the app manages attachments)",
            )
        if label in RESERVED_LABELS or label.startswith(RESERVED_LABEL_PREFIXES):
            raise RuleError(
                f"{field}[{index}]",
                f"{label!r} is one of the labels the policies read, which the app sets from "
                "lab.yaml (kinds, limits.max_nodes_per_cluster, cost); choose another label",
            )


def check_approvers(logins: Sequence[tuple[str, str | None]], *, field: str = "approvers") -> None:
    """Each person once: ``logins`` holds each approver's (login, VCS login)."""
    seen: dict[str, int] = {}
    for index, names in enumerate(logins):
        for name in filter(None, names):
            first = seen.setdefault(name.lower(), index)
            if first != index:
                raise RuleError(
                    f"{field}[{index}]",
                    f"{name!r} is also {field}[{first}]; each login names one person (logins "
                    "compare case-insensitively)",
                )


def check_distinct_roles(roles: Mapping[str, str]) -> None:
    """One role per phase and kind of stack (field -> role ARN)."""
    for field, arn in roles.items():
        same = [other for other, value in roles.items() if value == arn and other != field]
        if same:
            raise RuleError(
                field,
                f"{arn!r} is also {same[0]}; each phase and kind of stack needs its own role, or "
                "a preview could write, or an experiment change the foundation",
            )


def check_drift_schedule(
    *, enabled: bool, schedule: Sequence[str], field: str = "drift_detection.schedule"
) -> None:
    """Scheduled drift detection that has something to fire: cron expressions."""
    if enabled and not schedule:
        raise RuleError(field, "give at least one cron expression, or set enabled: false")
    for expression in schedule:
        if len(expression.split()) != CRON_FIELDS:
            raise RuleError(
                field,
                f"{expression!r} is not a five-field cron expression "
                "(minute hour day-of-month month day-of-week)",
            )


def check_drift_worker_pool(*, enabled: bool, worker_pool_id: str | None) -> None:
    """Drift detection needs a private worker pool: Spacelift runs it only on private workers.
    The field is relative to the ``spacelift`` section."""
    if enabled and worker_pool_id is None:
        raise RuleError(
            "worker_pool_id",
            "drift_detection.enabled needs a private worker pool, and none is set; Spacelift "
            "runs drift detection only on private workers (a schedule on public workers never "
            "fires). Set worker_pool_id, or set drift_detection.enabled: false",
        )
