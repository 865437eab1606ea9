"""``lab validate``: the checks synth makes on its inputs, without synthesizing.

The definition is loaded with :func:`lab.definition.load_definition` (so the problems
and their wording are exactly synth's) and the policies with
:func:`lab.policies.load_policies`, which the management stack reads too. On success
the command prints a one-line summary; it also warns about experiments whose ``expires``
date has passed, because Spacelift has deleted their stacks already.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Final

from lab.definition import LabDefinition, StackKind
from lab.errors import display_path
from lab.experiments import Experiment, stack_id

EXPIRY_NOTICE_DAYS: Final = 7
"""Experiments that expire within this many days get a note."""


@dataclass(frozen=True)
class ExpiryNotice:
    experiment: Experiment
    expired: bool
    """True: the date has passed and the stacks are gone. False: it expires soon."""
    message: str


def today_utc() -> date:
    """Today in UTC: the calendar that Spacelift's scheduled deletions follow."""
    return datetime.now(UTC).date()


def summary(definition: LabDefinition, policy_count: int) -> str:
    """One line: ``valid: 6 stacks (1 management, 2 foundation, 3 experiment), ...``."""
    kinds = Counter(stack.kind for stack in definition.stacks)
    per_kind = ", ".join(f"{kinds[kind]} {kind.value}" for kind in StackKind if kinds[kind])
    clusters = sum(len(e.clusters) for e in definition.experiments)
    experiments = len(definition.experiments)
    return (
        f"valid: {_count(len(definition.stacks), 'stack')} ({per_kind}), "
        f"{_count(experiments, 'experiment')} with {_count(clusters, 'cluster')}, "
        f"{_count(policy_count, 'policy', 'policies')}"
    )


def expiry_notices(definition: LabDefinition, today: date) -> list[ExpiryNotice]:
    """Experiments past their ``expires`` date (warnings) or within a week of it (notes).

    A stack with ``expires: D`` is deleted, with its resources, at the midnight (UTC)
    that ends day D; from D + 1 on it is gone.
    """
    notices = []
    for experiment in definition.experiments:
        expires = experiment.expires
        if expires is None:
            continue
        stacks = ", ".join(stack_id(experiment.name, cloud) for cloud in experiment.clouds)
        folder = display_path(experiment.clusters[0].source.parent.parent)
        if today > expires:
            deleted = expires + timedelta(days=1)
            message = (
                f"experiment {experiment.name} expired on {expires}: Spacelift deleted "
                f"{stacks} and its clusters on {deleted} at 00:00 UTC. Remove {folder}/ and "
                "run `make synth`; until then the plan policy denies spacelift-root's runs, which "
                "would recreate the stack"
            )
            notices.append(ExpiryNotice(experiment, True, message))
        elif (expires - today).days < EXPIRY_NOTICE_DAYS:
            left = (expires - today).days
            when = "today" if left == 0 else f"in {_count(left, 'day')}"
            message = (
                f"experiment {experiment.name} expires {when} ({expires}): {stacks} and its "
                f"clusters are deleted at the end of that day (UTC); to keep them, move "
                f"expires in {folder}/*/cluster.yaml"
            )
            notices.append(ExpiryNotice(experiment, False, message))
    return notices


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"
