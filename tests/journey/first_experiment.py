"""The steps of a new user's first experiment, on a copy of this repository.

The path docs/workflows.md describes: ``lab new-experiment`` (once from the top of the
checkout with an ``expires`` date, which the shipped lab.yaml (no private worker pool) leaves
to the expire workflow, once from a subdirectory with autoscaling, which copies it), ``make
synth`` (``main.py``), and then the checks ``make test`` makes on the tree: synth
freshness, generated docs, ``lab validate``, the invariant tests over the real tree, and
the checkov gate. Nothing else is edited.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.conftest import installed_checkov
from tests.helpers import REPO

TIMEOUT_S = 600
EXPERIMENT = "first-try"


@dataclass
class Journey:
    clone: Path
    scaffolds: list[subprocess.CompletedProcess[str]] = field(default_factory=list)
    synth: subprocess.CompletedProcess[str] | None = None
    checks: dict[str, subprocess.CompletedProcess[str]] = field(default_factory=dict)
    """``make test``'s checks on the tree, by name."""


def tracked_files() -> list[str]:
    """What a clone of this checkout holds: tracked files and new, not ignored ones."""
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [name for name in listed.split("\0") if name and (REPO / name).is_file()]


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


def walk(clone: Path) -> Journey:
    """Copy the repository to ``clone`` and take every step; stop after a failed one."""
    for name in tracked_files():
        target = clone / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    journey = Journey(clone)
    new = ("-m", "lab", "new-experiment", EXPERIMENT)
    expires = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
    steps: list[tuple[tuple[str, ...], Path]] = [
        (
            ("--cluster", "target", "--provider", "azure", "--size", "small", "--expires", expires),
            clone,
        ),
        (
            (
                *("--cluster", "loadgen", "--provider", "aws", "--size", "medium"),
                *("--min-nodes", "2", "--max-nodes", "5"),
            ),
            clone / "experiments",  # from a subdirectory
        ),
    ]
    for options, cwd in steps:
        journey.scaffolds.append(done := run(clone, *new, *options, cwd=cwd))
        if done.returncode != 0:
            return journey
    journey.synth = run(clone, "main.py")
    if journey.synth.returncode != 0:
        return journey
    checkov = installed_checkov()
    checks = {
        "synth freshness": ("main.py", "--check"),
        "generated docs": ("-m", "lab", "docs", "--check"),
        "validate": ("-m", "lab", "validate"),
        "invariants over the real tree": (
            *("-m", "pytest", "-q", "-p", "no:cacheprovider"),
            "tests/test_lab_tree.py",
        ),
    }
    if checkov is not None:
        checks["checkov gate"] = (
            "tools/checkov_gate.py",
            "--checkov",
            str(checkov),
            "cdktf.out",
        )
    for name, command in checks.items():
        journey.checks[name] = run(clone, *command)
    return journey
