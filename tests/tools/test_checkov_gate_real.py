"""The gate with the real, pinned checkov on hand-written stacks, run as ``make scan`` runs it.

Each case is one checkov run (about 3 s), so only what depends on checkov itself is here;
the decision logic, and the cases that never start checkov (such as an empty directory),
are covered in ``test_checkov_gate.py`` against recorded output. The runs start at
collection and go on beside the other tests (:mod:`tests.background`); each test asserts
on its own.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from concurrent.futures import Future

from tests.tools.conftest import GateRun


def result(runs: Mapping[str, Future[GateRun]], name: str) -> GateRun:
    return runs[name].result()


def test_a_compliant_stack_passes(gate_runs: Mapping[str, Future[GateRun]]) -> None:
    run = result(gate_runs, "compliant")
    done: subprocess.CompletedProcess[str] = run.done
    summary = run.summary

    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "checkov: 5 passed, 0 failed, 0 skipped, 0 parsing errors (1 resources in 1 files)\n"
    )
    assert summary is not None
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


def test_a_failed_check_fails_the_gate_and_is_named(
    gate_runs: Mapping[str, Future[GateRun]],
) -> None:
    done = result(gate_runs, "failing").done

    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "checkov: 2 passed, 1 failed, 0 skipped, 0 parsing errors (2 resources in 1 files)",
        "FAILED  CKV_AWS_130: Ensure VPC subnets do not assign public IP by default",
        "  resource:  aws_subnet.public_subnet",
        "  file:      failing/stacks/network/cdk.tf.json",
        "  guideline: https://www.checkov.io/5.Policy%20Index/terraform.html",
    ]
    assert done.stderr.startswith("checkov gate: 1 failed check(s): fix the resources above")


def test_a_suppression_sees_the_failure_it_suppresses(
    gate_runs: Mapping[str, Future[GateRun]],
) -> None:
    """checkov also reads a ``.checkov.yaml`` in its working directory and drops skipped checks
    silently; run from such a directory, the gate must still see the failure to count the skip."""
    done = result(gate_runs, "suppressed").done

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "checkov: 2 passed, 0 failed, 1 skipped, 0 parsing errors (2 resources in 1 files)",
        "SKIPPED CKV_AWS_130",
        "  resources: aws_subnet.public_subnet",
        "  reason:    bastion subnet",
    ]


def test_required_version_makes_checkov_skip_the_file_and_the_gate_fails(
    gate_runs: Mapping[str, Future[GateRun]],
) -> None:
    done = result(gate_runs, "required_version").done

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
