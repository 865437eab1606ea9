"""``lab new-experiment``: write one valid ``cluster.yaml``, checked exactly as synth checks it.

The experiments tree must be valid to start with (otherwise nothing can be synthesized
anyway, and its problems are raised first). The file is then created exclusively, so
an existing file is never overwritten, and the tree is discovered again with
:func:`lab.definition.load_definition`: the same rules and messages as
``lab validate`` and synth. If the new file, or the experiment it joins, has a problem,
the file (and any folder created for it) is removed and the problems are raised.

Names starting with ``_`` or ``.`` are refused up front: discovery skips such folders
without a word, so the file would create no stack.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

import yaml

from lab import clock
from lab.clouds import Cloud
from lab.definition import load_definition
from lab.errors import LabDefinitionError, Problem, display_path
from lab.experiments import (
    CLUSTER_FILE,
    SIZE_PRESETS,
    ClusterSize,
    ClusterSpec,
    Experiment,
    stack_id,
)

TEMPLATE: Final = "experiments/_template/target/cluster.yaml"
"""Documents every key; the header of a new file points there."""
_PLAIN_SCALAR = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
_ISO_DATE_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SEPARATORS: Final = tuple(sep for sep in {"/", os.sep, os.altsep} if sep)
_SKIPPED_PREFIXES: Final = ("_", ".")
"""Discovery skips folders starting with these (``_template/``)."""


class ScaffoldError(Exception):
    """The file already exists; nothing was written."""


class FolderNameError(ValueError):
    """A name that is not one folder name (``a/b``, ``..``); nothing was written."""


@dataclass(frozen=True)
class NewCluster:
    """What ``lab new-experiment`` was asked to write."""

    experiment: str
    cluster: str
    provider: Cloud
    size: ClusterSize
    nodes: int | None = None
    vm_size: str | None = None
    min_nodes: int | None = None
    max_nodes: int | None = None
    expires: str | None = None
    """As typed (``YYYY-MM-DD``); discovery validates it like any other value."""


@dataclass(frozen=True)
class Created:
    path: Path
    spec: ClusterSpec
    """The cluster as discovery resolved it (preset and overrides applied)."""
    experiment: Experiment
    """The experiment the cluster belongs to, with all its clusters."""
    copied_expires: date | None = None
    """The experiment's existing ``expires`` date, written into the new file because the
    request gave none (an experiment's clusters expire together)."""

    @property
    def stack_id(self) -> str:
        return stack_id(self.spec.experiment, self.spec.cloud)

    @property
    def new_stack(self) -> bool:
        """Whether this cluster brings its experiment's stack on this cloud into being."""
        return len(self.experiment.clusters_on(self.spec.cloud)) == 1


def render_cluster_yaml(request: NewCluster) -> str:
    """The text of the new ``cluster.yaml``: a short header, then only the given keys."""
    preset = SIZE_PRESETS[request.size]
    lines = [
        f"# Cluster {request.cluster} of experiment {request.experiment}, "
        "written by `lab new-experiment`.",
        f"# Size {request.size.value}: {preset.node_count} nodes of "
        f"{preset.machine_type(request.provider)} unless overridden below.",
        f"# Every key: {TEMPLATE}. Check with `lab validate`.",
        f"size: {request.size.value}",
        f"provider: {request.provider.value}",
    ]
    optional: tuple[tuple[str, int | str | None], ...] = (
        ("nodes", request.nodes),
        ("vm_size", request.vm_size),
        ("min_nodes", request.min_nodes),
        ("max_nodes", request.max_nodes),
        ("expires", request.expires),
    )
    lines += [f"{key}: {_scalar(value)}" for key, value in optional if value is not None]
    return "\n".join(lines) + "\n"


def _scalar(value: int | str) -> str:
    """``value`` as a YAML scalar that the lab's loader reads back as the same value."""
    if isinstance(value, int):
        return str(value)
    if _ISO_DATE_SHAPE.match(value):
        return value  # the lab's loader keeps dates as strings; discovery parses them
    if _PLAIN_SCALAR.match(value) and yaml.safe_load(value) == value:
        return value
    return json.dumps(value)  # a double-quoted YAML scalar


def create_cluster(
    request: NewCluster,
    *,
    config_path: Path,
    experiments_dir: Path,
    today: date | None = None,
) -> Created:
    """Write ``<experiments_dir>/<experiment>/<cluster>/cluster.yaml`` and check it.

    Raises :class:`ScaffoldError` when the file exists, :class:`FolderNameError` when a
    name is not one folder name (``a/b``, ``..``), and :class:`LabDefinitionError` when the tree was
    invalid already (nothing is written) or the new file makes its experiment invalid
    (the file is removed again).
    """
    for what, name in _names(request):
        if not name or name in {".", ".."} or any(sep in name for sep in _SEPARATORS):
            raise FolderNameError(f"{what} name {name!r} must be a single folder name")
    experiment_dir = experiments_dir / request.experiment
    path = experiment_dir / request.cluster / CLUSTER_FILE
    for what, name in _names(request):
        if name.startswith(_SKIPPED_PREFIXES):
            # Discovery skips such folders silently: the file would create no stack.
            raise LabDefinitionError(
                [
                    Problem.at(
                        path,
                        "",
                        f"{what} folder name {name!r} starts with '_' or '.', so discovery "
                        "skips it and no stack would be created; use a lowercase DNS label",
                    )
                ]
            )
    if path.exists():
        raise ScaffoldError(
            f"{display_path(path)} already exists; edit it, or choose another --cluster name"
        )
    today = today or clock.today_utc()
    _check_expires_ahead(request, path, today)
    # Raises discovery's problems when the tree is broken before we touch it.
    existing = load_definition(config_path, experiments_dir, today=today).experiments
    copied = None
    if request.expires is None:
        joined = next((e for e in existing if e.name == request.experiment), None)
        copied = joined.expires if joined else None
        if copied is not None:
            request = dataclasses.replace(request, expires=copied.isoformat())

    created_dirs = [d for d in (experiment_dir, path.parent) if not d.exists()]
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as file:
            file.write(render_cluster_yaml(request))
    except FileExistsError:  # created by someone else since the check above
        raise ScaffoldError(f"{display_path(path)} already exists") from None
    try:
        created = _check(config_path, experiments_dir, path, today)
    except BaseException:
        path.unlink(missing_ok=True)
        for folder in reversed(created_dirs):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        raise
    return dataclasses.replace(created, copied_expires=copied)


def _check_expires_ahead(request: NewCluster, path: Path, today: date) -> None:
    """A new cluster expiring in the past would be deleted (and refused by synth) at once."""
    if request.expires is None:
        return
    try:
        expires = date.fromisoformat(request.expires)
    except ValueError:
        return  # discovery reports the format, naming the field
    if expires < today:
        raise LabDefinitionError(
            [
                Problem.at(
                    path,
                    "expires",
                    f"{expires} is in the past; give today ({today}) or a later date (the "
                    "clusters are deleted at the end of that day, UTC)",
                )
            ]
        )


def _check(config_path: Path, experiments_dir: Path, path: Path, today: date) -> Created:
    """Load the whole definition again, as validate and synth do, and find the new cluster."""
    experiments = load_definition(config_path, experiments_dir, today=today).experiments
    target = path.resolve()
    for experiment in experiments:
        for cluster in experiment.clusters:
            if cluster.source.resolve() == target:
                return Created(path=path, spec=cluster, experiment=experiment)
    raise RuntimeError(f"discovery did not find {path}")  # names were checked up front


def _names(request: NewCluster) -> tuple[tuple[str, str], ...]:
    return (("experiment", request.experiment), ("cluster", request.cluster))


def next_steps(created: Created, *, branch: str) -> list[str]:
    """What to do after writing the file: shell commands with a comment each. ``branch``
    is the branch the stacks track."""
    stack = created.stack_id
    effect = (
        f"adds cdktf.out/stacks/{stack}/ and the stack to spacelift-root"
        if created.new_stack
        else f"updates cdktf.out/stacks/{stack}/"
    )
    steps = (
        ("make synth", effect),
        (f"git add {display_path(created.path.parent.parent)} cdktf.out", "commit both"),
        ("git commit", "then push a branch and open a pull request"),
        (f"lab affected {branch}...HEAD", "the stacks the pull request previews"),
    )
    width = max(len(command) for command, _ in steps)
    return [f"{command.ljust(width)}  # {comment}" for command, comment in steps]
