"""The composition API of the cluster constructs: more node groups and pools, add-ons,
access and pod identities, each exposing its resource the same way."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktn_provider_aws.eks_cluster import EksCluster as EksClusterResource
from cdktn_provider_aws.eks_node_group import EksNodeGroup
from cdktn_provider_azurerm.kubernetes_cluster import KubernetesCluster
from cdktn_provider_azurerm.kubernetes_cluster_node_pool import KubernetesClusterNodePool

from lab.constructs.aws.eks import (
    AccessPolicy,
    AccessScope,
    AddonOptions,
    EksCluster,
    PodIdentityAssociation,
)
from lab.constructs.azure.aks import AksCluster, AksRole, PrincipalType
from lab.constructs.azure.aks.node_pool import node_labels, node_taints
from lab.experiments import NodePoolSpec
from lab.rules import parse_taint
from tests.constructs.test_aks import make_props as aks_props
from tests.constructs.test_eks import ADMIN, TAGS
from tests.constructs.test_eks import make_props as eks_props
from tests.helpers import JsonDict, logical_id_at, new_stack, synth

BATCH = parse_taint("workload=batch:NoSchedule", field="")
VIEWER = "arn:aws:iam::123456789012:role/Viewer"
GROUP = "11111111-2222-3333-4444-666666666666"


def block(doc: JsonDict, kind: str, block_type: str, path: str) -> JsonDict:
    found: JsonDict = doc[kind][block_type][logical_id_at(doc, block_type, path)]
    return found


def address(doc: JsonDict, block_type: str, path: str) -> str:
    return f"{block_type}.{logical_id_at(doc, block_type, path)}"


# --- EKS --------------------------------------------------------------------------------


def spot_group() -> NodePoolSpec:
    return NodePoolSpec(
        name="spot",
        machine_type="m5.large",
        node_count=0,
        min_nodes=0,
        max_nodes=3,
        spot=True,
        labels=(("workload", "batch"),),
        taints=(BATCH,),
    )


def test_another_node_group_has_its_own_template_and_the_cluster_s_role() -> None:
    stack = new_stack()
    eks = EksCluster(stack, "Eks", eks_props())
    group = eks.add_node_group("Spot", spot_group())
    doc = synth(stack)

    body = block(doc, "resource", "aws_eks_node_group", "Eks/SpotGroup")
    assert body["node_group_name"] == "spot"
    assert body["capacity_type"] == "SPOT"
    assert body["scaling_config"] == {"desired_size": 0, "min_size": 0, "max_size": 3}
    assert body["lifecycle"] == {"ignore_changes": ["scaling_config[0].desired_size"]}
    assert body["taint"] == [{"key": "workload", "value": "batch", "effect": "NO_SCHEDULE"}]
    assert body["labels"] == {"workload": "batch"}
    assert body["node_role_arn"] == f"${{{address(doc, 'aws_iam_role', 'Eks/NodeRole')}.arn}}"
    # After the node role's policies and the add-ons a node needs, like the default group.
    default = block(doc, "resource", "aws_eks_node_group", "Eks/NodeGroup")
    assert body["depends_on"] == default["depends_on"]

    template = block(doc, "resource", "aws_launch_template", "Eks/SpotLaunchTemplate")
    assert template["name"] == "demo-target-spot-nodes"
    assert template["metadata_options"]["http_tokens"] == "required"
    for spec in template["tag_specifications"]:
        assert spec["tags"] == {"Name": "demo-target-spot-node", **TAGS}
    assert body["launch_template"]["id"] == (
        f"${{{address(doc, 'aws_launch_template', 'Eks/SpotLaunchTemplate')}.id}}"
    )
    assert isinstance(group.node.default_child, EksNodeGroup)
    assert group.node.default_child is group.resource


def test_an_addon_with_a_pod_identity_waits_for_the_nodes() -> None:
    stack = new_stack()
    eks = EksCluster(stack, "Eks", eks_props())
    identity = eks.add_pod_identity(
        "EbsCsiIdentity",
        namespace="kube-system",
        service_account="ebs-csi-controller-sa",
        managed_policies=["service-role/AmazonEBSCSIDriverPolicy"],
        associate=False,
    )
    eks.add_addon(
        "aws-ebs-csi-driver",
        AddonOptions(
            after_nodes=True,
            pod_identity=PodIdentityAssociation(
                service_account="ebs-csi-controller-sa", role_arn=identity.role_arn
            ),
            depends_on=identity.policies,
        ),
    )
    doc = synth(stack)

    addon = block(doc, "resource", "aws_eks_addon", "Eks/AwsEbsCsiDriverAddon")
    role = address(doc, "aws_iam_role", "Eks/EbsCsiIdentity/Role")
    assert addon["pod_identity_association"] == [
        {"role_arn": f"${{{role}.arn}}", "service_account": "ebs-csi-controller-sa"}
    ]
    assert address(doc, "aws_eks_node_group", "Eks/NodeGroup") in addon["depends_on"]
    version = address(doc, "aws_eks_addon_version", "Eks/AwsEbsCsiDriverAddonVersion")
    assert addon["addon_version"] == f"${{data.{version}.version}}"
    attachment = block(
        doc,
        "resource",
        "aws_iam_role_policy_attachment",
        "Eks/EbsCsiIdentity/RoleAmazonEBSCSIDriverPolicy",
    )
    assert attachment["policy_arn"].endswith(
        ":iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
    )
    # The add-on associates the role: no association of the construct's own.
    assert "aws_eks_pod_identity_association" not in doc["resource"]


def test_a_pod_identity_trusts_only_the_pod_identity_service() -> None:
    stack = new_stack()
    eks = EksCluster(stack, "Eks", eks_props())
    eks.add_pod_identity(
        "AutoscalerIdentity",
        namespace="kube-system",
        service_account="cluster-autoscaler",
        inline_policy={"Version": "2012-10-17", "Statement": []},
    )
    doc = synth(stack)

    trust = block(doc, "data", "aws_iam_policy_document", "Eks/AutoscalerIdentity/Trust")
    (statement,) = trust["statement"]
    conditions = statement.pop("condition")
    assert statement == {
        "actions": ["sts:AssumeRole", "sts:TagSession"],
        "effect": "Allow",
        "principals": [{"identifiers": ["pods.eks.amazonaws.com"], "type": "Service"}],
    }
    # The cluster's own name attribute, so the role follows the cluster it trusts.
    cluster_name = f"${{{address(doc, 'aws_eks_cluster', 'Eks/Cluster')}.name}}"
    assert {c["variable"]: (c["test"], c["values"]) for c in conditions} == {
        "aws:RequestTag/eks-cluster-name": ("StringEquals", [cluster_name]),
        "aws:RequestTag/kubernetes-namespace": ("StringEquals", ["kube-system"]),
        "aws:RequestTag/kubernetes-service-account": ("StringEquals", ["cluster-autoscaler"]),
    }

    # The session tags Pod Identity sends: only this cluster's service account gets in.
    def admits(**tags: str) -> bool:
        return all(
            tags.get(c["variable"].removeprefix("aws:RequestTag/")) in c["values"]
            for c in conditions
        )

    own = {
        "eks-cluster-name": cluster_name,
        "kubernetes-namespace": "kube-system",
        "kubernetes-service-account": "cluster-autoscaler",
    }
    assert admits(**own)
    assert not admits(**{**own, "kubernetes-service-account": "default"})
    assert not admits(**{**own, "kubernetes-namespace": "team-a"})
    assert not admits(**{**own, "eks-cluster-name": "another-cluster"})
    role = block(doc, "resource", "aws_iam_role", "Eks/AutoscalerIdentity/Role")
    assert role["name"] == "demo-target-cluster-autoscaler"
    association = block(
        doc, "resource", "aws_eks_pod_identity_association", "Eks/AutoscalerIdentity"
    )
    assert (association["namespace"], association["service_account"]) == (
        "kube-system",
        "cluster-autoscaler",
    )
    policy = block(doc, "resource", "aws_iam_role_policy", "Eks/AutoscalerIdentity/Policy")
    assert json.loads(policy["policy"]) == {"Statement": [], "Version": "2012-10-17"}


def test_the_ebs_csi_driver_gets_its_own_identity_so_claims_bind() -> None:
    stack = new_stack()
    eks = EksCluster(stack, "Eks", eks_props())
    eks.add_ebs_csi_driver()
    doc = synth(stack)

    addon = block(doc, "resource", "aws_eks_addon", "Eks/AwsEbsCsiDriverAddon")
    assert addon["addon_name"] == "aws-ebs-csi-driver"
    role = address(doc, "aws_iam_role", "Eks/EbsCsiDriverIdentity/Role")
    assert addon["pod_identity_association"] == [
        {"role_arn": f"${{{role}.arn}}", "service_account": "ebs-csi-controller-sa"}
    ]
    # Its controller is a Deployment: it waits for the nodes, and for its policy.
    policy = address(
        doc,
        "aws_iam_role_policy_attachment",
        "Eks/EbsCsiDriverIdentity/RoleAmazonEBSCSIDriverPolicy",
    )
    assert addon["depends_on"] == [policy, address(doc, "aws_eks_node_group", "Eks/NodeGroup")]
    attachments = [
        a["policy_arn"]
        for a in doc["resource"]["aws_iam_role_policy_attachment"].values()
        if a["role"] == f"${{{role}.name}}"
    ]
    assert [arn.split(":iam::aws:policy/")[1] for arn in attachments] == [
        "service-role/AmazonEBSCSIDriverPolicy"
    ]
    # The node role keeps no volume permissions.
    node_role = address(doc, "aws_iam_role", "Eks/NodeRole")
    assert not any(
        "EBS" in a["policy_arn"]
        for a in doc["resource"]["aws_iam_role_policy_attachment"].values()
        if a["role"] == f"${{{node_role}.name}}"
    )


def test_the_autoscaler_may_scale_only_this_clusters_node_groups() -> None:
    stack = new_stack()
    eks = EksCluster(stack, "Eks", eks_props())
    identity = eks.add_cluster_autoscaler_identity()
    doc = synth(stack)

    assert (identity.namespace, identity.service_account) == ("kube-system", "cluster-autoscaler")
    association = block(
        doc, "resource", "aws_eks_pod_identity_association", "Eks/ClusterAutoscalerIdentity"
    )
    assert (association["namespace"], association["service_account"]) == (
        "kube-system",
        "cluster-autoscaler",
    )
    policy = json.loads(
        block(doc, "resource", "aws_iam_role_policy", "Eks/ClusterAutoscalerIdentity/Policy")[
            "policy"
        ]
    )
    describe, scale = policy["Statement"]
    assert describe["Resource"] == "*"
    assert all(":Describe" in a or ":Get" in a for a in describe["Action"])
    assert scale["Action"] == [
        "autoscaling:SetDesiredCapacity",
        "autoscaling:TerminateInstanceInAutoScalingGroup",
    ]
    assert scale["Resource"].endswith(":autoScalingGroup:*")
    assert scale["Resource"].startswith("arn:${data.aws_partition.")
    assert scale["Condition"] == {
        "StringEquals": {"autoscaling:ResourceTag/kubernetes.io/cluster/demo-target": "owned"}
    }


def test_grant_access_scopes_a_policy_and_keeps_one_entry_per_principal() -> None:
    stack = new_stack()
    eks = EksCluster(stack, "Eks", eks_props())
    first = eks.grant_access(VIEWER, AccessPolicy.VIEW, AccessScope.namespace("team-a"))
    again = eks.grant_access(VIEWER, AccessPolicy.EDIT, AccessScope.namespace("team-a"))
    doc = synth(stack)

    assert first is again
    entries = doc["resource"]["aws_eks_access_entry"]
    assert sorted(e["principal_arn"] for e in entries.values()) == sorted([ADMIN, VIEWER])
    key = "123456789012-role-Viewer"
    view = block(
        doc, "resource", "aws_eks_access_policy_association", f"Eks/ViewPolicyAssociation-{key}"
    )
    assert view["policy_arn"].endswith(":eks::aws:cluster-access-policy/AmazonEKSViewPolicy")
    assert view["access_scope"] == {"type": "namespace", "namespaces": ["team-a"]}
    edit = block(
        doc, "resource", "aws_eks_access_policy_association", f"Eks/EditPolicyAssociation-{key}"
    )
    assert edit["policy_arn"].endswith("/AmazonEKSEditPolicy")
    with pytest.raises(AssertionError, match="name at least one namespace"):
        AccessScope.namespace()


def test_the_cluster_exposes_its_resource_like_every_construct() -> None:
    stack = new_stack()
    eks = EksCluster(stack, "Eks", eks_props())
    assert isinstance(eks.resource, EksClusterResource)
    assert eks.node.default_child is eks.resource
    assert eks.default_node_group.resource is eks.default_node_group.node.default_child


# --- AKS --------------------------------------------------------------------------------


def pool(**overrides: Any) -> NodePoolSpec:
    values: dict[str, Any] = {
        "name": "spot",
        "machine_type": "Standard_D8s_v3",
        "node_count": 1,
        "min_nodes": 0,
        "max_nodes": 4,
        "spot": True,
        "labels": (("workload", "batch"),),
        "taints": (BATCH,),
    }
    return NodePoolSpec(**{**values, **overrides})


def test_a_spot_pool_is_evicted_by_deletion_and_declares_aks_own_taint_and_label() -> None:
    stack = new_stack()
    aks = AksCluster(stack, "Aks", aks_props())
    spot = aks.add_node_pool("Spot", pool())
    aks.add_node_pool("Steady", pool(name="steady", spot=False, min_nodes=1, max_nodes=1))
    doc = synth(stack)

    body = block(doc, "resource", "azurerm_kubernetes_cluster_node_pool", "Aks/SpotNodePool")
    assert (body["priority"], body["eviction_policy"], body["spot_max_price"]) == (
        "Spot",
        "Delete",
        -1,
    )
    assert body["node_taints"] == [
        "kubernetes.azure.com/scalesetpriority=spot:NoSchedule",
        "workload=batch:NoSchedule",
    ]
    # AKS's own label too: azurerm reads node_labels back as the API returns them.
    assert body["node_labels"] == {
        "kubernetes.azure.com/scalesetpriority": "spot",
        "workload": "batch",
    }
    # azurerm 4.55 cannot express upgrade settings that Azure accepts for Spot pools.
    assert "upgrade_settings" not in body
    assert (body["auto_scaling_enabled"], body["min_count"], body["max_count"]) == (True, 0, 4)
    assert body["lifecycle"] == {"ignore_changes": ["node_count"]}
    assert (body["mode"], body["host_encryption_enabled"], body["node_public_ip_enabled"]) == (
        "User",
        True,
        False,
    )
    cluster = address(doc, "azurerm_kubernetes_cluster", "Aks/Cluster")
    assert body["kubernetes_cluster_id"] == f"${{{cluster}.id}}"

    steady = block(doc, "resource", "azurerm_kubernetes_cluster_node_pool", "Aks/SteadyNodePool")
    assert (steady["priority"], steady["auto_scaling_enabled"]) == ("Regular", False)
    assert steady["upgrade_settings"] == {"drain_timeout_in_minutes": 30, "max_surge": "10%"}
    assert "min_count" not in steady and "eviction_policy" not in steady
    assert steady["node_labels"] == {"workload": "batch"}
    assert isinstance(spot.node.default_child, KubernetesClusterNodePool)
    assert isinstance(aks.node.default_child, KubernetesCluster)


def test_a_spot_pool_that_repeats_aks_own_label_and_taint_declares_each_once() -> None:
    """Harmless (``cluster.yaml`` allows it on Spot pools): declared once, the taint first."""
    spot_key = "kubernetes.azure.com/scalesetpriority"
    again = pool(
        labels=((spot_key, "spot"),),
        taints=(parse_taint(f"{spot_key}=spot:NoSchedule", field=""),),
    )
    assert (node_labels(again), node_taints(again)) == (
        {spot_key: "spot"},
        [f"{spot_key}=spot:NoSchedule"],
    )


def test_grant_access_assigns_an_aks_rbac_role_on_the_cluster_or_a_namespace() -> None:
    stack = new_stack()
    aks = AksCluster(stack, "Aks", aks_props())
    aks.grant_access(GROUP, AksRole.READER)
    aks.grant_access(GROUP, AksRole.WRITER, namespace="argocd", principal_type=PrincipalType.GROUP)
    doc = synth(stack)

    cluster_id = f"${{{address(doc, 'azurerm_kubernetes_cluster', 'Aks/Cluster')}.id}}"
    reader = block(doc, "resource", "azurerm_role_assignment", "Aks/ReaderAccess-1")
    assert (reader["role_definition_name"], reader["scope"], reader["principal_id"]) == (
        "Azure Kubernetes Service RBAC Reader",
        cluster_id,
        GROUP,
    )
    writer = block(doc, "resource", "azurerm_role_assignment", "Aks/WriterAccess-2")
    assert writer["scope"] == f"{cluster_id}/namespaces/argocd"
    assert writer["principal_type"] == "Group"
