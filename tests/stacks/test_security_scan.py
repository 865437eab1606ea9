"""checkov over the whole synthesized app: clean, and the README states the real counts."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.stacks.conftest import REPO, SynthTree

README_SUMMARY = re.compile(
    r"<!-- checkov-summary.*?-->\n(?P<line>.*?)\n<!-- /checkov-summary -->", re.S
)


def test_checkov_gate_passes_and_readme_counts_are_current(
    real_checkov: Path, shipped_outdir: Path, shipped_synth: SynthTree, tmp_path: Path
) -> None:
    summary_path = tmp_path / "summary.json"
    gate = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "checkov_gate.py"),
            "--checkov",
            str(real_checkov),
            "--summary-json",
            str(summary_path),
            str(shipped_outdir),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert gate.returncode == 0, gate.stdout + gate.stderr
    summary = json.loads(summary_path.read_text())
    assert summary["failed"] == summary["parsing_errors"] == 0
    assert summary["files"] == len(shipped_synth)
    assert summary["passed"] > 150
    match = README_SUMMARY.search((REPO / "README.md").read_text())
    assert match, "README.md lost its checkov-summary block"
    expected = (
        f"checkov: {summary['passed']} passed, {summary['failed']} failed, "
        f"{summary['skipped']} skipped, {summary['parsing_errors']} parsing errors"
    )
    assert match["line"] == expected, "README.md checkov counts are stale: run `make docs`"
