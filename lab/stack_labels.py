"""The stack labels the policies read, defined once.

Spacelift gives a policy its stack's labels (``input.stack.labels`` for approval and push
policies, ``input.spacelift.stack.labels`` for plan policies), so the lab's limits reach
the policies as labels that spacelift-root puts on the stacks it creates: the policies
in ``policies/`` stay the files they are, and each stack carries the numbers that apply
to it. ``tests/stacks/test_policy_settings.py`` runs the synthesized labels through the
synthesized policies on the real OPA engine.
"""

from __future__ import annotations

from typing import Final

MANAGEMENT: Final = "management"
"""The management stack's kind (``StackKind.MANAGEMENT``), as its primary label."""
FOUNDATION: Final = "foundation"
"""A foundation stack's kind and primary label."""
EXPERIMENT: Final = "experiment"
"""An experiment stack's kind and primary label."""
KINDS: Final = (MANAGEMENT, FOUNDATION, EXPERIMENT)
PROTECTED: Final = frozenset({FOUNDATION, MANAGEMENT})
"""The kinds the approval policy treats as protected (policies/approval.rego
``protected_labels``): reviewed before they apply, so never autodeployed."""

NODE_CAP: Final = "max-nodes-per-cluster"
"""``max-nodes-per-cluster:<n>``: the plan policy's node cap for the stack's node pools."""
MONTHLY_BUDGET: Final = "max-monthly-usd"
"""``max-monthly-usd:<amount>``: an experiment's budget, checked against Infracost."""
WARN_INCREASE: Final = "warn-increase-percent"
"""``warn-increase-percent:<n>``: a larger rise of the monthly estimate gets a warning."""
INFRACOST: Final = "infracost"
"""Turns Spacelift's Infracost integration on for the stack (and attaches its context)."""
EXPERIMENT_PREFIX: Final = EXPERIMENT
"""``experiment:<name>``: which experiment an experiment stack belongs to."""

VALUED: Final = (NODE_CAP, MONTHLY_BUDGET, WARN_INCREASE, EXPERIMENT_PREFIX)
"""Labels of the form ``<name>:<value>``."""


def valued(name: str, value: int | float | str) -> str:
    """``name:value``, numbers written without a needless fraction (``150``, ``99.5``)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{name}:{value}"
