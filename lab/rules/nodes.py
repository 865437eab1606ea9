"""Node counts and autoscaling bounds, meaning the same on AKS and EKS.

A pool has a node count; ``min_nodes`` and ``max_nodes`` each default to it. The pool
autoscales when the bounds differ, and the count is then only where it starts.
"""

from __future__ import annotations

from dataclasses import dataclass

from lab.rules.violation import RuleError


@dataclass(frozen=True)
class NodeBounds:
    """A pool's size, resolved: ``minimum <= count <= maximum``."""

    count: int
    """Nodes at creation; a fixed pool keeps it."""
    minimum: int
    maximum: int

    @property
    def autoscaling(self) -> bool:
        """Whether the count may move between the bounds (which differ; a bound given as a
        Terraform token counts as different)."""
        return self.minimum != self.maximum


def node_bound_violations(
    count: int,
    min_nodes: int | None = None,
    max_nodes: int | None = None,
    *,
    floor: int = 1,
    cap: int | None = None,
    count_field: str = "node_count",
    count_source: str = "",
    cap_note: str = "",
) -> list[RuleError]:
    """Every way the sizes break the rules (empty when they hold).

    ``floor`` is the least a pool may have: 1 for a cluster's default pool (it runs the
    system pods), 0 for extra pools. ``cap`` is the most any bound may be.
    ``count_source`` says where the count came from (``size small``) and ``cap_note``
    where the cap is set, for the messages.
    """
    origin = f" (from {count_source})" if count_source else ""
    cap_text = cap_note or f"the cap of {cap} nodes"
    found: list[RuleError] = []
    if count < floor:
        found.append(RuleError(count_field, f"{count} is below {floor}; a pool needs nodes"))
    if min_nodes is not None and min_nodes < floor:
        found.append(RuleError("min_nodes", f"{min_nodes} is below {floor}"))
    if cap is not None and count > cap:
        found.append(RuleError(count_field, f"{count} nodes{origin} exceed {cap_text}"))
    if cap is not None and max_nodes is not None and max_nodes > cap:
        found.append(RuleError("max_nodes", f"{max_nodes} exceeds {cap_text}"))
    low = count if min_nodes is None else min_nodes
    high = count if max_nodes is None else max_nodes
    if min_nodes is not None and max_nodes is not None and low > high:
        found.append(
            RuleError(
                "min_nodes",
                f"min_nodes ({low}) is greater than max_nodes ({high}); swap or adjust them",
            )
        )
    elif count < low:
        found.append(
            RuleError(
                "min_nodes",
                f"the node count {count}{origin} is below min_nodes ({low}); raise the count or "
                "lower min_nodes",
            )
        )
    elif count > high:
        found.append(
            RuleError(
                "max_nodes",
                f"the node count {count}{origin} is above max_nodes ({high}); lower the count or "
                "raise max_nodes",
            )
        )
    return found


def node_bounds(
    count: int,
    min_nodes: int | None = None,
    max_nodes: int | None = None,
    *,
    floor: int = 1,
    cap: int | None = None,
    count_field: str = "node_count",
) -> NodeBounds:
    """The resolved bounds, or the first :class:`RuleError` of
    :func:`node_bound_violations`."""
    found = node_bound_violations(
        count, min_nodes, max_nodes, floor=floor, cap=cap, count_field=count_field
    )
    if found:
        raise found[0]
    return NodeBounds(
        count,
        count if min_nodes is None else min_nodes,
        count if max_nodes is None else max_nodes,
    )
