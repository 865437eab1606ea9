"""Plain-text tables for terminal output: aligned columns, no decoration."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

EMPTY: Final = "-"
"""What an empty cell shows, so columns stay readable and `awk`-able."""
GAP: Final = "  "


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """``headers`` and ``rows`` as left-aligned columns separated by two spaces.

    Empty cells show :data:`EMPTY`; the last column is not padded, so lines carry no
    trailing spaces. Returns one line per row after the header, without a final newline.
    """
    cells = [list(headers)] + [[cell or EMPTY for cell in row] for row in rows]
    for row in cells:
        if len(row) != len(headers):
            raise ValueError(f"row {row!r} has {len(row)} cells; expected {len(headers)}")
    widths = [max(len(row[column]) for row in cells) for column in range(len(headers))]
    lines = []
    for row in cells:
        padded = [cell.ljust(width) for cell, width in zip(row[:-1], widths[:-1], strict=True)]
        lines.append(GAP.join([*padded, row[-1]]).rstrip())
    return "\n".join(lines)
