"""``lab stacks``: every stack of the lab with its settings, as a table or as JSON.

``--json`` prints a :class:`StacksDocument` (``format_version`` 1; its schema is in
docs/json-output.md). Stacks come in definition order: the management stack, the
foundations, then the experiments by name.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Final, Literal

from lab.clouds import Cloud
from lab.commands.documents import Document
from lab.commands.table import format_table
from lab.definition import LabDefinition, StackDefinition, StackKind
from lab.errors import display_path
from lab.experiments import ClusterSize, ClusterSpec, NodePoolSpec

FORMAT_VERSION: Final = 1

_FIRST_COLUMNS: Final = (
    "STACK",
    "KIND",
    "CLOUD",
    "DEPENDS ON",
    "AUTODEPLOY",
    "EXPIRES",
    "CLUSTERS",
)
COLUMNS: Final = (*_FIRST_COLUMNS, "LABELS")
WIDE_COLUMNS: Final = (*_FIRST_COLUMNS, "PROTECTED", "PROJECT ROOT", "LABELS")
SHRINK_FIRST: Final = ("LABELS", "CLUSTERS", "DEPENDS ON")
"""The columns cut to fit a narrow terminal, the least needed first (``--json`` and a pipe
get them whole)."""


def select_stacks(
    definition: LabDefinition,
    *,
    kinds: Collection[StackKind] = (),
    clouds: Collection[Cloud] = (),
) -> tuple[StackDefinition, ...]:
    """The stacks of ``definition`` of any of ``kinds`` on any of ``clouds`` (empty: all)."""
    return tuple(
        stack
        for stack in definition.stacks
        if (not kinds or stack.kind in kinds) and (not clouds or stack.cloud in clouds)
    )


class Input(Document):
    name: str
    """The experiment's variable."""
    env: str
    """The environment variable Spacelift sets: ``TF_VAR_<name>``."""
    upstream: str
    """The stack whose output it receives."""
    output: str
    """That stack's output."""


class NodePoolRecord(Document):
    name: str
    machine_type: str
    node_count: int
    min_nodes: int
    max_nodes: int
    spot: bool
    labels: dict[str, str]
    taints: list[str]
    """``key=value:Effect``."""

    @classmethod
    def of(cls, pool: NodePoolSpec) -> NodePoolRecord:
        """The record of one resolved pool."""
        return cls(
            name=pool.name,
            machine_type=pool.machine_type,
            node_count=pool.node_count,
            min_nodes=pool.min_nodes,
            max_nodes=pool.max_nodes,
            spot=pool.spot,
            labels=dict(pool.labels),
            taints=[taint.kubernetes for taint in pool.taints],
        )


class ClusterRecord(Document):
    name: str
    """The cluster folder name."""
    full_name: str
    """``<experiment>-<cluster>``: the cluster's name in its cloud."""
    size: ClusterSize
    node_count: int
    machine_type: str
    """Azure VM size or EC2 instance type of the default pool."""
    min_nodes: int | None
    """Autoscaling lower bound of the default pool; null for a fixed size."""
    max_nodes: int | None
    """Autoscaling upper bound of the default pool; null for a fixed size."""
    labels: dict[str, str]
    """Kubernetes labels on the default pool's nodes (``cluster.yaml`` ``labels:``)."""
    node_pools: list[NodePoolRecord]
    """Pools beside the default one."""
    source: str
    """The cluster.yaml, relative to the working directory."""


class StackRecord(Document):
    id: str
    """The Spacelift stack slug, also the CDKTF stack id."""
    kind: StackKind
    description: str
    cloud: Cloud | None
    """Null for the management stack."""
    experiment: str | None
    """Null unless the kind is experiment."""
    project_root: str
    depends_on: list[str]
    """Stacks whose tracked runs go first."""
    labels: list[str]
    autodeploy: bool
    protect_from_deletion: bool
    expires: date | None
    """Spacelift deletes the stack after this day (UTC)."""
    inputs: list[Input]
    outputs: list[str]
    """A foundation's output names."""
    clusters: list[ClusterRecord]


class StacksDocument(Document):
    """What ``lab stacks --json`` prints."""

    format_version: Literal[1] = FORMAT_VERSION
    stacks: list[StackRecord]


def stacks_document(stacks: Sequence[StackDefinition]) -> StacksDocument:
    """The ``--json`` document."""
    return StacksDocument(stacks=[stack_record(s) for s in stacks])


def stack_record(stack: StackDefinition) -> StackRecord:
    """One stack of the document."""
    return StackRecord(
        id=stack.id,
        kind=stack.kind,
        description=stack.description,
        cloud=stack.cloud,
        experiment=stack.experiment,
        project_root=stack.project_root,
        depends_on=list(stack.depends_on),
        labels=list(stack.labels),
        autodeploy=stack.autodeploy,
        protect_from_deletion=stack.protect_from_deletion,
        expires=stack.expires,
        inputs=[
            Input(name=i.variable, env=i.input_name, upstream=i.upstream, output=i.value.name)
            for i in stack.inputs
        ],
        outputs=[value.name for value in stack.outputs],
        clusters=[_cluster_record(cluster) for cluster in stack.clusters],
    )


def _cluster_record(cluster: ClusterSpec) -> ClusterRecord:
    # The default pool sits in the cluster's own record; its bounds only when it autoscales.
    default = cluster.default_pool
    return ClusterRecord(
        name=cluster.name,
        full_name=cluster.full_name,
        size=cluster.size,
        node_count=default.node_count,
        machine_type=default.machine_type,
        min_nodes=default.min_nodes if default.autoscaling else None,
        max_nodes=default.max_nodes if default.autoscaling else None,
        labels=dict(default.labels),
        node_pools=[NodePoolRecord.of(pool) for pool in cluster.node_pools],
        source=display_path(cluster.source),
    )


def render_table(
    stacks: Sequence[StackDefinition], *, wide: bool = False, max_width: int | None = None
) -> str:
    """The stacks as an aligned table; ``wide`` adds cluster sizes, protection and the
    project root. ``max_width`` (the terminal's) cuts the widest columns to fit."""
    columns = WIDE_COLUMNS if wide else COLUMNS
    rows = []
    for stack in stacks:
        row = [
            stack.id,
            stack.kind.value,
            stack.cloud.value if stack.cloud else "",
            ", ".join(stack.depends_on),
            "yes" if stack.autodeploy else "no",
            stack.expires.isoformat() if stack.expires else "",
            ", ".join(_describe_cluster(c) if wide else c.name for c in stack.clusters),
        ]
        if wide:
            row += ["yes" if stack.protect_from_deletion else "no", stack.project_root]
        row.append(", ".join(stack.labels))
        rows.append(row)
    return format_table(columns, rows, max_width=max_width, shrink=SHRINK_FIRST)


def _describe_cluster(cluster: ClusterSpec) -> str:
    """``target (3x Standard_D4s_v3; spot 1x Standard_D8s_v3, 0-4, spot)``: the default pool,
    then each extra pool by name."""
    pools = "".join(f"; {pool.name} {_describe_pool(pool)}" for pool in cluster.node_pools)
    return f"{cluster.name} ({_describe_pool(cluster.default_pool)}{pools})"


def _describe_pool(pool: NodePoolSpec) -> str:
    """``1x Standard_D8s_v3, 0-4, spot``: the size, the autoscaling range when there is one,
    and spot capacity."""
    scaling = f", {pool.min_nodes}-{pool.max_nodes}" if pool.autoscaling else ""
    return f"{pool.node_count}x {pool.machine_type}{scaling}" + (", spot" if pool.spot else "")
