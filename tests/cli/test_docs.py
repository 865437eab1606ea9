"""The generated documentation: fresh in the repository, and `lab docs` rewriting it."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from lab.commands import docs
from lab.commands.docs import GRAPH_BEGIN, GRAPH_END, DocsError, replace_block
from lab.commands.graph import GraphFormat, render
from lab.definition import load_definition
from tests.cli.conftest import Invoke, Lab
from tests.helpers import REPO


@pytest.fixture(scope="module")
def generated() -> dict[str, docs.GeneratedDocument]:
    definition = load_definition(REPO / "lab.yaml", REPO / "experiments")
    return {str(d.path): d for d in docs.generated_documents(REPO, definition)}


@pytest.mark.parametrize("name", ["docs/architecture.md", "docs/policies.md"])
def test_generated_document_is_fresh(
    generated: dict[str, docs.GeneratedDocument], name: str
) -> None:
    document = generated[name]
    on_disk = (REPO / name).read_text(encoding="utf-8")
    assert on_disk == document.content, (
        f"{name} is stale (generated from {document.source}): run `make docs`"
    )


def test_architecture_embeds_the_lab_graph(generated: dict[str, docs.GeneratedDocument]) -> None:
    definition = load_definition(REPO / "lab.yaml", REPO / "experiments")
    text = generated["docs/architecture.md"].content
    block = text[text.index(GRAPH_BEGIN) + len(GRAPH_BEGIN) : text.index(GRAPH_END)]
    assert block == f"\n```mermaid\n{render(definition, GraphFormat.MERMAID)}```\n"


@pytest.fixture
def docs_root(tmp_path: Path) -> Path:
    """A repository root with docs/ and policies/ copied from the real one."""
    root = tmp_path / "root"
    shutil.copytree(REPO / "docs", root / "docs")
    shutil.copytree(REPO / "policies", root / "policies")
    shutil.copy(REPO / "README.md", root / "README.md")
    return root


def test_docs_rewrites_the_graph_and_leaves_the_prose(
    invoke: Invoke, small_lab: Lab, docs_root: Path
) -> None:
    architecture = docs_root / "docs" / "architecture.md"
    before = architecture.read_text()
    check = invoke("docs", "--check", "--root", str(docs_root), *small_lab.options)
    assert check.exit_code == 1
    assert check.stdout == ""
    assert check.stderr == (
        "error: stale generated documentation: docs/architecture.md; run `make docs`\n"
    )

    write = invoke("docs", "--root", str(docs_root), *small_lab.options)
    assert write.exit_code == 0
    assert write.stdout == "wrote docs/architecture.md (from the lab definition)\n"
    after = architecture.read_text()
    assert "exp_beta_eks -->|depends on| aws_foundation" in after
    assert "exp_http_baseline_aks" not in after
    outside = re.compile(re.escape(GRAPH_BEGIN) + ".*?" + re.escape(GRAPH_END), re.S)
    assert outside.sub("", after) == outside.sub("", before)

    again = invoke("docs", "--check", "--root", str(docs_root), *small_lab.options)
    assert (again.exit_code, again.stdout) == (0, "generated documentation is up to date\n")
    unchanged = invoke("docs", "--root", str(docs_root), *small_lab.options)
    assert unchanged.stdout == "generated documentation was up to date; nothing written\n"


def test_docs_regenerates_a_stale_policy_reference(
    invoke: Invoke, shipped_lab: Lab, docs_root: Path
) -> None:
    policies = docs_root / "docs" / "policies.md"
    policies.write_text("# edited by hand\n")
    check = invoke("docs", "--check", "--root", str(docs_root), *shipped_lab.options)
    assert check.exit_code == 1
    assert "docs/policies.md" in check.stderr
    invoke("docs", "--root", str(docs_root), *shipped_lab.options)
    assert policies.read_text() == (REPO / "docs" / "policies.md").read_text()


def test_docs_reports_invalid_policy_metadata_and_writes_nothing(
    invoke: Invoke, shipped_lab: Lab, docs_root: Path
) -> None:
    broken = docs_root / "policies" / "broken.rego"
    broken.write_text("package spacelift\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in (docs_root / "docs").rglob("*") if p.is_file()}

    result = invoke("docs", "--root", str(docs_root), *shipped_lab.options)

    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {broken}: the package statement has no METADATA annotation; add one "
        "with title, description and custom.spacelift.type (see lab/policies.py)\n"
    )
    assert {p: p.read_bytes() for p in (docs_root / "docs").rglob("*") if p.is_file()} == before


def test_checkov_summary_rewrites_the_readme_line(
    invoke: Invoke, shipped_lab: Lab, docs_root: Path, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.json"
    summary.write_text(
        json.dumps({"passed": 200, "failed": 0, "skipped": 17, "parsing_errors": 0, "files": 6})
    )
    args = ("--root", str(docs_root), "--checkov-summary", str(summary), *shipped_lab.options)
    assert invoke("docs", "--check", *args).exit_code == 1
    result = invoke("docs", *args)
    assert result.stdout == "wrote README.md (from the checkov gate's summary)\n"
    readme = (docs_root / "README.md").read_text()
    assert (
        "-->\ncheckov: 200 passed, 0 failed, 17 skipped, 0 parsing errors\n<!-- /checkov" in readme
    )
    assert invoke("docs", "--check", *args).exit_code == 0


def test_a_bad_checkov_summary_is_an_error(
    invoke: Invoke, shipped_lab: Lab, docs_root: Path, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.json"
    summary.write_text('{"passed": 1}')
    result = invoke(
        "docs", "--root", str(docs_root), "--checkov-summary", str(summary), *shipped_lab.options
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {summary}: not a checkov gate summary with passed,")


def test_missing_markers_are_an_error(invoke: Invoke, shipped_lab: Lab, docs_root: Path) -> None:
    (docs_root / "docs" / "architecture.md").write_text("# Architecture\n\nNo graph here.\n")
    result = invoke("docs", "--root", str(docs_root), *shipped_lab.options)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: docs/architecture.md: the generated graph needs")


def test_replace_block() -> None:
    text = f"intro\n{GRAPH_BEGIN}\nold\nlines\n{GRAPH_END}\noutro\n"
    assert replace_block(text, "new", Path("a.md")) == (
        f"intro\n{GRAPH_BEGIN}\nnew\n{GRAPH_END}\noutro\n"
    )
    with pytest.raises(DocsError, match="in that order"):
        replace_block(f"{GRAPH_END}\n{GRAPH_BEGIN}\n", "x", Path("a.md"))
    with pytest.raises(DocsError, match="more than once"):
        replace_block(f"{GRAPH_BEGIN}\n{GRAPH_END}\n{GRAPH_BEGIN}\n{GRAPH_END}\n", "x", Path("a"))


# --- links ------------------------------------------------------------------------------

_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
_MADE_BY_TOOLS = {"docs/performance.md": "make bench"}
"""Documents that a tool writes on demand; the index links them even before the first run."""


@pytest.mark.parametrize(
    "page",
    sorted(str(p.relative_to(REPO)) for p in (REPO / "docs").rglob("*.md")),
)
def test_relative_links_resolve(page: str) -> None:
    path = REPO / page
    missing = []
    for target in _LINK.findall(path.read_text(encoding="utf-8")):
        if "://" in target or target.startswith("mailto:"):
            continue
        resolved = (path.parent / target).resolve()
        relative = resolved.relative_to(REPO).as_posix() if resolved.is_relative_to(REPO) else ""
        if not resolved.exists() and relative not in _MADE_BY_TOOLS:
            missing.append(target)
    assert not missing, f"{page} links to missing files: {missing}"


def test_the_docs_index_and_readme_link_every_guide() -> None:
    index = (REPO / "docs" / "README.md").read_text(encoding="utf-8")
    for name in ("architecture.md", "workflows.md", "bootstrap.md", "policies.md"):
        assert f"]({name})" in index
    adrs = sorted(p.name for p in (REPO / "docs" / "adr").glob("ADR-*.md"))
    assert adrs
    for adr in adrs:
        assert f"](adr/{adr})" in index
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "](docs/workflows.md)" in readme
    assert "](docs/README.md)" in readme


@pytest.mark.parametrize("adr", sorted((REPO / "docs" / "adr").glob("ADR-*.md")), ids=str)
def test_adrs_share_one_format(adr: Path) -> None:
    text = adr.read_text(encoding="utf-8")
    assert re.match(rf"# {adr.name[:7]}: \S", text)
    status = r"^- \*\*Status:\*\* accepted\n- \*\*Date:\*\* \d{4}-\d{2}-\d{2}\n"
    assert re.search(status, text, re.M)
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert headings[0] == "Context" and headings[1] == "Decision"
    assert "Alternatives and trade-offs" in headings
    assert headings[-1] == "Consequences"
