"""Node counts and autoscaling bounds, meaning the same on AKS and EKS.

A pool has a node count; ``min_nodes`` and ``max_nodes`` each default to it (resolved once,
in ``lab.experiments``). The pool autoscales when the bounds differ, and the count is then
only where it starts.
"""

from __future__ import annotations

from lab.rules.violation import RuleError


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
