"""``lab graph``: the Spacelift stack dependency graph as Mermaid or Graphviz dot.

Nodes are the stacks, labelled with their kind and cloud and grouped by cloud. A solid
edge ``A -> B`` means *A depends on B*: B's tracked runs go first and its outputs reach A
as ``TF_VAR_*`` inputs. Dashed edges from ``spacelift-root`` show which stacks it
creates and configures (every other stack); ``include_management=False`` leaves the
management stack out. The output is deterministic: clouds, stacks and edges are sorted,
so a committed copy (``docs/architecture.md``) changes only when the graph does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from lab.clouds import Cloud, cloud_unit
from lab.definition import MANAGEMENT_STACK_ID, StackDefinition, StackKind


class GraphFormat(StrEnum):
    """Output formats of ``lab graph``."""

    MERMAID = "mermaid"
    """A Mermaid flowchart: GitHub and most Markdown viewers render it inline."""
    DOT = "dot"
    """Graphviz: ``lab graph --format dot | dot -Tsvg > stacks.svg``."""


DEPENDS_ON_LABEL: Final = "depends on"
MANAGES_LABEL: Final = "manages"

# Fill and border colours per kind: light fills keep the labels readable in both
# light and dark Markdown themes.
_KIND_COLOURS: Final = {
    StackKind.MANAGEMENT: ("#ede7f6", "#5e35b1"),
    StackKind.FOUNDATION: ("#e3f2fd", "#1e88e5"),
    StackKind.EXPERIMENT: ("#e8f5e9", "#43a047"),
}
_KIND_ORDER: Final = {kind: index for index, kind in enumerate(StackKind)}
_NOT_AN_ID_CHARACTER = re.compile(r"[^A-Za-z0-9_]")


@dataclass(frozen=True)
class StackGraph:
    """The graph's content, sorted: what both renderers draw."""

    unclustered: tuple[StackDefinition, ...]
    """Stacks without a cloud (the management stack)."""
    by_cloud: tuple[tuple[Cloud, tuple[StackDefinition, ...]], ...]
    """Each cloud that has stacks, by name, with its stacks (foundations first, then by id)."""
    dependencies: tuple[tuple[str, str], ...]
    """``(stack, upstream)`` pairs: the stack depends on the upstream."""
    managed: tuple[tuple[str, str], ...]
    """``(spacelift-root, stack)`` pairs."""


def build_graph(
    stacks: Sequence[StackDefinition], *, include_management: bool = True
) -> StackGraph:
    """The nodes and edges of the graph of ``stacks`` (a definition's), in a deterministic
    order."""
    managed_stacks = [s for s in stacks if s.kind is not StackKind.MANAGEMENT]
    stacks = managed_stacks if not include_management else list(stacks)
    ordered = sorted(stacks, key=lambda s: (_KIND_ORDER[s.kind], s.id))
    clouds = sorted({s.cloud for s in ordered if s.cloud is not None}, key=lambda c: c.value)
    present = {s.id for s in ordered}
    dependencies = sorted(
        (stack.id, upstream)
        for stack in ordered
        for upstream in stack.depends_on
        if upstream in present
    )
    managed: list[tuple[str, str]] = []
    if MANAGEMENT_STACK_ID in present:
        managed = sorted((MANAGEMENT_STACK_ID, s.id) for s in managed_stacks)
    return StackGraph(
        unclustered=tuple(s for s in ordered if s.cloud is None),
        by_cloud=tuple((c, tuple(s for s in ordered if s.cloud is c)) for c in clouds),
        dependencies=tuple(dependencies),
        managed=tuple(managed),
    )


def render(
    stacks: Sequence[StackDefinition], fmt: GraphFormat, *, include_management: bool = True
) -> str:
    """The graph of ``stacks`` in ``fmt``, ending with a newline."""
    graph = build_graph(stacks, include_management=include_management)
    if fmt is GraphFormat.DOT:
        return render_dot(graph)
    return render_mermaid(graph)


def node_label(stack: StackDefinition) -> tuple[str, str]:
    """The two lines of a node: the stack id, then its kind (and cloud)."""
    detail = f"{stack.kind.value} ({stack.cloud.value})" if stack.cloud else stack.kind.value
    return stack.id, detail


# --- Mermaid --------------------------------------------------------------------------


def render_mermaid(graph: StackGraph) -> str:
    """A Mermaid ``flowchart`` (left to right), one subgraph per cloud."""
    lines = ["flowchart LR"]
    lines += [f"  {_mermaid_node(stack)}" for stack in graph.unclustered]
    for cloud, stacks in graph.by_cloud:
        lines.append(f'  subgraph cloud_{cloud.value}["{cloud_unit(cloud).title}"]')
        lines += [f"    {_mermaid_node(stack)}" for stack in stacks]
        lines.append("  end")
    lines += [
        f"  {_mermaid_id(stack)} -->|{DEPENDS_ON_LABEL}| {_mermaid_id(upstream)}"
        for stack, upstream in graph.dependencies
    ]
    lines += [
        f"  {_mermaid_id(manager)} -.->|{MANAGES_LABEL}| {_mermaid_id(stack)}"
        for manager, stack in graph.managed
    ]
    members = _members_by_kind(graph)
    for kind, (fill, stroke) in _KIND_COLOURS.items():
        if members[kind]:
            lines.append(f"  classDef {kind.value} fill:{fill},stroke:{stroke},color:#212121")
            lines.append(f"  class {','.join(_mermaid_id(s) for s in members[kind])} {kind.value}")
    return "\n".join(lines) + "\n"


def _mermaid_id(stack_id: str) -> str:
    # Stack ids are DNS labels: mapping '-' to '_' cannot make two of them collide, and
    # keeps Mermaid from reading a hyphen as part of an edge.
    return _NOT_AN_ID_CHARACTER.sub("_", stack_id)


def _mermaid_node(stack: StackDefinition) -> str:
    first, second = (_mermaid_text(part) for part in node_label(stack))
    return f'{_mermaid_id(stack.id)}["{first}<br/>{second}"]'


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;")


# --- Graphviz -------------------------------------------------------------------------


def render_dot(graph: StackGraph) -> str:
    """A Graphviz ``digraph`` (left to right), one cluster per cloud."""
    lines = [
        "digraph lab {",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    lines += [f"  {_dot_node(stack)}" for stack in graph.unclustered]
    for cloud, stacks in graph.by_cloud:
        lines.append(f"  subgraph cluster_{cloud.value} {{")
        lines.append(f"    label={_dot_string(cloud_unit(cloud).title)};")
        lines += [f"    {_dot_node(stack)}" for stack in stacks]
        lines.append("  }")
    lines += [
        f"  {_dot_string(stack)} -> {_dot_string(upstream)} "
        f"[label={_dot_string(DEPENDS_ON_LABEL)}];"
        for stack, upstream in graph.dependencies
    ]
    lines += [
        f"  {_dot_string(manager)} -> {_dot_string(stack)} "
        f'[label={_dot_string(MANAGES_LABEL)}, style=dashed, color="#757575"];'
        for manager, stack in graph.managed
    ]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_node(stack: StackDefinition) -> str:
    fill, stroke = _KIND_COLOURS[stack.kind]
    label = "\\n".join(_dot_escape(part) for part in node_label(stack))
    return f'{_dot_string(stack.id)} [label="{label}", fillcolor="{fill}", color="{stroke}"];'


def _dot_string(text: str) -> str:
    return f'"{_dot_escape(text)}"'


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _members_by_kind(graph: StackGraph) -> dict[StackKind, Sequence[str]]:
    everything = [*graph.unclustered, *(s for _, stacks in graph.by_cloud for s in stacks)]
    return {kind: sorted(s.id for s in everything if s.kind is kind) for kind in StackKind}
