"""``lab docs``: rewrite the generated parts of ``docs/`` (``make docs``).

These parts are generated, so they cannot drift from their sources:

- the stack graph in ``docs/architecture.md``, a Mermaid block between the
  :data:`GRAPH_BEGIN` and :data:`GRAPH_END` marker comments (the prose around it is
  written by hand and left alone), from the lab definition;
- all of ``docs/policies.md``, from the METADATA annotations of ``policies/*.rego``
  (rendered by :func:`lab.policies.render_policies_markdown`);
- when given a checkov summary (``tools/checkov_gate.py --summary-json``), the counts
  line in ``README.md`` between the ``checkov-summary`` comments. ``make docs`` runs
  the gate for it, and ``make scan`` fails when that line is stale.

``lab docs --check`` (in ``make lint``) fails when the graph or the policy reference is
stale.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from lab.commands.graph import GraphFormat, render
from lab.definition import LabDefinition
from lab.policies import POLICY_DIRECTORY, load_policies, render_policies_markdown

ARCHITECTURE: Final = Path("docs/architecture.md")
POLICIES: Final = Path("docs/policies.md")
GRAPH_BEGIN: Final = "<!-- BEGIN GENERATED: stack graph (`make docs` rewrites it; do not edit) -->"
GRAPH_END: Final = "<!-- END GENERATED: stack graph -->"
README: Final = Path("README.md")
_CHECKOV_BLOCK = re.compile(
    r"(?P<open><!-- checkov-summary.*?-->\n)(?P<line>.*?)(?P<close>\n<!-- /checkov-summary -->)",
    re.S,
)
_CHECKOV_COUNTS: Final = ("passed", "failed", "skipped", "parsing_errors")


class DocsError(Exception):
    """A generated document cannot be produced (missing markers, an invalid policy)."""


@dataclass(frozen=True)
class GeneratedDocument:
    path: Path
    """Relative to the repository root."""
    content: str
    """The whole file as it should be."""
    source: str
    """What it is generated from, for messages."""


@dataclass(frozen=True)
class CheckovCounts:
    """What README.md states about the last checkov scan of ``cdktf.out/``."""

    passed: int
    failed: int
    skipped: int
    parsing_errors: int

    @property
    def line(self) -> str:
        return (
            f"checkov: {self.passed} passed, {self.failed} failed, {self.skipped} skipped, "
            f"{self.parsing_errors} parsing errors"
        )


def read_checkov_summary(path: Path) -> CheckovCounts:
    """The counts from a ``tools/checkov_gate.py --summary-json`` file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return CheckovCounts(*(int(data[key]) for key in _CHECKOV_COUNTS))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise DocsError(
            f"{path}: not a checkov gate summary with {', '.join(_CHECKOV_COUNTS)} ({error})"
        ) from None


def generated_documents(
    root: Path, definition: LabDefinition, *, checkov: CheckovCounts | None = None
) -> tuple[GeneratedDocument, ...]:
    """Every generated document as it should read, given the sources under ``root``.

    The README's checkov line is included only when ``checkov`` counts are given.
    """
    architecture = root / ARCHITECTURE
    try:
        current = architecture.read_text(encoding="utf-8")
    except OSError as error:
        raise DocsError(f"{ARCHITECTURE}: cannot be read: {error.strerror or error}") from None
    graph = f"```mermaid\n{render(definition, GraphFormat.MERMAID)}```"
    try:
        policies = render_policies_markdown(load_policies(root / POLICY_DIRECTORY))
    except ValueError as error:
        raise DocsError(str(error)) from None
    documents = [
        GeneratedDocument(
            ARCHITECTURE, replace_block(current, graph, ARCHITECTURE), "the lab definition"
        ),
        GeneratedDocument(POLICIES, policies, f"{POLICY_DIRECTORY}/*.rego"),
    ]
    if checkov is not None:
        documents.append(
            GeneratedDocument(README, _readme(root, checkov), "the checkov gate's summary")
        )
    return tuple(documents)


def _readme(root: Path, counts: CheckovCounts) -> str:
    text = _read(root / README)
    match = _CHECKOV_BLOCK.search(text or "")
    if text is None or match is None:
        raise DocsError(
            f"{README}: no checkov-summary block (<!-- checkov-summary ... --> and "
            "<!-- /checkov-summary --> around one line) to write the counts into"
        )
    return f"{text[: match.start('line')]}{counts.line}{text[match.end('line') :]}"


def replace_block(text: str, block: str, path: Path) -> str:
    """``text`` with the lines between the graph markers replaced by ``block``."""
    begin, end = text.find(GRAPH_BEGIN), text.find(GRAPH_END)
    if begin == -1 or end == -1 or end < begin:
        raise DocsError(
            f"{path}: the generated graph needs the marker lines {GRAPH_BEGIN} and "
            f"{GRAPH_END}, in that order; add them where the graph belongs"
        )
    if text.count(GRAPH_BEGIN) > 1 or text.count(GRAPH_END) > 1:
        raise DocsError(f"{path}: the graph markers appear more than once; keep one pair")
    head = text[: begin + len(GRAPH_BEGIN)]
    return f"{head}\n{block}\n{text[end:]}"


def stale_documents(
    root: Path, definition: LabDefinition, *, checkov: CheckovCounts | None = None
) -> list[GeneratedDocument]:
    """The generated documents whose file under ``root`` differs from what it should be."""
    return [
        document
        for document in generated_documents(root, definition, checkov=checkov)
        if _read(root / document.path) != document.content
    ]


def write_documents(
    root: Path, definition: LabDefinition, *, checkov: CheckovCounts | None = None
) -> list[GeneratedDocument]:
    """Rewrite the stale documents under ``root``; return the ones written."""
    written = stale_documents(root, definition, checkov=checkov)
    for document in written:
        target = root / document.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(document.content, encoding="utf-8")
    return written


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
