"""The generated documentation: fresh in the repository, and `lab docs` rewriting it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from lab.clouds import CLOUDS
from lab.commands import docs
from lab.commands.docs import (
    GRAPH_BEGIN,
    GRAPH_END,
    SUPPRESSIONS_BEGIN,
    SUPPRESSIONS_END,
    DocsError,
    contract_table,
    example_stacks,
    replace_block,
    suppressions_table,
)
from lab.commands.graph import GraphFormat, render
from tests.cli.conftest import Invoke
from tests.helpers import REPO


@pytest.fixture(scope="module")
def generated() -> dict[str, docs.GeneratedDocument]:
    return {str(d.path): d for d in docs.generated_documents(REPO)}


@pytest.mark.parametrize("name", ["docs/architecture.md", "docs/policies.md", "README.md"])
def test_generated_document_is_fresh(
    generated: dict[str, docs.GeneratedDocument], name: str
) -> None:
    document = generated[name]
    on_disk = (REPO / name).read_text(encoding="utf-8")
    assert on_disk == document.content, (
        f"{name} is stale (generated from {document.source}): run `make docs`"
    )


def test_architecture_embeds_the_example_graph(
    generated: dict[str, docs.GeneratedDocument],
) -> None:
    text = generated["docs/architecture.md"].content
    block = text[text.index(GRAPH_BEGIN) + len(GRAPH_BEGIN) : text.index(GRAPH_END)]
    assert block == f"\n```mermaid\n{render(example_stacks(), GraphFormat.MERMAID)}```\n"
    assert "exp_demo_aks -->|depends on| azure_foundation" in block
    assert "exp_demo_eks -->|depends on| aws_foundation" in block
    assert "spacelift_root -.->|manages| exp_demo_eks" in block


def test_the_example_has_every_kind_of_stack_and_edge() -> None:
    stacks = {stack.id: stack for stack in example_stacks()}
    assert list(stacks) == [
        "spacelift-root",
        "azure-foundation",
        "aws-foundation",
        "exp-demo-aks",
        "exp-demo-eks",
    ]
    # An experiment on both clouds: each stack runs after both foundations (the other's for
    # its egress addresses).
    assert stacks["exp-demo-aks"].depends_on == ("azure-foundation", "aws-foundation")
    assert stacks["exp-demo-eks"].depends_on == ("aws-foundation", "azure-foundation")


def test_the_contract_table_says_who_reads_each_foundation_output() -> None:
    rows = contract_table().splitlines()
    assert rows[:2] == ["| foundation | output | read by | as |", "|---|---|---|---|"]
    assert "| `azure-foundation` | `location` | every AKS experiment | `TF_VAR_location` |" in rows
    assert (
        "| `aws-foundation` | `egress_cidrs` (JSON list) | AKS stacks of experiments on several "
        "clouds | `TF_VAR_aws_egress_cidrs` |"
    ) in rows
    assert "| `aws-foundation` | `vpc_id` | (people, Spacelift outputs) | |" in rows
    outputs = {v.name for cloud in CLOUDS for v in cloud.foundation_outputs}
    assert {row.split(" | ")[1].split("`")[1] for row in rows[2:]} == outputs


def test_the_suppressions_table_lists_every_skip_with_its_area_and_reason() -> None:
    config = (
        "skip-check:\n"
        "  # AKS (lab/constructs/azure/aks.py)\n"
        "  - CKV_AZURE_170  # cost | choice\n"
        "  # VPC (lab/constructs/aws/network.py)\n"
        "  - CKV2_AWS_11  # flow logs elsewhere\n"
    )
    assert suppressions_table(config) == (
        "| area | check | why it does not apply to this lab |\n"
        "|---|---|---|\n"
        "| AKS | `CKV_AZURE_170` | cost \\| choice |\n"
        "| VPC | `CKV2_AWS_11` | flow logs elsewhere |"
    )
    with pytest.raises(DocsError, match="no skip-check entries"):
        suppressions_table("framework:\n  - terraform_json\n")


@pytest.fixture
def docs_root(tmp_path: Path) -> Path:
    """A repository root with what `lab docs` reads and writes, copied from the real one."""
    root = tmp_path / "root"
    shutil.copytree(REPO / "docs", root / "docs")
    shutil.copytree(REPO / "policies", root / "policies")
    shutil.copy(REPO / "README.md", root / "README.md")
    shutil.copy(REPO / ".checkov.yaml", root / ".checkov.yaml")
    return root


def test_docs_do_not_depend_on_the_experiments(invoke: Invoke, docs_root: Path) -> None:
    """A user's new experiment never makes the generated docs stale: they read no lab.yaml."""
    result = invoke("docs", "--check", "--root", str(docs_root))
    assert (result.exit_code, result.stdout) == (0, "generated documentation is up to date\n")


def test_docs_rewrite_the_graph_and_leave_the_prose(invoke: Invoke, docs_root: Path) -> None:
    architecture = docs_root / "docs" / "architecture.md"
    before = architecture.read_text()
    architecture.write_text(before.replace("exp_demo_eks", "exp_stale_eks"))
    check = invoke("docs", "--check", "--root", str(docs_root))
    assert check.exit_code == 1
    assert check.stdout == ""
    assert check.stderr == (
        "error: stale generated documentation: docs/architecture.md; run `make docs`\n"
    )

    write = invoke("docs", "--root", str(docs_root))
    assert write.exit_code == 0
    assert write.stdout == "wrote docs/architecture.md (from an example lab definition)\n"
    assert architecture.read_text() == before

    unchanged = invoke("docs", "--root", str(docs_root))
    assert unchanged.stdout == "generated documentation was up to date; nothing written\n"


def test_docs_rewrite_the_suppressions_after_a_new_skip(invoke: Invoke, docs_root: Path) -> None:
    config = docs_root / ".checkov.yaml"
    config.write_text(config.read_text() + "  - CKV_AWS_999  # a new lab choice\n")
    assert invoke("docs", "--check", "--root", str(docs_root)).exit_code == 1
    result = invoke("docs", "--root", str(docs_root))
    assert result.stdout == "wrote README.md (from .checkov.yaml)\n"
    readme = (docs_root / "README.md").read_text()
    assert "| `CKV_AWS_999` | a new lab choice |\n<!-- END GENERATED" in readme


def test_docs_regenerate_a_stale_policy_reference(invoke: Invoke, docs_root: Path) -> None:
    policies = docs_root / "docs" / "policies.md"
    policies.write_text("# edited by hand\n")
    check = invoke("docs", "--check", "--root", str(docs_root))
    assert check.exit_code == 1
    assert "docs/policies.md" in check.stderr
    invoke("docs", "--root", str(docs_root))
    assert policies.read_text() == (REPO / "docs" / "policies.md").read_text()


def test_docs_report_invalid_policy_metadata_and_write_nothing(
    invoke: Invoke, docs_root: Path
) -> None:
    broken = docs_root / "policies" / "broken.rego"
    broken.write_text("package spacelift\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in (docs_root / "docs").rglob("*") if p.is_file()}

    result = invoke("docs", "--root", str(docs_root))

    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {broken}: the package statement has no METADATA annotation; add one "
        "with title, description and custom.spacelift.type (see lab/policies.py)\n"
    )
    assert {p: p.read_bytes() for p in (docs_root / "docs").rglob("*") if p.is_file()} == before


def test_missing_markers_are_an_error(invoke: Invoke, docs_root: Path) -> None:
    (docs_root / "docs" / "architecture.md").write_text("# Architecture\n\nNo graph here.\n")
    result = invoke("docs", "--root", str(docs_root))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: docs/architecture.md: the generated block needs")


def test_replace_block() -> None:
    text = f"intro\n{GRAPH_BEGIN}\nold\nlines\n{GRAPH_END}\noutro\n"
    assert replace_block(text, "new", Path("a.md"), GRAPH_BEGIN, GRAPH_END) == (
        f"intro\n{GRAPH_BEGIN}\nnew\n{GRAPH_END}\noutro\n"
    )
    with pytest.raises(DocsError, match="in that order"):
        replace_block(f"{GRAPH_END}\n{GRAPH_BEGIN}\n", "x", Path("a.md"), GRAPH_BEGIN, GRAPH_END)
    with pytest.raises(DocsError, match="more than once"):
        replace_block(
            f"{SUPPRESSIONS_BEGIN}\n{SUPPRESSIONS_END}\n{SUPPRESSIONS_BEGIN}\n{SUPPRESSIONS_END}\n",
            "x",
            Path("a"),
            SUPPRESSIONS_BEGIN,
            SUPPRESSIONS_END,
        )


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
