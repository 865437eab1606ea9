"""``lab expired``: experiments past their ``expires`` date, and their removal.

An experiment with ``expires: D`` is due for deletion from the midnight (UTC) that ends day
D. Two mechanisms delete it (docs/workflows.md, "Expiry"):

- :attr:`ExpiryMode.WORKFLOW` (every lab, the free tier included): the scheduled GitHub
  Actions workflow ``.github/workflows/expire.yml`` runs ``lab expired --remove`` and
  ``make synth``, then opens a pull request (or pushes, ``expiry.delivery``) that deletes the
  experiment's folders; the management stack's next run deletes their stacks, and the
  stacks' destructors destroy the clusters first.
- :attr:`ExpiryMode.SPACELIFT_SCHEDULE` (only with ``spacelift.worker_pool_id``): each
  experiment stack also gets a ``spacelift_scheduled_delete_stack`` at that midnight.
  Spacelift creates schedules on public workers but never triggers them (its
  docs/concepts/stack/scheduling.md), so the lab declares them only with a private pool.

An expired experiment is a warning of the definition, not an error: it becomes one at
midnight without anyone changing the repository, and every other pull request must stay
green. An experiment *introduced* with a date already past is an error:
:func:`introduced_expired` compares with the base of the change (``lab validate --base``).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Final, Literal

import yaml

from lab.commands.documents import Document
from lab.config import ExpiryDelivery, LabConfig
from lab.definition import LabDefinition
from lab.errors import Problem, display_path
from lab.experiments import Experiment, stack_id
from lab.expiry import is_expired
from lab.git import GitError, git

FORMAT_VERSION: Final = 1


class ExpiryMode(StrEnum):
    """Which mechanism deletes an expired experiment's stacks."""

    WORKFLOW = "workflow"
    """The scheduled GitHub Actions workflow deletes the folders (no Spacelift plan needed)."""
    SPACELIFT_SCHEDULE = "spacelift_schedule"
    """Spacelift's scheduled deletion on the private worker pool, and the workflow to
    delete the folders afterwards."""


def expiry_mode(config: LabConfig) -> ExpiryMode:
    """``SPACELIFT_SCHEDULE`` exactly when the lab has a private worker pool."""
    if config.spacelift.worker_pool_id is not None:
        return ExpiryMode.SPACELIFT_SCHEDULE
    return ExpiryMode.WORKFLOW


def experiment_folder(experiment: Experiment) -> Path:
    """``experiments/<experiment>``: the parent of its cluster folders."""
    return experiment.clusters[0].source.parent.parent


def expired(definition: LabDefinition, today: date) -> list[Experiment]:
    """Experiments whose ``expires`` day has ended before ``today`` (UTC)."""
    return [e for e in definition.experiments if is_expired(e, today)]


def remove(experiments: Sequence[Experiment]) -> list[Path]:
    """Delete exactly the folders of ``experiments``; return them."""
    folders = [experiment_folder(e) for e in experiments]
    for folder in folders:
        shutil.rmtree(folder)
    return folders


def _verify(revision: str, folder: Path) -> None:
    """Raises :class:`GitError` for an unknown ``revision``."""
    try:
        git(folder, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except GitError:
        raise GitError(
            f"no commit {revision!r} in this repository (a CI checkout needs the base "
            "fetched: actions/checkout with fetch-depth: 0)"
        ) from None


def _expires_at(revision: str, cluster_file: Path) -> tuple[bool, str | None]:
    """Whether ``cluster_file`` exists at ``revision``, and its ``expires`` date there as
    ``YYYY-MM-DD``: quoted or not, as the lab reads it (``lab.yamlfile`` keeps dates as
    strings, where YAML 1.1 would turn an unquoted one into a date)."""
    folder = cluster_file.parent
    # ls-tree takes paths relative to the working directory (here: the cluster's folder).
    if not git(folder, "ls-tree", "--name-only", revision, "--", cluster_file.name).strip():
        return False, None
    try:
        data = yaml.safe_load(git(folder, "show", f"{revision}:./{cluster_file.name}"))
    except yaml.YAMLError:
        return True, None
    value = data.get("expires") if isinstance(data, dict) else None
    return True, None if value is None else str(value)


def introduced_expired(experiments: Sequence[Experiment], base: str) -> list[Problem]:
    """Expired experiments that are new since ``base``, or whose date changed since.

    An experiment already at ``base`` with the same ``expires`` date simply ran out of time
    (a warning); one this change adds, or moves into the past, would create stacks that
    are due for deletion at once, so it is refused. Raises :class:`GitError`.
    """
    problems: list[Problem] = []
    if not experiments:
        return problems
    _verify(base, experiments[0].clusters[0].source.parent)
    for experiment in experiments:
        for cluster in experiment.clusters:
            present, value = _expires_at(base, cluster.source)
            if present and cluster.expires is not None and value == cluster.expires.isoformat():
                continue
            was = f"expires {value}" if present else "absent"
            problems.append(
                Problem.at(
                    cluster.source,
                    "expires",
                    f"{cluster.expires} has passed, and this change brings it in (at {base} "
                    f"the file was {was}): a new experiment would be created only to be "
                    "deleted; give today or a later date",
                )
            )
    return problems


class ExpiredExperiment(Document):
    """One expired experiment."""

    name: str
    expires: date
    folder: str
    """The folder ``--remove`` deletes, relative to the working directory when inside it."""
    stacks: list[str]
    """Its Spacelift stacks, deleted (clusters destroyed first) once the folder is gone."""


class ExpiredDocument(Document):
    """What ``lab expired --json`` prints."""

    format_version: Literal[1] = FORMAT_VERSION
    today: date
    """The day (UTC) the command compared with."""
    mode: ExpiryMode
    """How this lab's expired experiments are deleted."""
    delivery: ExpiryDelivery
    """How the scheduled workflow delivers the removal (lab.yaml ``expiry.delivery``)."""
    branch: str
    """The branch the stacks track (``spacelift.branch``): the pull request's base, or
    where the workflow pushes."""
    removed: bool
    """Whether this run deleted the folders (``--remove``)."""
    experiments: list[ExpiredExperiment]


@dataclass(frozen=True)
class ExpiryReport:
    today: date
    config: LabConfig
    experiments: tuple[Experiment, ...]
    removed: bool


def expired_document(report: ExpiryReport) -> ExpiredDocument:
    """The ``--json`` document."""
    return ExpiredDocument(
        today=report.today,
        mode=expiry_mode(report.config),
        delivery=report.config.expiry.delivery,
        branch=report.config.spacelift.branch,
        removed=report.removed,
        experiments=[
            ExpiredExperiment(
                name=e.name,
                expires=e.expires or report.today,
                folder=display_path(experiment_folder(e)),
                stacks=[stack_id(e.name, cloud) for cloud in e.clouds],
            )
            for e in report.experiments
        ],
    )
