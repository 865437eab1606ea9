"""``lab stacks``: every stack of the lab with its settings, as a table or as JSON.

The JSON document (``FORMAT_VERSION`` 1) is a stable interface for scripts::

    {
      "format_version": 1,
      "stacks": [
        {
          "id": "exp-http-baseline-aks",         # the Spacelift stack slug
          "kind": "experiment",                  # management | foundation | experiment
          "description": "...",
          "cloud": "azure",                      # azure | aws | null (management)
          "experiment": "http-baseline",         # null unless kind is experiment
          "project_root": "cdktf.out/stacks/exp-http-baseline-aks",
          "depends_on": ["azure-foundation"],    # stacks whose tracked runs go first
          "labels": ["experiment", "azure", ...],
          "autodeploy": true,
          "protect_from_deletion": false,
          "expires": null,                       # "YYYY-MM-DD" or null
          "inputs": [{"name": "location", "env": "TF_VAR_location"}],
          "outputs": [],                         # foundation output names
          "clusters": [{"name": "loadgen", "full_name": "http-baseline-loadgen",
                        "size": "small", "node_count": 2,
                        "machine_type": "Standard_D2s_v3",
                        "min_nodes": null, "max_nodes": null,
                        "source": "experiments/http-baseline/loadgen/cluster.yaml"}]
        }
      ]
    }

Stacks come in definition order: the management stack, the foundations, then the
experiments by name. New keys may be added; existing keys keep their meaning.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, Final

from lab.commands.table import format_table
from lab.definition import LabDefinition, StackDefinition, StackKind
from lab.errors import display_path
from lab.experiments import Cloud, ClusterSpec

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


def stacks_document(stacks: Sequence[StackDefinition]) -> dict[str, Any]:
    """The ``--json`` document (see the module docstring for its shape)."""
    return {"format_version": FORMAT_VERSION, "stacks": [stack_record(s) for s in stacks]}


def stack_record(stack: StackDefinition) -> dict[str, Any]:
    """One stack as plain JSON data."""
    return {
        "id": stack.id,
        "kind": stack.kind.value,
        "description": stack.description,
        "cloud": stack.cloud.value if stack.cloud else None,
        "experiment": stack.experiment,
        "project_root": stack.project_root,
        "depends_on": list(stack.depends_on),
        "labels": list(stack.labels),
        "autodeploy": stack.autodeploy,
        "protect_from_deletion": stack.protect_from_deletion,
        "expires": stack.expires.isoformat() if stack.expires else None,
        "inputs": [{"name": value.name, "env": value.input_name} for value in stack.inputs],
        "outputs": [value.name for value in stack.outputs],
        "clusters": [_cluster_record(cluster) for cluster in stack.clusters],
    }


def _cluster_record(cluster: ClusterSpec) -> dict[str, Any]:
    return {
        "name": cluster.name,
        "full_name": cluster.full_name,
        "size": cluster.size.value,
        "node_count": cluster.node_count,
        "machine_type": cluster.machine_type,
        "min_nodes": cluster.min_nodes,
        "max_nodes": cluster.max_nodes,
        "source": display_path(cluster.source),
    }


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
    """``target (3x Standard_D4s_v3)``, with the autoscaling range when there is one."""
    scaling = f", {cluster.min_nodes}-{cluster.max_nodes}" if cluster.autoscaling else ""
    return f"{cluster.name} ({cluster.node_count}x {cluster.machine_type}{scaling})"
