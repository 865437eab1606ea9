"""Node counts and bounds: the same meaning on AKS and EKS."""

from __future__ import annotations

import pytest

from lab.rules import node_bound_violations


def test_extra_pools_may_scale_to_zero() -> None:
    assert node_bound_violations(0, 0, 4, floor=0) == []
    assert [str(v) for v in node_bound_violations(0, 0, 4)] == [
        "node_count: 0 is below 1; a pool needs nodes",
        "min_nodes: 0 is below 1",
    ]


SWAPPED = "min_nodes: min_nodes (5) is greater than max_nodes (3); swap or adjust them"
BELOW = (
    "min_nodes: the node count 2 (from size small) is below min_nodes (3); raise the count or "
    "lower min_nodes"
)
ABOVE = "max_nodes: the node count 7 is above max_nodes (6); lower the count or raise max_nodes"
OVER_CAP = [
    "nodes: 12 nodes exceed the cap of 10 nodes",
    "max_nodes: 20 exceeds the cap of 10 nodes",
]


@pytest.mark.parametrize(
    ("args", "options", "messages"),
    [
        ((2, 5, 3), {}, [SWAPPED]),
        ((2, 3, None), {"count_field": "nodes", "count_source": "size small"}, [BELOW]),
        ((7, None, 6), {}, [ABOVE]),
        ((12, None, 20), {"cap": 10, "count_field": "nodes"}, OVER_CAP),
        ((1, 0, 2), {}, ["min_nodes: 0 is below 1"]),
    ],
)
def test_violations(
    args: tuple[int, int | None, int | None], options: dict[str, object], messages: list[str]
) -> None:
    found = node_bound_violations(*args, **options)  # type: ignore[arg-type]
    assert [str(v) for v in found] == messages


def test_the_cap_note_says_where_the_cap_is_set() -> None:
    note = "the lab's cap (limits.max_nodes_per_cluster)"
    [violation] = node_bound_violations(11, cap=10, cap_note=note)
    assert str(violation) == f"node_count: 11 nodes exceed {note}"
