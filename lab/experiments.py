"""Experiments: discovered from ``experiments/<experiment>/<cluster>/cluster.yaml``.

Each ``cluster.yaml`` is one cluster. Folders whose names start with ``_`` or ``.`` are
skipped (``_template/`` documents the format). Sizes are presets that ``nodes``,
``vm_size``, ``min_nodes`` and ``max_nodes`` may override. Every problem of every file is
collected, so one run reports them all.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Final

from pydantic import Field

from lab.clouds import CLOUDS, Cloud, cloud_unit
from lab.errors import LabDefinitionError, Problem, display_path
from lab.manifests import APPS_FOLDER, check_apps_folder
from lab.rules import (
    MAX_CLUSTER_NAME_LENGTH,
    RuleError,
    Taint,
    check_dns_label,
    check_extra_pool_name,
    check_node_labels,
    check_node_pool_name,
    check_node_taints,
    node_bound_violations,
    parse_taint,
)
from lab.yamlfile import StrictModel, load_mapping, validate_file

DEFAULT_EXPERIMENTS_DIR: Final = Path("experiments")
CLUSTER_FILE: Final = "cluster.yaml"


class ClusterSize(StrEnum):
    """Size presets: a node count, and a machine type on each cloud."""

    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


@dataclass(frozen=True)
class SizePreset:
    size: ClusterSize
    node_count: int

    def machine_type(self, cloud: Cloud) -> str:
        """The preset's machine type on ``cloud`` (``lab/clouds/<cloud>``)."""
        return cloud_unit(cloud).machine_types[self.size]


SIZE_PRESETS: Final[dict[ClusterSize, SizePreset]] = {
    size: SizePreset(size, count)
    for size, count in ((ClusterSize.SMALL, 2), (ClusterSize.MEDIUM, 3), (ClusterSize.LARGE, 5))
}


class NodePoolFile(StrictModel):
    """One entry of ``node_pools`` in ``cluster.yaml``: a pool beside the default one."""

    name: str
    """Lowercase letters and digits, at most 12 (AKS's limit, kept on both clouds)."""
    vm_size: str | None = None
    """An Azure VM size, or an EC2 instance type on aws. Default: the cluster's."""
    nodes: int = Field(default=1, ge=0)
    """Nodes at creation. Default: 1."""
    min_nodes: int | None = Field(default=None, ge=0)
    """Autoscaling lower bound (0 lets the pool empty). Default: ``nodes``."""
    max_nodes: int | None = Field(default=None, ge=0)
    """Autoscaling upper bound. Default: ``nodes``."""
    spot: bool = False
    """Spot capacity: cheaper, and the cloud may take the nodes back at any time."""
    labels: dict[str, str] = Field(default_factory=dict)
    """Kubernetes labels on the pool's nodes."""
    taints: tuple[str, ...] = ()
    """Kubernetes taints, ``key=value:Effect`` (NoSchedule, PreferNoSchedule, NoExecute)."""


class ClusterFile(StrictModel):
    """The schema of one ``cluster.yaml``, exactly as users write it."""

    size: ClusterSize
    provider: Cloud
    nodes: int | None = Field(default=None, ge=1)
    """Overrides the preset's node count."""
    vm_size: str | None = None
    """An Azure VM size (``Standard_D4s_v3``), or an EC2 instance type for provider aws."""
    min_nodes: int | None = Field(default=None, ge=1)
    """Autoscaling lower bound; defaults to the node count when only ``max_nodes`` is set."""
    max_nodes: int | None = Field(default=None, ge=1)
    """Autoscaling upper bound; defaults to the node count when only ``min_nodes`` is set."""
    labels: dict[str, str] = Field(default_factory=dict)
    """Kubernetes labels on the default pool's nodes."""
    expires: date | None = None
    """The experiment's clusters are deleted after this date (UTC)."""
    node_pools: tuple[NodePoolFile, ...] = ()
    """More node pools beside the default one."""


RESERVED_POOL_NAMES: Final = frozenset(
    name for cloud in CLOUDS for name in cloud.reserved_pool_names
)
"""The names the clouds keep for their default pools (and AKS for the pool it rotates the
system pool through)."""


@dataclass(frozen=True)
class NodePoolSpec:
    """One node pool, resolved: the default pool or an extra one. The cluster constructs take
    it as is (``EksCluster.add_node_group``, ``AksCluster.add_node_pool``, and the default
    pool in their props)."""

    name: str
    """The pool's name in the cloud (the default pool's is its cloud's ``default_pool_name``)."""
    machine_type: str
    """Azure VM size or EC2 instance type."""
    node_count: int
    """Nodes at creation; a fixed pool keeps it."""
    min_nodes: int
    """Autoscaling lower bound (``min_nodes``, or the node count)."""
    max_nodes: int
    """Autoscaling upper bound (``max_nodes``, or the node count): the pool's cost ceiling."""
    spot: bool = False
    """Spot capacity: cheaper, and the cloud may take the nodes back at any time."""
    labels: tuple[tuple[str, str], ...] = ()
    """Kubernetes labels on every node, sorted by key."""
    taints: tuple[Taint, ...] = ()
    """Kubernetes taints on every node."""

    @property
    def autoscaling(self) -> bool:
        """Whether the node count may move: the bounds differ."""
        return self.min_nodes != self.max_nodes


@dataclass(frozen=True)
class ClusterSpec:
    """One validated cluster, with the preset resolved."""

    experiment: str
    name: str
    """The cluster folder name (``target``, ``loadgen``)."""
    cloud: Cloud
    size: ClusterSize
    default_pool: NodePoolSpec
    """The pool the cluster is created with (``nodes``, ``vm_size``, ``min_nodes``...)."""
    expires: date | None
    source: Path
    node_pools: tuple[NodePoolSpec, ...] = ()
    """Pools beside the default one, in file order."""
    has_apps: bool = False
    """The cluster folder has an ``argocd/`` folder of manifests for ArgoCD to deploy."""

    @property
    def apps_path(self) -> str:
        """Where ArgoCD finds the cluster's manifests in the repository."""
        return f"{DEFAULT_EXPERIMENTS_DIR.as_posix()}/{self.experiment}/{self.name}/{APPS_FOLDER}"

    @property
    def full_name(self) -> str:
        """``<experiment>-<cluster>``: the cloud resource name of the cluster."""
        return f"{self.experiment}-{self.name}"


@dataclass(frozen=True)
class Experiment:
    name: str
    clusters: tuple[ClusterSpec, ...]
    """Sorted by cluster name."""

    @property
    def clouds(self) -> tuple[Cloud, ...]:
        return tuple(cloud for cloud in Cloud if any(c.cloud is cloud for c in self.clusters))

    def clusters_on(self, cloud: Cloud) -> tuple[ClusterSpec, ...]:
        return tuple(c for c in self.clusters if c.cloud is cloud)

    @property
    def expires(self) -> date | None:
        """The date all clusters agree on (validation rejects disagreement)."""
        return next((c.expires for c in self.clusters if c.expires), None)


def stack_id(experiment: str, cloud: Cloud) -> str:
    """``exp-<experiment>-<service>``: ``exp-demo-aks``."""
    return cloud_unit(cloud).experiment_stack_id(experiment)


def discover_experiments(
    root: Path = DEFAULT_EXPERIMENTS_DIR,
    *,
    max_nodes_per_cluster: int,
) -> tuple[Experiment, ...]:
    """Every experiment under ``root``, sorted by name. An ``expires`` date that has passed is
    not a problem here (lab/expiry.py warns about it).

    Raises :class:`LabDefinitionError` with every problem found in every file.
    """
    if not root.is_dir():
        raise LabDefinitionError(
            [Problem.at(root, "", "is not a directory; create it or pass --experiments DIR")]
        )
    experiments: list[Experiment] = []
    folders, problems = _visible_dirs(root)
    for folder in folders:
        experiment, found = _load_experiment(folder, max_nodes_per_cluster)
        problems += found
        if experiment is not None:
            experiments.append(experiment)
    problems += _check_names_unique(experiments)
    if problems:
        raise LabDefinitionError(problems)
    return tuple(experiments)


def _visible_dirs(parent: Path) -> tuple[list[Path], list[Problem]]:
    """The folders under ``parent`` not skipped by name, and a problem for each entry that
    would be one but cannot be followed (a dangling or looping symbolic link): skipping it
    without a word would synthesize the lab without what it holds."""
    try:
        entries = sorted(p for p in parent.iterdir() if not p.name.startswith(("_", ".")))
    except OSError as error:
        return [], [Problem.at(parent, "", f"cannot be listed: {error.strerror or error}")]
    folders = [p for p in entries if p.is_dir()]
    broken = [
        Problem.at(
            p, "", f"is a symbolic link that leads nowhere ({_link_fault(p)}); fix or remove it"
        )
        for p in entries
        if p.is_symlink() and not p.exists()
    ]
    return folders, broken


def _link_fault(path: Path) -> str:
    try:
        path.stat()
    except OSError as error:
        return error.strerror or str(error)
    return "unreadable"


def _load_experiment(folder: Path, cap: int) -> tuple[Experiment | None, list[Problem]]:
    problems = _check_name(folder, "experiment", folder.name)
    for stray in (folder / CLUSTER_FILE, folder / "cluster.yml"):
        if stray.exists():
            problems.append(
                Problem.at(
                    stray,
                    "",
                    "belongs in a cluster folder: "
                    f"move it to {folder.name}/<cluster>/{CLUSTER_FILE}",
                )
            )
    clusters: list[ClusterSpec] = []
    cluster_dirs, found = _visible_dirs(folder)
    problems += found
    for cluster_dir in cluster_dirs:
        misspelt = cluster_dir / "cluster.yml"
        if misspelt.exists() and not (cluster_dir / CLUSTER_FILE).exists():
            problems.append(Problem.at(misspelt, "", f"rename it to {CLUSTER_FILE}"))
            continue
        # lexists: a cluster.yaml that is a directory or a broken link is a cluster that
        # cannot be read, reported by load_mapping, not a folder without a cluster.
        if not os.path.lexists(cluster_dir / CLUSTER_FILE):
            continue  # e.g. workflow/ or docs/: not a cluster
        spec, found = _load_cluster(folder.name, cluster_dir, cap)
        problems += found
        if spec is not None:
            clusters.append(spec)
    if not clusters and not problems:
        problems.append(
            Problem.at(
                folder,
                "",
                f"has no <cluster>/{CLUSTER_FILE}; "
                "add one, or prefix the folder with '_' to skip it",
            )
        )
    problems += _check_expiry_agrees(clusters)
    if problems:
        return None, problems
    return Experiment(folder.name, tuple(clusters)), []


def _load_cluster(
    experiment: str, cluster_dir: Path, cap: int
) -> tuple[ClusterSpec | None, list[Problem]]:
    path = cluster_dir / CLUSTER_FILE
    problems = _check_name(path, "cluster", cluster_dir.name)
    full_name = f"{experiment}-{cluster_dir.name}"
    if len(full_name) > MAX_CLUSTER_NAME_LENGTH:
        problems.append(
            Problem.at(
                path,
                "",
                f"cluster name {full_name!r} (<experiment>-<cluster>) is {len(full_name)} "
                f"characters; shorten the folder names to at most {MAX_CLUSTER_NAME_LENGTH}",
            )
        )
    data, found = load_mapping(path)
    if data is None:
        return None, problems + found
    parsed, found = validate_file(ClusterFile, data, path)
    if parsed is None:
        return None, problems + found
    spec, found = _resolve(experiment, cluster_dir.name, parsed, path, cap)
    problems += found
    apps = cluster_dir / APPS_FOLDER
    problems += check_apps_folder(apps)
    if spec is not None and apps.is_dir():
        spec = replace(spec, has_apps=True)
    return (spec if not problems else None), problems


def _resolve(
    experiment: str, name: str, parsed: ClusterFile, path: Path, cap: int
) -> tuple[ClusterSpec | None, list[Problem]]:
    preset = SIZE_PRESETS[parsed.size]
    cloud = parsed.provider
    machine_type = parsed.vm_size or preset.machine_type(cloud)
    given = parsed.nodes is not None
    default_pool, found = _resolve_pool(
        NodePoolFile(
            name=cloud_unit(cloud).default_pool_name,
            vm_size=parsed.vm_size,
            nodes=_or(parsed.nodes, preset.node_count),
            min_nodes=parsed.min_nodes,
            max_nodes=parsed.max_nodes,
            labels=parsed.labels,
        ),
        cloud=cloud,
        machine_type=machine_type,
        cap=cap,
        floor=1,
        count_field="nodes" if given else "size",
        count_source="nodes" if given else f"size {parsed.size.value}",
    )
    problems = [Problem.at(path, v.field, v.message) for v in found]
    pools, found_in_pools = _resolve_pools(parsed, machine_type, path, cap)
    problems += found_in_pools
    if default_pool is not None and not problems:
        total = default_pool.max_nodes + sum(pool.max_nodes for pool in pools)
        if pools and total > cap:
            sizes = ", ".join(f"{pool.name} {pool.max_nodes}" for pool in pools)
            problems.append(
                Problem.at(
                    path,
                    "node_pools",
                    f"the cluster can grow to {total} nodes (default pool "
                    f"{default_pool.max_nodes}, {sizes}), above {CAP_NOTE.format(cap=cap)}; "
                    "lower max_nodes or nodes",
                )
            )
    if default_pool is None or problems:
        return None, problems
    return (
        ClusterSpec(
            experiment=experiment,
            name=name,
            cloud=cloud,
            size=parsed.size,
            default_pool=default_pool,
            expires=parsed.expires,
            source=path,
            node_pools=pools,
        ),
        [],
    )


def _resolve_pools(
    parsed: ClusterFile, machine_type: str, path: Path, cap: int
) -> tuple[tuple[NodePoolSpec, ...], list[Problem]]:
    """The extra pools, or the problems of each, naming ``node_pools[i].<field>``."""
    pools: list[NodePoolSpec] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, entry in enumerate(parsed.node_pools):
        found = _rule_errors(check_node_pool_name, entry.name, field="name")
        found += _rule_errors(
            check_extra_pool_name,
            entry.name,
            field="name",
            reserved=RESERVED_POOL_NAMES,
            taken=seen,
        )
        seen.add(entry.name)
        pool, violations = _resolve_pool(
            entry, cloud=parsed.provider, machine_type=machine_type, cap=cap, floor=0
        )
        found += violations
        problems += [Problem.at(path, f"node_pools[{index}].{v.field}", v.message) for v in found]
        if pool is not None and not found:
            pools.append(pool)
    return tuple(pools), problems


def _resolve_pool(
    entry: NodePoolFile,
    *,
    cloud: Cloud,
    machine_type: str,
    cap: int,
    floor: int,
    count_field: str = "nodes",
    count_source: str = "",
) -> tuple[NodePoolSpec | None, list[RuleError]]:
    """One pool with its bounds resolved, or every rule it breaks: the same rules for the
    default pool and the extra ones (``machine_type`` is the cluster's, for a pool without
    ``vm_size``)."""
    found: list[RuleError] = []
    if entry.vm_size is not None:
        found += _rule_errors(cloud_unit(cloud).check_machine_type, entry.vm_size, field="vm_size")
    found += node_bound_violations(
        entry.nodes,
        entry.min_nodes,
        entry.max_nodes,
        floor=floor,
        cap=cap,
        count_field=count_field,
        count_source=count_source,
        cap_note=CAP_NOTE.format(cap=cap),
    )
    taints: list[Taint] = []
    for number, text in enumerate(entry.taints):
        try:
            taints.append(parse_taint(text, field=f"taints[{number}]"))
        except RuleError as violation:
            found.append(violation)
    found += _rule_errors(check_node_labels, entry.labels, cloud=cloud, spot=entry.spot)
    found += _rule_errors(check_node_taints, taints, cloud=cloud, spot=entry.spot)
    if found:
        return None, found
    return (
        NodePoolSpec(
            name=entry.name,
            machine_type=entry.vm_size or machine_type,
            node_count=entry.nodes,
            min_nodes=_or(entry.min_nodes, entry.nodes),
            max_nodes=_or(entry.max_nodes, entry.nodes),
            spot=entry.spot,
            labels=tuple(sorted(entry.labels.items())),
            taints=tuple(taints),
        ),
        [],
    )


def _rule_errors(check: Callable[..., object], *args: object, **options: object) -> list[RuleError]:
    """The rule ``check`` raises, as a list (empty when the value passes)."""
    try:
        check(*args, **options)
    except RuleError as violation:
        return [violation]
    return []


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


CAP_NOTE: Final = "the cap of {cap} nodes per cluster (limits.max_nodes_per_cluster in lab.yaml)"


def _check_name(path: Path, what: str, name: str) -> list[Problem]:
    try:
        check_dns_label(name, field="", max_length=MAX_CLUSTER_NAME_LENGTH)
    except RuleError:
        return [
            Problem.at(
                path,
                "",
                f"{what} folder name {name!r} is not a lowercase DNS label; use a-z, 0-9 and "
                "'-', starting and ending with a letter or digit",
            )
        ]
    return []


def _check_expiry_agrees(clusters: Iterable[ClusterSpec]) -> list[Problem]:
    """One date for all clusters of an experiment, or none: they share one stack per cloud,
    and a stack is deleted whole."""
    clusters = list(clusters)
    dated = [c for c in clusters if c.expires is not None]
    if not dated:
        return []
    first = dated[0]
    problems = [
        Problem.at(
            other.source,
            "expires",
            f"{other.expires} differs from {first.expires} in {first.name}/{CLUSTER_FILE}; "
            "an experiment's clusters expire together, so give them one date",
        )
        for other in dated[1:]
        if other.expires != first.expires
    ]
    problems += [
        Problem.at(
            other.source,
            "expires",
            f"is missing, but {first.name}/{CLUSTER_FILE} expires on {first.expires}; an "
            f"experiment's clusters expire together, so add expires: {first.expires} here "
            "(or remove it there)",
        )
        for other in clusters
        if other.expires is None
    ]
    return problems


def _check_names_unique(experiments: Iterable[Experiment]) -> list[Problem]:
    """Cluster names (``<experiment>-<cluster>``) must be unique in the lab: on AWS they name
    IAM roles, KMS aliases and log groups, which are unique per account, and they name the
    clusters people and ArgoCD see."""
    by_name: dict[str, list[ClusterSpec]] = defaultdict(list)
    for experiment in experiments:
        for cluster in experiment.clusters:
            by_name[cluster.full_name].append(cluster)
    problems = []
    for name, clusters in sorted(by_name.items()):
        for cluster in clusters if len(clusters) > 1 else ():
            others = ", ".join(display_path(c.source) for c in clusters if c is not cluster)
            problems.append(
                Problem.at(
                    cluster.source,
                    "",
                    f"cluster name {name!r} (<experiment>-<cluster>) is also the name of {others}; "
                    "cluster names name IAM roles, KMS aliases and log groups and must be unique "
                    "in the lab: rename one of the folders",
                )
            )
    return problems
