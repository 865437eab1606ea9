"""The push policy on realistic Git events, evaluated for every lab stack as Spacelift does."""

from __future__ import annotations

from tests.policies.decisions import Decision, Evaluate
from tests.policies.inputs import (
    AWS_FOUNDATION,
    AZURE_FOUNDATION,
    HTTP_BASELINE_AKS,
    LAB_STACKS,
    SPACELIFT_ROOT,
    JsonDict,
    in_progress_run,
    pull_request,
    push,
    push_input,
)

TRACK = {"track": True, "propose": False, "ignore": False, "cancel": []}
PROPOSE = {"track": False, "propose": True, "ignore": False, "cancel": []}
IGNORE = {"track": False, "propose": False, "ignore": True, "cancel": []}

MERGE_SHA = "8d3f1c2a9b7e6d5c4b3a29181716151413121110"
HEAD_SHA = "c4a1e2f3d4b5a6978877665544332211ffeeddcc"
BRANCH = "bigger-loadgen-pool"


def per_stack(
    push_policy: Evaluate,
    *,
    push: JsonDict | None,
    pull_request: JsonDict | None = None,
    in_progress: list[JsonDict] | None = None,
) -> dict[str, Decision]:
    """The decision for each of the lab's stacks on one Git event."""
    return {
        lab_stack.id: push_policy(
            push_input(
                lab_stack, push=push, pull_request=pull_request, in_progress=in_progress or []
            )
        )
        for lab_stack in LAB_STACKS
    }


NOTHING_RUNS = {lab_stack.id: IGNORE for lab_stack in LAB_STACKS}
"""Every stack ignores the event."""


def only(stack_id: str, decision: Decision) -> dict[str, Decision]:
    """``decision`` for one stack; every other stack ignores the event."""
    return {**NOTHING_RUNS, stack_id: decision}


def test_docs_tests_and_python_alone_trigger_nothing(push_policy: Evaluate) -> None:
    files = [
        "README.md",
        "docs/policies.md",
        "tests/policies/test_push_scenarios.py",
        "lab/stacks/experiment.py",
    ]

    assert per_stack(push_policy, push=push("main", MERGE_SHA, files)) == NOTHING_RUNS


def test_push_changing_one_experiments_output_tracks_only_that_stack(push_policy: Evaluate) -> None:
    files = [
        "experiments/http-baseline/loadgen/cluster.yaml",
        f"{HTTP_BASELINE_AKS.project_root}/cdk.tf.json",
        "lab/experiments.py",
    ]

    assert per_stack(push_policy, push=push("main", MERGE_SHA, files)) == only(
        HTTP_BASELINE_AKS.id, TRACK
    )


def test_policy_change_tracks_the_management_stack(push_policy: Evaluate) -> None:
    # The policy bodies are inlined in the management stack's synthesized JSON.
    files = ["policies/plan.rego", "docs/policies.md", f"{SPACELIFT_ROOT.project_root}/cdk.tf.json"]

    assert per_stack(push_policy, push=push("main", MERGE_SHA, files)) == only(
        SPACELIFT_ROOT.id, TRACK
    )


def test_push_to_a_feature_branch_triggers_nothing(push_policy: Evaluate) -> None:
    files = [f"{AZURE_FOUNDATION.project_root}/cdk.tf.json"]

    assert per_stack(push_policy, push=push(BRANCH, HEAD_SHA, files)) == NOTHING_RUNS


def test_release_tag_triggers_nothing(push_policy: Evaluate) -> None:
    files = [f"{AWS_FOUNDATION.project_root}/cdk.tf.json"]

    assert per_stack(push_policy, push=push("main", MERGE_SHA, files, tag="v0.3.0")) == NOTHING_RUNS


def test_pull_request_previews_the_stacks_it_changes(push_policy: Evaluate) -> None:
    diff = [
        f"{AZURE_FOUNDATION.project_root}/cdk.tf.json",
        f"{HTTP_BASELINE_AKS.project_root}/cdk.tf.json",
        "lab.yaml",
    ]
    opened = pull_request("opened", pr_id=42, head_branch=BRANCH, head_sha=HEAD_SHA, diff=diff)

    decisions = per_stack(push_policy, push=push(BRANCH, HEAD_SHA, diff), pull_request=opened)

    assert decisions == {
        **NOTHING_RUNS,
        AZURE_FOUNDATION.id: PROPOSE,
        HTTP_BASELINE_AKS.id: PROPOSE,
    }


def test_draft_pull_request_gets_no_preview(push_policy: Evaluate) -> None:
    diff = [f"{HTTP_BASELINE_AKS.project_root}/cdk.tf.json"]
    draft = pull_request(
        "synchronize", pr_id=42, head_branch=BRANCH, head_sha=HEAD_SHA, diff=diff, draft=True
    )

    assert (
        per_stack(push_policy, push=push(BRANCH, HEAD_SHA, diff), pull_request=draft)
        == NOTHING_RUNS
    )


def test_new_commits_on_a_pull_request_cancel_its_stale_preview(push_policy: Evaluate) -> None:
    diff = [f"{HTTP_BASELINE_AKS.project_root}/cdk.tf.json"]
    synchronized = pull_request(
        "synchronize", pr_id=42, head_branch=BRANCH, head_sha=HEAD_SHA, diff=diff
    )
    in_progress = [
        in_progress_run(
            "01JGZ7STALE0000000000000AA", run_type="PROPOSED", branch=BRANCH, sha="1a2b3c4d5e6f"
        ),
        in_progress_run(
            "01JGZ7READY0000000000000AB",
            run_type="PROPOSED",
            branch=BRANCH,
            sha="0f1e2d3c4b5a",
            state="READY",
        ),
        in_progress_run(
            "01JGZ7OTHER0000000000000AC",
            run_type="PROPOSED",
            branch="other-change",
            sha="5e6f7a8b9c0d",
        ),
        in_progress_run(
            "01JGZ7APPLY0000000000000AD",
            run_type="TRACKED",
            branch="main",
            sha=MERGE_SHA,
            state="UNCONFIRMED",
        ),
        in_progress_run(
            "01JGZ7DRIFT0000000000000AE",
            run_type="PROPOSED",
            branch=BRANCH,
            sha="1a2b3c4d5e6f",
            drift_detection=True,
        ),
    ]

    decision = push_policy(
        push_input(
            HTTP_BASELINE_AKS,
            push=push(BRANCH, HEAD_SHA, diff),
            pull_request=synchronized,
            in_progress=in_progress,
        )
    )

    assert decision == {
        **PROPOSE,
        "cancel": ["01JGZ7READY0000000000000AB", "01JGZ7STALE0000000000000AA"],
    }


def test_merging_tracks_on_the_push_and_ignores_the_pull_request_event(
    push_policy: Evaluate,
) -> None:
    diff = [f"{HTTP_BASELINE_AKS.project_root}/cdk.tf.json"]
    closed = pull_request("closed", pr_id=42, head_branch=BRANCH, head_sha=HEAD_SHA, diff=diff)

    on_push = per_stack(push_policy, push=push("main", MERGE_SHA, diff))
    # The pull request event carries the merge commit on main as its push.
    on_pull_request = per_stack(
        push_policy, push=push("main", MERGE_SHA, diff), pull_request=closed
    )

    assert on_push == only(HTTP_BASELINE_AKS.id, TRACK)
    assert on_pull_request == NOTHING_RUNS
