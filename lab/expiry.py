"""When an experiment has expired, and the warning that names the command removing it.

Kept apart from :mod:`lab.commands.expiry` (which reads the whole definition) so that
:mod:`lab.definition` can warn without importing the command.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final

from lab.errors import Problem
from lab.experiments import CLUSTER_FILE, Experiment

REMOVE_COMMAND: Final = "lab expired --remove"
"""The one command that fixes an expired experiment (then ``make synth``)."""


def is_expired(experiment: Experiment, today: date) -> bool:
    """``expires: D`` has passed once day D (UTC) has ended."""
    return experiment.expires is not None and experiment.expires < today


def expired_warnings(experiments: Sequence[Experiment], today: date) -> list[Problem]:
    """One warning per expired experiment, naming the command that removes it."""
    return [
        Problem.at(
            e.clusters[0].source,
            "expires",
            f"{e.expires} has passed: experiment {e.name} is due for deletion. Run "
            f"`{REMOVE_COMMAND}` and `make synth`, and commit (the scheduled expire workflow "
            "does this for you); or move expires to a later date in every "
            f"{e.name}/*/{CLUSTER_FILE} to keep it",
        )
        for e in experiments
        if is_expired(e, today)
    ]
