"""The rules of a policy file's package annotation: what the management stack reads from it.

Each ``policies/<name>.rego`` describes itself in the METADATA block above its ``package``
statement (``lab/policies.py`` reads it): its Spacelift type, the stack labels it auto-attaches
to, and a description. A policy that breaks one is refused at synth and by ``lab validate``,
naming the file, the line and the field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from lab.rules.violation import RuleError

SPACELIFT_PACKAGE: Final = "spacelift"
"""Spacelift evaluates ``data.spacelift``; any other package is never read."""


class PolicyType(StrEnum):
    """The Spacelift policy types (``spacelift_policy.type``) this project can declare."""

    APPROVAL = "APPROVAL"
    """Who must approve a run before it starts or applies; attached to stacks."""
    PLAN = "PLAN"
    """Checks a finished plan: ``deny`` fails the run, ``warn`` asks for confirmation."""
    GIT_PUSH = "GIT_PUSH"
    """Which Git push or pull request events start tracked or proposed runs."""
    TRIGGER = "TRIGGER"
    """Which stacks to run after a tracked run or task of this stack finishes."""
    NOTIFICATION = "NOTIFICATION"
    """Where run and module events are sent; account-wide, never attached to stacks."""
    LOGIN = "LOGIN"
    """Who may log in and with which roles; account-wide, never attached to stacks."""

    @property
    def attaches_to_stacks(self) -> bool:
        """Whether policies of this type are attached (or auto-attached) to stacks."""
        return self not in (PolicyType.NOTIFICATION, PolicyType.LOGIN)


@dataclass(frozen=True)
class PackageAnnotation:
    """What the management stack needs from a policy's package annotation."""

    type: PolicyType
    autoattach_labels: tuple[str, ...]
    description: str


def check_package_name(package: str, *, where: str) -> None:
    """The policy is ``package spacelift``."""
    if package != SPACELIFT_PACKAGE:
        raise RuleError(
            where,
            f"the policy must be `package {SPACELIFT_PACKAGE}`, the only package Spacelift "
            "evaluates",
        )


def check_package_annotation(fields: object, *, where: str) -> PackageAnnotation:
    """The type, auto-attach labels and description of a package annotation (``fields``, the
    parsed METADATA block); ``where`` names the file and line in errors."""
    fields = fields if isinstance(fields, dict) else {}
    custom = fields.get("custom")
    spacelift = custom.get("spacelift") if isinstance(custom, dict) else None
    if not isinstance(spacelift, dict) or "type" not in spacelift:
        raise RuleError(
            f"{where} custom.spacelift.type", f"missing; give one of {listed(PolicyType)}"
        )
    try:
        policy_type = PolicyType(str(spacelift["type"]))
    except ValueError:
        raise RuleError(
            f"{where} custom.spacelift.type",
            f"{spacelift['type']!r} is not a policy type (one of {listed(PolicyType)})",
        ) from None
    labels = spacelift.get("autoattach", [])
    field = f"{where} custom.spacelift.autoattach"
    if not isinstance(labels, list) or not all(
        isinstance(label, str) and label.strip() == label and label for label in labels
    ):
        raise RuleError(
            field,
            f'must be a list of stack labels such as ["*"] or ["foundation"], got {labels!r}',
        )
    if policy_type.attaches_to_stacks and not labels:
        raise RuleError(
            field,
            f"{policy_type} policies attach to nothing without labels; list the stack labels "
            'it applies to (["*"] for all)',
        )
    if labels and not policy_type.attaches_to_stacks:
        raise RuleError(
            field,
            f"{policy_type} policies are account-wide and cannot be attached to stacks; remove it",
        )
    description = fields.get("description")
    if not isinstance(description, str) or not description.strip():
        raise RuleError(
            f"{where} description", "missing or empty; say in a sentence or two what it decides"
        )
    return PackageAnnotation(policy_type, tuple(labels), description.strip())


def listed(values: Iterable[str]) -> str:
    """``values`` sorted and comma-separated, for "one of ..." messages."""
    return ", ".join(sorted(values))
