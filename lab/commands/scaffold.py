"""``lab new-experiment``: the template's ``cluster.yaml`` filled in, checked exactly as synth
checks it.

The new file is ``experiments/_template/target/cluster.yaml`` with the size and provider
set and each given override uncommented, so every key stays documented beside the file's
values. It is created exclusively (an existing file is never overwritten), then the whole
definition is loaded again with :func:`lab.definition.load_definition`: the same rules and
messages as ``lab validate`` and synth. On any problem the file, and the folders made for
it, are removed and the problems raised.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final, NoReturn

import yaml

from lab import clock
from lab.clouds import Cloud
from lab.definition import load_definition
from lab.errors import LabDefinitionError, Problem, display_path
from lab.experiments import CLUSTER_FILE, ClusterSize, ClusterSpec, Experiment, stack_id

TEMPLATE: Final = (
    Path(__file__).resolve().parents[2] / "experiments/_template/target" / CLUSTER_FILE
)
"""Documents every key; each new file is a copy of it."""
_PLAIN_SCALAR = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
_ISO_DATE_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SEPARATORS: Final = tuple(sep for sep in {"/", os.sep, os.altsep} if sep)


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
    """The template with the request's values in place of its examples."""
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in dataclasses.asdict(request).items():
        if value is None or key in {"experiment", "cluster"}:
            continue
        # The first line setting the key, commented out or not; node pools' keys are
        # indented, so they never match. The line's comment stays.
        example = re.search(rf"^(# )?{key}: \S+", text, flags=re.MULTILINE)
        if example is None:
            raise RuntimeError(f"{TEMPLATE} shows no {key}: line to fill in")
        text = f"{text[: example.start()]}{key}: {_scalar(value)}{text[example.end() :]}"
    return text


def _scalar(value: int | str) -> str:
    """``value`` as a YAML scalar that the lab's loader reads back as the same value."""
    if isinstance(value, int) or _ISO_DATE_SHAPE.match(value):
        return str(value)  # the lab's loader keeps dates as strings; discovery parses them
    if _PLAIN_SCALAR.match(value) and yaml.safe_load(value) == value:
        return value
    return json.dumps(value)  # a double-quoted YAML scalar


def create_cluster(
    request: NewCluster, *, config_path: Path, experiments_dir: Path, today: date | None = None
) -> Created:
    """Write ``<experiments_dir>/<experiment>/<cluster>/cluster.yaml`` and check it.

    Raises :class:`ScaffoldError` when the file exists, :class:`FolderNameError` when a
    name is not one folder name, and :class:`LabDefinitionError` when the tree was invalid
    already (nothing is written) or the new file makes its experiment invalid (the file is
    removed again).
    """
    experiment_dir = experiments_dir / request.experiment
    path = experiment_dir / request.cluster / CLUSTER_FILE
    for what, name in (("experiment", request.experiment), ("cluster", request.cluster)):
        if not name or name in {".", ".."} or any(sep in name for sep in _SEPARATORS):
            raise FolderNameError(f"{what} name {name!r} must be a single folder name")
        if name.startswith(("_", ".")):  # discovery skips such folders without a word
            _refuse(
                path,
                "",
                f"{what} folder name {name!r} starts with '_' or '.', so discovery skips it "
                "and no stack would be created; use a lowercase DNS label",
            )
    if path.exists():
        raise ScaffoldError(
            f"{display_path(path)} already exists; edit it, or choose another --cluster name"
        )
    today = today or clock.today_utc()
    try:
        expires = date.fromisoformat(request.expires or "")
    except ValueError:
        expires = None  # none given, or one discovery refuses naming the field
    if expires and expires < today:
        # Discovery only warns (experiments expire while they run); a new one would be
        # deleted at once.
        _refuse(
            path,
            "expires",
            f"{expires} is in the past; give today ({today}) or a later date (the clusters "
            "are deleted at the end of that day, UTC)",
        )
    # Raises discovery's problems when the tree is broken before we touch it.
    existing = load_definition(config_path, experiments_dir, today=today).experiments
    joined = next((e for e in existing if e.name == request.experiment), None)
    copied = joined.expires if joined and request.expires is None else None
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
        experiments = load_definition(config_path, experiments_dir, today=today).experiments
    except BaseException:
        path.unlink(missing_ok=True)
        for folder in reversed(created_dirs):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        raise
    [(experiment, spec)] = [
        (e, c) for e in experiments for c in e.clusters if c.source.resolve() == path.resolve()
    ]
    return Created(path=path, spec=spec, experiment=experiment, copied_expires=copied)


def _refuse(path: Path, field: str, message: str) -> NoReturn:
    raise LabDefinitionError([Problem.at(path, field, message)])


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
