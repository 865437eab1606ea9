"""``lab validate``: the checks synth makes on its inputs, without synthesizing.

The definition is loaded with :func:`lab.definition.load_definition` (so the problems
and their wording are exactly synth's, an expired experiment among them) and the
policies with :func:`lab.policies.load_policies`, which the management stack reads too.
On success the command prints a one-line summary, the definition's warnings, and a note
for each experiment that expires within a week.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Final

from lab.commands.table import counted
from lab.definition import LabDefinition, StackKind
from lab.errors import display_path
from lab.experiments import Experiment, stack_id

EXPIRY_NOTICE_DAYS: Final = 7
"""Experiments that expire within this many days get a note."""


@dataclass(frozen=True)
class ExpiryNotice:
    experiment: Experiment
    message: str


def summary(definition: LabDefinition, policy_count: int) -> str:
    """One line: ``valid: 6 stacks (1 management, 2 foundation, 3 experiment), ...``."""
    kinds = Counter(stack.kind for stack in definition.stacks)
    per_kind = ", ".join(f"{kinds[kind]} {kind.value}" for kind in StackKind if kinds[kind])
    clusters = sum(len(e.clusters) for e in definition.experiments)
    experiments = len(definition.experiments)
    return (
        f"valid: {counted(len(definition.stacks), 'stack')} ({per_kind}), "
        f"{counted(experiments, 'experiment')} with {counted(clusters, 'cluster')}, "
        f"{counted(policy_count, 'policy', 'policies')}"
    )


def expiry_notices(definition: LabDefinition, today: date) -> list[ExpiryNotice]:
    """Experiments that expire within a week of ``today``.

    A stack with ``expires: D`` is due for deletion, with its resources, at the midnight (UTC)
    that ends day D. Dates that have passed are warnings of the definition itself.
    """
    notices = []
    for experiment in definition.experiments:
        expires = experiment.expires
        if expires is None or not 0 <= (expires - today).days < EXPIRY_NOTICE_DAYS:
            continue
        stacks = ", ".join(stack_id(experiment.name, cloud) for cloud in experiment.clouds)
        folder = display_path(experiment.clusters[0].source.parent.parent)
        left = (expires - today).days
        when = "today" if left == 0 else f"in {counted(left, 'day')}"
        message = (
            f"experiment {experiment.name} expires {when} ({expires}): {stacks} and its "
            f"clusters are due for deletion at the end of that day (UTC); to keep them, move "
            f"expires in {folder}/*/cluster.yaml"
        )
        notices.append(ExpiryNotice(experiment, message))
    return notices
