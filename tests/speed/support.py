"""Run ``main.py`` in a subprocess, as users and the cdktf CLI do, and read what it wrote."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from lab.definition import MANAGEMENT_STACK_ID
from tests.helpers import FIXTURE_LAB, REPO, read_tree

# The fixture lab, not the users' lab.yaml and experiments/: what these tests assert (no
# argocd: section, so no kubernetes provider; the stacks) must not change when users edit
# theirs. That the committed cdktf.out/ is fresh is `make check-synth`'s.
CONFIG: Final = FIXTURE_LAB / "lab.yaml"
EXPERIMENTS: Final = FIXTURE_LAB / "experiments"
PROBE: Final = Path(__file__).with_name("probe.py")
AWS_STACK: Final = "aws-foundation"
TAMPERED_STACK: Final = "azure-foundation"
"""The stack whose file the per-stack test corrupts before synthesizing another one."""
SYNTH_TIMEOUT_S: Final = 300


@dataclass(frozen=True)
class MainRun:
    """One finished ``main.py`` process and what it left behind."""

    returncode: int
    stdout: str
    stderr: str
    outdir: Path
    report: Mapping[str, Any] | None = None
    """The probe's report (see ``probe.py``): what the process loaded."""

    def tree(self) -> dict[str, bytes]:
        """Every file under ``outdir`` by relative path."""
        return read_tree(self.outdir)


def environment() -> dict[str, str]:
    """This environment without the lab's or the CLI's own variables."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("LAB_", "CDKTF_"))}


def run_main(
    outdir: Path,
    *args: str,
    experiments: Path = EXPERIMENTS,
    report: Path | None = None,
    checkout: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> MainRun:
    """``python main.py --outdir OUTDIR ARGS``, through the probe when ``report`` is given.

    With ``checkout``, the sources are first copied there and the run happens in the copy,
    so the output can be compared with a run from the repository itself. ``env`` is set on
    top of this environment.
    """
    workdir = copy_sources(checkout) if checkout else REPO
    script = [str(PROBE), str(report)] if report else [str(workdir / "main.py")]
    # The probe reports on one process, so the whole app must synthesize in it.
    variables = environment() | ({"LAB_SYNTH_PARALLEL": "0"} if report else {}) | dict(env or {})
    if checkout:
        variables["PYTHONPATH"] = str(workdir)
    done = subprocess.run(
        [
            sys.executable,
            *script,
            *("--config", str(workdir / "lab.yaml" if checkout else CONFIG)),
            *("--experiments", str(workdir / "experiments" if checkout else experiments)),
            *("--outdir", str(outdir), *args),
        ],
        cwd=workdir,
        env=variables,
        capture_output=True,
        text=True,
        timeout=SYNTH_TIMEOUT_S,
        check=False,
    )
    loaded = json.loads(report.read_text()) if report and report.exists() else None
    return MainRun(done.returncode, done.stdout, done.stderr, outdir, loaded)


def synth_one_stack_over(
    whole_app: Future[MainRun], workdir: Path
) -> tuple[MainRun, dict[str, bytes]]:
    """Per-stack synth of the management stack over a copy of a whole-app synth, tampered with.

    Before the run, another stack's file and the target's own file are overwritten, so
    the test can tell a file left alone from a file rewritten. Returns the run and the
    tree as it was just before it.
    """
    base = whole_app.result()
    if base.returncode != 0:
        raise RuntimeError(f"the whole-app synth to start from failed:\n{base.stderr}")
    outdir = workdir / "cdktf.out"
    shutil.copytree(base.outdir, outdir)
    (outdir / "stacks" / TAMPERED_STACK / "cdk.tf.json").write_text("tampered\n")
    (outdir / "stacks" / MANAGEMENT_STACK_ID / "cdk.tf.json").write_text("stale\n")
    before = read_tree(outdir)
    run = run_main(outdir, "--stack", MANAGEMENT_STACK_ID, report=workdir / "report.json")
    return run, before


CHECKOUT_ENTRIES: Final = ("main.py", "lab.yaml", "cdktf.json", "lab", "experiments", "policies")
"""What a synth reads: copied to check that the output does not depend on where it runs."""


def copy_sources(checkout: Path) -> Path:
    """Copy what a synth reads to ``checkout`` (a directory that does not exist yet)."""
    checkout.mkdir(parents=True)
    for entry in CHECKOUT_ENTRIES:
        source = (FIXTURE_LAB if entry in {"lab.yaml", "experiments"} else REPO) / entry
        if source.is_dir():
            shutil.copytree(source, checkout / entry, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, checkout / entry)
    return checkout
