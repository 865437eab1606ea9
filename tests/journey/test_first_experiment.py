"""A new user's first experiment, end to end, on a copy of this repository: every step
must pass (see tests/journey/first_experiment.py for the steps)."""

from __future__ import annotations

from pathlib import Path

from tests.journey.first_experiment import EXPERIMENT, Journey


def test_the_first_experiment_pull_request_passes_the_checks(
    first_experiment: Journey, real_checkov: Path
) -> None:
    journey = first_experiment
    refused = journey.refused
    assert refused is not None
    assert refused.returncode == 2
    assert "Spacelift runs scheduled deletions only on private workers" in refused.stderr
    assert [done.returncode for done in journey.scaffolds] == [0, 0], [
        done.stderr for done in journey.scaffolds
    ]
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
