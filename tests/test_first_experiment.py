"""A new user's first experiment, end to end, on a copy of this repository.

The path docs/workflows.md describes: ``lab new-experiment`` (once from the top of the
checkout, once from a subdirectory with autoscaling; an ``expires`` date is refused on the
shipped lab.yaml, which has no private worker pool to run scheduled deletions), ``make
synth`` (``main.py``), and then the checks ``make test`` makes on the tree: synth
freshness, generated docs, ``lab validate``, the invariant tests over the real
tree, and the checkov gate. Nothing else is edited, and all of it must pass.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.helpers import REPO

TIMEOUT_S = 600


def tracked_files() -> list[str]:
    """What a clone of this checkout holds: tracked files and new, not ignored ones."""
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [name for name in listed.split("\0") if name and (REPO / name).is_file()]


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("first-experiment") / "repo"
    for name in tracked_files():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    return root


def run(clone: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LAB_", "CDKTF_"))}
    env["PYTHONPATH"] = str(clone)  # the copy's lab package, not this checkout's
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd or clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )


def test_the_first_experiment_pull_request_passes_the_checks(
    clone: Path, real_checkov: Path
) -> None:
    new = ("-m", "lab", "new-experiment", "first-try")
    expires = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
    refused = run(clone, *new, "--cluster", "target", "--provider", "azure", "--expires", expires)
    assert refused.returncode == 2
    assert "Spacelift runs scheduled deletions only on private workers" in refused.stderr
    assert not (clone / "experiments" / "first-try").exists()

    steps: list[tuple[tuple[str, ...], Path]] = [
        (("--cluster", "target", "--provider", "azure", "--size", "small"), clone),
        (
            (
                *("--cluster", "loadgen", "--provider", "aws", "--size", "medium"),
                *("--min-nodes", "2", "--max-nodes", "5"),
            ),
            clone / "experiments",  # from a subdirectory
        ),
    ]
    for options, cwd in steps:
        done = run(clone, *new, *options, cwd=cwd)
        assert done.returncode == 0, done.stderr

    synth = run(clone, "main.py")
    assert synth.returncode == 0, synth.stderr
    assert "exp-first-try-aks" in synth.stdout and "exp-first-try-eks" in synth.stdout

    checks = {
        "synth freshness": ("main.py", "--check"),
        "generated docs": ("-m", "lab", "docs", "--check"),
        "validate": ("-m", "lab", "validate"),
        "invariants over the real tree": (
            *("-m", "pytest", "-q", "-p", "no:cacheprovider"),
            "tests/test_lab_tree.py",
        ),
        "checkov gate": ("tools/checkov_gate.py", "--checkov", str(real_checkov), "cdktf.out"),
    }
    failures = {}
    for name, command in checks.items():
        done = run(clone, *command)
        if done.returncode != 0:
            failures[name] = done.stdout[-2000:] + done.stderr[-2000:]
    assert failures == {}
