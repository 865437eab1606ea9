"""A new user's first experiment, end to end, on a copy of this repository: every step
must pass (see tests/journey/first_experiment.py for the steps)."""

from __future__ import annotations

import json
from pathlib import Path

from lab.config import load_config
from tests.journey.first_experiment import EXPERIMENT, Journey


def test_the_first_experiment_pull_request_passes_the_checks(
    first_experiment: Journey, real_checkov: Path
) -> None:
    journey = first_experiment
    assert [done.returncode for done in journey.scaffolds] == [0, 0], [
        done.stderr for done in journey.scaffolds
    ]
    # Both clusters carry the date. Without a worker pool in the user's lab.yaml the
    # management stack declares no Spacelift schedule (public workers never trigger one);
    # with one, the new experiment's stacks get theirs.
    folder = journey.clone / "experiments" / EXPERIMENT
    dates = {
        (folder / c / "cluster.yaml").read_text().count("\nexpires: ")
        for c in ("target", "loadgen")
    }
    assert dates == {1}
    management = json.loads(
        (journey.clone / "cdktf.out/stacks/spacelift-root/cdk.tf.json").read_text()
    )
    schedules = management["resource"].get("spacelift_scheduled_delete_stack", {})
    if load_config(journey.clone / "lab.yaml").spacelift.worker_pool_id is None:
        assert schedules == {}
    else:
        assert {f"exp-{EXPERIMENT}-aks", f"exp-{EXPERIMENT}-eks"} <= schedules.keys()
    assert f"exp-{EXPERIMENT}-aks" in management["resource"]["spacelift_stack_destructor"]
    assert journey.synth is not None
    assert journey.synth.returncode == 0, journey.synth.stderr
    assert f"exp-{EXPERIMENT}-aks" in journey.synth.stdout
    assert f"exp-{EXPERIMENT}-eks" in journey.synth.stdout
    assert sorted(journey.checks) == sorted(
        [
            "synth freshness",
            "generated docs",
            "validate",
            "invariants over the real tree",
            "checkov gate",
        ]
    )
    failures = {
        name: done.stdout[-2000:] + done.stderr[-2000:]
        for name, done in journey.checks.items()
        if done.returncode != 0
    }
    assert failures == {}
