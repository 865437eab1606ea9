"""A user turns each optional section of lab.yaml on, as its comments say, and off again.

Each variant is the repository's own lab.yaml with comment blocks uncommented (or, for
``cost:``, the block docs/workflows.md gives appended), synthesized in this process with
the repository's experiments into a temporary directory; then the invariants of
tests/test_lab_tree.py must hold over it, as they must over the committed tree. This is
what broke when the speed tests expected the real lab.yaml to have no ``argocd:``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from lab.cli import main
from lab.definition import load_definition
from tests.helpers import REPO, read_tree
from tests.test_lab_tree import (
    assert_managed_stacks_run_their_folders,
    assert_output_holds_the_stacks,
    assert_stacks_are_wired,
)

COST_BLOCK = re.search(
    r"```yaml\n(cost:\n.*?)```", (REPO / "docs" / "workflows.md").read_text(), re.S
)
"""The ``cost:`` section as docs/workflows.md ("Cost estimates") tells users to add it."""


def uncomment(text: str, header: str) -> str:
    """Uncomment the commented block that starts ``# <header>`` (a trailing comment may
    follow) and its deeper lines; ``text`` unchanged when it has no such block (the user
    has turned the section on already, or removed its comment)."""
    lines = text.splitlines(keepends=True)
    starts = [
        i
        for i, line in enumerate(lines)
        if line.strip() == f"# {header}" or line.strip().startswith(f"# {header} ")
    ]
    if not starts:
        return text
    [start] = starts
    indent = lines[start].index("#")
    lines[start] = lines[start][:indent] + lines[start][indent + 2 :]
    for i in range(start + 1, len(lines)):
        if not lines[i].startswith(" " * indent + "#   "):
            break
        lines[i] = lines[i][:indent] + lines[i][indent + 2 :]
    return "".join(lines)


def _worker_pool(text: str) -> str:
    # The comment on drift_detection says "true needs worker_pool_id": with one, turn it on.
    text = uncomment(text, "worker_pool_id: 01HV8Z3K4M5N6P7Q8R9S0T1V2W")
    return text.replace(
        "    enabled: false                   # true needs worker_pool_id", "    enabled: true"
    )


def _cost(text: str) -> str:
    assert COST_BLOCK, "docs/workflows.md no longer shows the cost: section"
    if re.search(r"^cost:", text, re.M):
        return text  # the user's lab.yaml has its own
    return f"{text}\n{COST_BLOCK.group(1)}"


SECTIONS = {
    "worker_pool_id": _worker_pool,
    "aws_integration": lambda text: uncomment(text, "aws_integration:"),
    "azure_integration": lambda text: uncomment(text, "azure_integration:"),
    "approvers": lambda text: uncomment(text, "approvers:"),
    "argocd": lambda text: uncomment(text, "argocd:"),
    "cost": _cost,
}


def _lab_yaml(on: list[str]) -> str:
    """The repository's lab.yaml with the sections in ``on`` turned on; the others stay as
    they are. A section the user has already turned on stays as the user wrote it."""
    text = (REPO / "lab.yaml").read_text()
    for name in on:
        text = SECTIONS[name](text)
    return text


VARIANTS = {"all-off": [], **{f"{name}-on": [name] for name in SECTIONS}, "all-on": [*SECTIONS]}


@pytest.fixture(scope="module")
def shipped_tree(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return _synthesized(tmp_path_factory.mktemp("all-off"), [])[1]


def _synthesized(root: Path, on: list[str]) -> tuple[Path, dict[str, bytes]]:
    config = root / "lab.yaml"
    config.write_text(_lab_yaml(on))
    shutil.copytree(REPO / "experiments", root / "experiments")
    outdir = root / "cdktf.out"
    result = CliRunner(env={"LAB_SYNTH_PARALLEL": "0"}).invoke(
        main,
        ["synth", "--config", str(config), "--experiments", str(root / "experiments"),
         "--outdir", str(outdir)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return config, read_tree(outdir)


@pytest.mark.parametrize("on", VARIANTS.values(), ids=VARIANTS.keys())
def test_the_lab_s_invariants_hold_with_each_optional_section(
    tmp_path: Path, on: list[str], shipped_tree: dict[str, bytes]
) -> None:
    if on and _lab_yaml(on) == _lab_yaml([]):
        pytest.skip(f"{', '.join(on)}: already on in lab.yaml (or its comment is gone)")
    config, tree = _synthesized(tmp_path, on)
    lab = load_definition(config, tmp_path / "experiments")
    # The user's lab may warn (support ending soon, overlapping clouds): each warning names
    # a file of this lab, as over the real tree (tests/test_lab_tree.py).
    for warning in (*lab.warnings, *lab.placeholders):
        where = Path(warning.file).resolve()
        assert where == config.resolve() or (tmp_path / "experiments") in where.parents
    assert_stacks_are_wired(lab)
    assert_output_holds_the_stacks(lab, tmp_path / "cdktf.out")
    assert_managed_stacks_run_their_folders(lab, tmp_path / "cdktf.out")
    if on:
        assert tree != shipped_tree, f"turning on {', '.join(on)} changed nothing"
    if lab.config.argocd is not None:
        assert any(b'"kubernetes"' in data for data in tree.values())
    else:
        assert not any(b'"kubernetes"' in data for name, data in tree.items() if "stacks/" in name)
