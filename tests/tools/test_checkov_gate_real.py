"""The gate with the real, pinned checkov on hand-written stacks, run as ``make scan`` runs it.

Each test is one checkov run (about 3 s), so only what depends on checkov itself is here;
the decision logic, and the cases that never start checkov (such as an empty directory),
are covered in ``test_checkov_gate.py`` against recorded output.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers import REPO
from tests.tools.support import FIXTURES

GATE = REPO / "tools/checkov_gate.py"
GATE_TIMEOUT_SECONDS = 300
NO_SUPPRESSIONS = "framework:\n  - terraform_json\nskip-check: []\n"


def run_gate(
    checkov: Path, directory: Path | str, config: Path, *extra: str, cwd: Path = FIXTURES
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(GATE), "--checkov", str(checkov), "--config", str(config)]
    return subprocess.run(
        [*command, *extra, str(directory)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=GATE_TIMEOUT_SECONDS,
        check=False,
    )


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_compliant_stack_passes(real_checkov: Path, tmp_path: Path) -> None:
    config = write(tmp_path / "checkov.yaml", NO_SUPPRESSIONS)
    summary = tmp_path / "summary.json"

    done = run_gate(real_checkov, "compliant", config, "--summary-json", str(summary))

    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "checkov: 5 passed, 0 failed, 0 skipped, 0 parsing errors (1 resources in 1 files)\n"
    )
    assert json.loads(summary.read_text(encoding="utf-8")) == {
        "clean": True,
        "checkov_version": "3.3.30",
        "passed": 5,
        "failed": 0,
        "skipped": 0,
        "parsing_errors": 0,
        "resources": 1,
        "files": 1,
        "skipped_checks": [],
    }


def test_a_failed_check_fails_the_gate_and_is_named(real_checkov: Path, tmp_path: Path) -> None:
    config = write(tmp_path / "checkov.yaml", NO_SUPPRESSIONS)

    done = run_gate(real_checkov, "failing", config)

    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "checkov: 2 passed, 1 failed, 0 skipped, 0 parsing errors (2 resources in 1 files)",
        "FAILED  CKV_AWS_130: Ensure VPC subnets do not assign public IP by default",
        "  resource:  aws_subnet.public_subnet",
        "  file:      failing/stacks/network/cdk.tf.json",
        "  guideline: https://www.checkov.io/5.Policy%20Index/terraform.html",
    ]
    assert done.stderr.startswith("checkov gate: 1 failed check(s): fix the resources above")


def test_a_suppression_sees_the_failure_it_suppresses(real_checkov: Path, tmp_path: Path) -> None:
    """checkov also reads a ``.checkov.yaml`` in its working directory and drops skipped checks
    silently; run from such a directory, the gate must still see the failure to count the skip."""
    config = write(
        tmp_path / ".checkov.yaml",
        "framework:\n  - terraform_json\nskip-check:\n  - CKV_AWS_130  # bastion subnet\n",
    )

    done = run_gate(real_checkov, FIXTURES / "failing", config, cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "checkov: 2 passed, 0 failed, 1 skipped, 0 parsing errors (2 resources in 1 files)",
        "SKIPPED CKV_AWS_130",
        "  resources: aws_subnet.public_subnet",
        "  reason:    bastion subnet",
    ]


def test_required_version_makes_checkov_skip_the_file_and_the_gate_fails(
    real_checkov: Path, tmp_path: Path
) -> None:
    config = write(tmp_path / "checkov.yaml", NO_SUPPRESSIONS)

    done = run_gate(real_checkov, "required_version", config)

    assert done.returncode == 1
    assert done.stdout == (
        "checkov: 0 passed, 0 failed, 0 skipped, 1 parsing errors (1 resources in 1 files)\n"
    )
    assert done.stderr.splitlines() == [
        "checkov gate: checkov could not parse required_version/stacks/keys/cdk.tf.json: it sets "
        "terraform.required_version, which checkov 3.3.30 cannot parse "
        "(https://github.com/bridgecrewio/checkov/issues/7454); "
        "remove the required_version override from the app",
        "checkov gate: checkov ran no checks on 1 file(s): a scan that checks nothing fails",
    ]
