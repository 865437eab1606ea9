"""Plain-text tables for terminal output: aligned columns, no decoration.

Ours rather than a table library's: the runtime has none (requirements.lock), and what the
commands need (left-aligned, ``awk``-able columns, cut to the terminal) is these lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

EMPTY: Final = "-"
"""What an empty cell shows, so columns stay readable and `awk`-able."""
GAP: Final = "  "
ELLIPSIS: Final = "…"
MIN_COLUMN_WIDTH: Final = 6
"""Narrower than this, a cut column says nothing; the line may then exceed the width."""


def _fit(
    widths: list[int], headers: Sequence[str], max_width: int, shrink: Sequence[int]
) -> list[int]:
    """Column widths whose line fits ``max_width``: narrow the ``shrink`` columns, the
    first of them as far as it goes before the next, never below its header."""
    widths = list(widths)
    excess = sum(widths) + len(GAP) * (len(widths) - 1) - max_width
    for column in shrink:
        if excess <= 0:
            break
        floor = max(MIN_COLUMN_WIDTH, len(headers[column]))
        cut = min(excess, max(0, widths[column] - floor))
        widths[column] -= cut
        excess -= cut
    return widths


def _cut(cell: str, width: int) -> str:
    return cell if len(cell) <= width else cell[: width - 1] + ELLIPSIS


def format_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    max_width: int | None = None,
    shrink: Sequence[str] = (),
) -> str:
    """``headers`` and ``rows`` as left-aligned columns separated by two spaces.

    Empty cells show :data:`EMPTY`; the last column is not padded, so lines carry no
    trailing spaces. With ``max_width`` (a terminal's width), the ``shrink`` columns (by
    header, in that order) are cut until lines fit, each cut cell ending in
    :data:`ELLIPSIS`; a column keeps its header and at least :data:`MIN_COLUMN_WIDTH`
    characters, so a very narrow terminal still gets longer lines. Returns one line per row
    after the header, without a final newline.
    """
    cells = [list(headers)] + [[cell or EMPTY for cell in row] for row in rows]
    for row in cells:
        assert len(row) == len(headers), (
            f"row {row!r} has {len(row)} cells; expected {len(headers)}"
        )
    widths = [max(len(row[column]) for row in cells) for column in range(len(headers))]
    if max_width is not None:
        widths = _fit(widths, headers, max_width, [list(headers).index(name) for name in shrink])
        cells = [
            [_cut(cell, width) for cell, width in zip(row, widths, strict=True)] for row in cells
        ]
    lines = []
    for row in cells:
        padded = [cell.ljust(width) for cell, width in zip(row[:-1], widths[:-1], strict=True)]
        lines.append(GAP.join([*padded, row[-1]]).rstrip())
    return "\n".join(lines)


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """``1 stack``, ``2 stacks``: ``n`` and the noun in the number it takes."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"
