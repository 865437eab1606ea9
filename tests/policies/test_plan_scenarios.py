"""The plan policy on whole, realistic plans of the lab's stacks."""

from __future__ import annotations

import pytest

from tests.policies.decisions import Evaluate
from tests.policies.inputs import (
    AWS_FOUNDATION,
    AZURE_FOUNDATION,
    HTTP_BASELINE_AKS,
    MULTI_CLOUD_DEMO_EKS,
    NOW_NS,
    PLAN_KEYS,
    SPACELIFT_ROOT,
    JsonDict,
    LabStack,
    aks_cluster,
    aws_subnet,
    commit,
    eks_cluster,
    eks_node_group,
    plan_input,
    resource_change,
    run,
)

MERGE = commit("8d3f1c2a9b7e6d5c4b3a29181716151413121110", "alice", "Merge pull request #42")
PASS: JsonDict = {"deny": [], "warn": []}

SUBNET = "aws_subnet.Network_PrivateSubnet0_4C3B2A19"
AKS = "azurerm_kubernetes_cluster.target_Cluster_9A8B7C6D"
EKS = "aws_eks_cluster.loadgen_Cluster_2B3C4D5E"
NODE_GROUP = "aws_eks_node_group.loadgen_NodeGroup_1F2E3D4C"


# Every scenario runs twice: with the plan under input.terraform and under input.opentofu.
pytestmark = pytest.mark.parametrize("plan_key", PLAN_KEYS)


def planned_run(
    lab_stack: LabStack, changes: list[JsonDict], plan_key: str, *, run_type: str = "TRACKED"
) -> JsonDict:
    """The plan input of a run of ``lab_stack`` (TRACKED, or the ``run_type`` given: DESTROY,
    PROPOSED) that planned ``changes``, with the plan under ``plan_key``."""
    planned = run(
        lab_stack,
        run_id="01JGZ6A1B2C3D4E5F6G7H8J9K0",
        run_type=run_type,
        state="PLANNING",
        commit=MERGE,
    )
    return plan_input(lab_stack, planned, changes, plan_key=plan_key)


def test_foundation_subnet_replacement_is_denied_naming_the_subnet(
    plan_policy: Evaluate, plan_key: str
) -> None:
    # A new CIDR forces AWS to replace the subnet every experiment's nodes run in.
    changes = [
        resource_change(
            SUBNET,
            ["delete", "create"],
            before=aws_subnet("10.50.0.0/20", "us-east-1a"),
            after=aws_subnet("10.50.0.0/19", "us-east-1a"),
        ),
        resource_change(
            "aws_vpc.Network_Vpc_5E4D3C2B",
            ["update"],
            before={"cidr_block": "10.50.0.0/16", "tags": {"project": "illm-k8s-lab"}},
            after={
                "cidr_block": "10.50.0.0/16",
                "tags": {"project": "illm-k8s-lab", "tier": "lab"},
            },
        ),
    ]

    assert plan_policy(planned_run(AWS_FOUNDATION, changes, plan_key)) == {
        "deny": [
            f"{SUBNET} would be replaced: foundation networks are never deleted or replaced, "
            "because experiment clusters run in them"
        ],
        "warn": [],
    }


def test_foundation_tag_update_passes(plan_policy: Evaluate, plan_key: str) -> None:
    changes = [
        resource_change(
            "azurerm_virtual_network.Network_Vnet_0C9B8A7D",
            ["update"],
            before={"address_space": ["10.40.0.0/16"], "tags": {"project": "illm-k8s-lab"}},
            after={
                "address_space": ["10.40.0.0/16"],
                "tags": {"project": "illm-k8s-lab", "tier": "lab"},
            },
        ),
        resource_change(
            "azurerm_subnet.Network_AksNodesSubnet_8C1F2A3B",
            ["no-op"],
            before={"address_prefixes": ["10.40.0.0/20"]},
            after={"address_prefixes": ["10.40.0.0/20"]},
        ),
    ]

    assert plan_policy(planned_run(AZURE_FOUNDATION, changes, plan_key)) == PASS


def test_foundation_teardown_is_not_denied(plan_policy: Evaluate, plan_key: str) -> None:
    # A DESTROY run from the stack destructor, already approved by another person.
    changes = [
        resource_change(SUBNET, ["delete"], before=aws_subnet("10.50.0.0/20", "us-east-1a")),
        resource_change(
            "aws_vpc.Network_Vpc_5E4D3C2B", ["delete"], before={"cidr_block": "10.50.0.0/16"}
        ),
    ]

    assert plan_policy(planned_run(AWS_FOUNDATION, changes, plan_key, run_type="DESTROY")) == PASS


def test_new_aks_experiment_within_the_guardrails_passes(
    plan_policy: Evaluate, plan_key: str
) -> None:
    changes = [
        resource_change(
            "azurerm_resource_group.target_Group_6E5D4C3B",
            ["create"],
            after={"name": "rg-illm-http-baseline", "location": "eastus"},
        ),
        resource_change(AKS, ["create"], after=aks_cluster(max_count=4)),
        resource_change(
            "azurerm_role_assignment.target_NetworkContributor_2A3B4C5D",
            ["create"],
            after={"role_definition_name": "Network Contributor"},
        ),
    ]

    assert plan_policy(planned_run(HTTP_BASELINE_AKS, changes, plan_key)) == PASS


def test_aks_api_server_opened_to_the_internet_is_denied(
    plan_policy: Evaluate, plan_key: str
) -> None:
    opened = resource_change(
        AKS,
        ["update"],
        before=aks_cluster(),
        after=aks_cluster(authorized_ip_ranges=["203.0.113.0/24", "0.0.0.0/0"]),
    )

    assert plan_policy(planned_run(HTTP_BASELINE_AKS, [opened], plan_key)) == {
        "deny": [
            f"{AKS}: authorized_ip_ranges contains 0.0.0.0/0, which opens the Kubernetes API "
            "server to the whole internet; list your office or VPN egress CIDRs instead"
        ],
        "warn": [],
    }


def test_private_aks_cluster_without_ranges_passes(plan_policy: Evaluate, plan_key: str) -> None:
    private = resource_change(
        AKS, ["create"], after=aks_cluster(authorized_ip_ranges=[], private=True)
    )

    assert plan_policy(planned_run(HTTP_BASELINE_AKS, [private], plan_key)) == PASS


def test_eks_public_endpoint_without_cidrs_is_denied(plan_policy: Evaluate, plan_key: str) -> None:
    unrestricted = resource_change(
        EKS, ["create"], after=eks_cluster(public=True, public_access_cidrs=None)
    )

    assert plan_policy(planned_run(MULTI_CLOUD_DEMO_EKS, [unrestricted], plan_key)) == {
        "deny": [
            f"{EKS}: the public endpoint has no public_access_cidrs (or they are unknown until "
            "apply), and AWS then allows 0.0.0.0/0; list your office or VPN egress CIDRs, or set "
            "endpoint_public_access to false"
        ],
        "warn": [],
    }


def test_eks_with_office_cidrs_and_a_capped_node_group_passes(
    plan_policy: Evaluate, plan_key: str
) -> None:
    changes = [
        resource_change(EKS, ["create"], after=eks_cluster(public_access_cidrs=["203.0.113.0/24"])),
        resource_change(NODE_GROUP, ["create"], after=eks_node_group(max_size=10)),
    ]

    assert plan_policy(planned_run(MULTI_CLOUD_DEMO_EKS, changes, plan_key)) == PASS


def test_node_group_above_the_cost_cap_is_denied(plan_policy: Evaluate, plan_key: str) -> None:
    grown = resource_change(
        NODE_GROUP,
        ["update"],
        before=eks_node_group(max_size=4),
        after=eks_node_group(max_size=15),
    )

    assert plan_policy(planned_run(MULTI_CLOUD_DEMO_EKS, [grown], plan_key)) == {
        "deny": [
            f"{NODE_GROUP}: the node pool can grow to 15 nodes, above the lab's cost cap of 10; "
            "lower nodes or max_nodes in the experiment's cluster.yaml"
        ],
        "warn": [],
    }


def test_node_group_above_a_lower_cap_from_lab_yaml_is_denied_naming_that_cap(
    plan_policy: Evaluate, plan_key: str
) -> None:
    # lab.yaml says limits.max_nodes_per_cluster: 6, so the stack is labelled with 6.
    capped = MULTI_CLOUD_DEMO_EKS.relabelled(
        drop="max-nodes-per-cluster:", add=["max-nodes-per-cluster:6"]
    )
    grown = resource_change(
        NODE_GROUP, ["update"], before=eks_node_group(max_size=4), after=eks_node_group(max_size=8)
    )

    assert plan_policy(planned_run(capped, [grown], plan_key)) == {
        "deny": [
            f"{NODE_GROUP}: the node pool can grow to 8 nodes, above the lab's cost cap of 6; "
            "lower nodes or max_nodes in the experiment's cluster.yaml"
        ],
        "warn": [],
    }


def test_node_group_within_a_higher_cap_from_lab_yaml_passes(
    plan_policy: Evaluate, plan_key: str
) -> None:
    raised = MULTI_CLOUD_DEMO_EKS.relabelled(
        drop="max-nodes-per-cluster:", add=["max-nodes-per-cluster:20"]
    )
    grown = resource_change(
        NODE_GROUP, ["update"], before=eks_node_group(max_size=4), after=eks_node_group(max_size=15)
    )

    assert plan_policy(planned_run(raised, [grown], plan_key)) == PASS


def test_stack_without_a_cap_label_gets_the_lab_yaml_default(
    plan_policy: Evaluate, plan_key: str
) -> None:
    unlabelled = MULTI_CLOUD_DEMO_EKS.relabelled(drop="max-nodes-per-cluster:")
    grown = resource_change(NODE_GROUP, ["create"], after=eks_node_group(max_size=11))

    assert plan_policy(planned_run(unlabelled, [grown], plan_key))["deny"] == [
        f"{NODE_GROUP}: the node pool can grow to 11 nodes, above the lab's cost cap of 10; "
        "lower nodes or max_nodes in the experiment's cluster.yaml"
    ]


def test_malformed_cap_label_is_denied_naming_it(plan_policy: Evaluate, plan_key: str) -> None:
    broken = MULTI_CLOUD_DEMO_EKS.relabelled(
        drop="max-nodes-per-cluster:", add=["max-nodes-per-cluster:ten"]
    )
    changes = [resource_change(NODE_GROUP, ["create"], after=eks_node_group(max_size=4))]

    assert plan_policy(planned_run(broken, changes, plan_key)) == {
        "deny": [
            'stack label "max-nodes-per-cluster:ten" should hold a positive whole number of '
            "nodes; the management stack sets it from lab.yaml"
        ],
        "warn": [],
    }


def test_experiment_cluster_replacement_warns(plan_policy: Evaluate, plan_key: str) -> None:
    # Changing the system pool's VM size replaces the whole AKS cluster.
    replaced = resource_change(AKS, ["create", "delete"], before=aks_cluster(), after=aks_cluster())

    assert plan_policy(planned_run(HTTP_BASELINE_AKS, [replaced], plan_key)) == {
        "deny": [],
        "warn": [f"{AKS} will be replaced"],
    }


def test_experiment_teardown_neither_warns_nor_denies(plan_policy: Evaluate, plan_key: str) -> None:
    teardown = [
        resource_change(
            f"aws_iam_role_policy_attachment.loadgen_Policy{i}_0A1B2C3D", ["delete"], before={}
        )
        for i in range(30)
    ] + [
        resource_change(EKS, ["delete"], before=eks_cluster(public_access_cidrs=["203.0.113.0/24"]))
    ]

    assert (
        plan_policy(planned_run(MULTI_CLOUD_DEMO_EKS, teardown, plan_key, run_type="DESTROY"))
        == PASS
    )


def test_management_run_adding_an_experiment_warns_about_its_size(
    plan_policy: Evaluate, plan_key: str
) -> None:
    # A new experiment adds stacks, contexts, attachments and environment variables.
    added = [
        resource_change(
            f"spacelift_environment_variable.exp-new-aks_Var{i}_7F6E5D4C",
            ["create"],
            after={"name": f"TF_VAR_{i}"},
        )
        for i in range(27)
    ] + [resource_change("spacelift_stack.exp-new-aks", ["create"], after={"name": "exp-new-aks"})]

    assert plan_policy(planned_run(SPACELIFT_ROOT, added, plan_key)) == {
        "deny": [],
        "warn": ["this run changes 28 resources, more than 25; review the plan before confirming"],
    }


def test_drift_detection_finding_a_replaced_foundation_subnet_is_denied(
    plan_policy: Evaluate, plan_key: str
) -> None:
    # Someone changed the subnet by hand; reconciling would replace it.
    drifted = resource_change(
        SUBNET,
        ["delete", "create"],
        before=aws_subnet("10.50.64.0/20", "us-east-1a"),
        after=aws_subnet("10.50.0.0/20", "us-east-1a"),
    )
    document = planned_run(AWS_FOUNDATION, [drifted], plan_key, run_type="PROPOSED")
    document["spacelift"]["run"]["drift_detection"] = True

    assert plan_policy(document) == {
        "deny": [
            f"{SUBNET} would be replaced: foundation networks are never deleted or replaced, "
            "because experiment clusters run in them"
        ],
        "warn": [],
    }


def test_recreating_an_expired_experiment_is_denied(plan_policy: Evaluate, plan_key: str) -> None:
    # exp-old-aks expired yesterday and Spacelift deleted it; its folder is still there.
    yesterday = NOW_NS // 1_000_000_000 - 24 * 3600
    changes = [
        resource_change("spacelift_stack.exp-old-aks", ["create"], after={"name": "exp-old-aks"}),
        resource_change(
            "spacelift_scheduled_delete_stack.exp-old-aks",
            ["create"],
            after={"at": yesterday, "delete_resources": True, "stack_id": None},
        ),
    ]

    assert plan_policy(planned_run(SPACELIFT_ROOT, changes, plan_key)) == {
        "deny": [
            "spacelift_scheduled_delete_stack.exp-old-aks: the experiment expired (its deletion "
            "time has passed); remove its folder under experiments/ or move its expires date "
            "instead of recreating its stack"
        ],
        "warn": [],
    }


def test_run_whose_plan_cannot_be_found_is_denied(plan_policy: Evaluate, plan_key: str) -> None:
    # The plan sits under neither key the policy reads (say, a renamed vendor key).
    document = planned_run(HTTP_BASELINE_AKS, [], plan_key)
    document["vendor"] = document.pop(plan_key)

    assert plan_policy(document) == {
        "deny": [
            "the plan could not be found under input.terraform or input.opentofu, so no "
            "guardrail could check this run"
        ],
        "warn": [],
    }
