"""Experiment stacks end to end: a multi-experiment tree on both clouds with overrides."""

from __future__ import annotations

import json
from typing import Any

from lab.clouds import Cloud, cloud_unit
from lab.definition import LabDefinition
from lab.rules import derived_cloud_names
from tests.stacks.conftest import SynthTree


def _by_cluster(doc: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """Resources of one type keyed by the cluster folder (the construct id)."""
    return {
        body["//"]["metadata"]["path"].split("/")[1]: body
        for body in doc["resource"][resource_type].values()
    }


def test_stack_ids(multi_synth: SynthTree) -> None:
    assert sorted(multi_synth) == [
        "aws-foundation",
        "azure-foundation",
        "exp-alpha-aks",
        "exp-alpha-eks",
        "exp-beta-eks",
        "exp-gamma-aks",
        "spacelift-root",
    ]


def test_aks_node_pools_follow_presets_and_overrides(multi_synth: SynthTree) -> None:
    alpha = _by_cluster(multi_synth["exp-alpha-aks"], "azurerm_kubernetes_cluster")
    gamma = _by_cluster(multi_synth["exp-gamma-aks"], "azurerm_kubernetes_cluster")
    pools = {
        name: cluster["default_node_pool"]
        for name, cluster in {**alpha, **{f"gamma/{k}": v for k, v in gamma.items()}}.items()
    }
    summary = {
        name: (
            pool["vm_size"],
            pool["node_count"],
            pool["auto_scaling_enabled"],
            pool.get("min_count"),
            pool.get("max_count"),
        )
        for name, pool in pools.items()
    }
    assert summary == {
        "api": ("Standard_D8s_v3", 5, False, None, None),  # large preset
        "db": ("Standard_E4s_v5", 4, False, None, None),  # nodes + vm_size overrides
        "gamma/solo": ("Standard_D4s_v3", 3, True, 1, 10),  # medium + autoscaling bounds
    }
    assert {c["name"] for c in alpha.values()} == {"alpha-api", "alpha-db"}


def test_default_pool_labels_reach_the_nodes_on_both_clouds(multi_synth: SynthTree) -> None:
    """``labels`` in cluster.yaml: the AKS system pool's node_labels, the EKS default group's
    labels; a cluster without them sets none."""
    aks = _by_cluster(multi_synth["exp-alpha-aks"], "azurerm_kubernetes_cluster")
    assert aks["db"]["default_node_pool"]["node_labels"] == {"role": "database"}
    assert "node_labels" not in aks["api"]["default_node_pool"]
    eks = _by_cluster(multi_synth["exp-beta-eks"], "aws_eks_node_group")
    assert eks["load"]["labels"] == {"role": "load"}
    assert "labels" not in eks["arm"]


def test_eks_node_groups_follow_presets_and_overrides(multi_synth: SynthTree) -> None:
    groups = {
        **_by_cluster(multi_synth["exp-alpha-eks"], "aws_eks_node_group"),
        **_by_cluster(multi_synth["exp-beta-eks"], "aws_eks_node_group"),
    }
    summary = {
        name: (group["instance_types"], group["ami_type"], group["scaling_config"])
        for name, group in groups.items()
    }
    assert summary == {
        "edge": (
            ["m5.xlarge"],
            "AL2023_x86_64_STANDARD",
            {"desired_size": 3, "min_size": 2, "max_size": 6},
        ),
        "load": (
            ["c6i.large"],
            "AL2023_x86_64_STANDARD",
            {"desired_size": 3, "min_size": 3, "max_size": 3},
        ),
        "arm": (  # Graviton instance type: the ARM64 AMI
            ["m7g.xlarge"],
            "AL2023_ARM_64_STANDARD",
            {"desired_size": 3, "min_size": 3, "max_size": 3},
        ),
    }
    clusters = _by_cluster(multi_synth["exp-beta-eks"], "aws_eks_cluster")
    assert {c["name"] for c in clusters.values()} == {"beta-load", "beta-arm"}


def test_clusters_join_the_foundation_through_declared_variables(
    multi: LabDefinition, multi_synth: SynthTree
) -> None:
    for stack in multi.stacks:
        if stack.cloud is None or stack.experiment is None:
            continue
        doc = multi_synth[stack.id]
        assert set(doc["variable"]) == {i.variable for i in stack.inputs}, stack.id
        for variable in doc["variable"].values():
            assert variable["type"] == "string"
            assert variable["nullable"] is False
            assert "default" not in variable  # Spacelift must supply it
    # alpha is on both clouds: its AKS stack also knows the foundation's NSG, and the AWS
    # egress it admits; gamma is on Azure only.
    assert set(multi_synth["exp-gamma-aks"]["variable"]) == {
        "location",
        "aks_subnet_id",
        "egress_cidrs",
    }
    assert set(multi_synth["exp-alpha-aks"]["variable"]) == {
        "location",
        "aks_subnet_id",
        "egress_cidrs",
        "resource_group_name",
        "aks_subnet_nsg_name",
        "aws_egress_cidrs",
    }
    assert set(multi_synth["exp-alpha-eks"]["variable"]) == {
        "private_subnet_ids",
        "azure_egress_cidrs",
    }
    assert set(multi_synth["exp-beta-eks"]["variable"]) == {"private_subnet_ids"}
    aks = multi_synth["exp-alpha-aks"]["resource"]["azurerm_kubernetes_cluster"]
    assert {c["default_node_pool"]["vnet_subnet_id"] for c in aks.values()} == {
        "${var.aks_subnet_id}"
    }
    # The nodes leave through the foundation's NAT gateway and reach the API server's public
    # address: the allowlist admits that egress after the lab's own ranges.
    ranges = multi.config.azure.aks.authorized_ip_ranges
    assert {c["api_server_access_profile"]["authorized_ip_ranges"] for c in aks.values()} == {
        "${concat(" + json.dumps(list(ranges)) + ", jsondecode(var.egress_cidrs))}"
    }
    assert {c["location"] for c in aks.values()} == {"${var.location}"}
    eks = multi_synth["exp-beta-eks"]["resource"]["aws_eks_cluster"]
    assert {c["vpc_config"]["subnet_ids"] for c in eks.values()} == {
        "${jsondecode(var.private_subnet_ids)}"
    }


CLUSTER_OUTPUTS = ("api_endpoint", "cluster_name", "oidc_issuer_url")


def test_outputs_are_public_facts_only(multi: LabDefinition, multi_synth: SynthTree) -> None:
    """Names, endpoints, issuers, the autoscaler's role on EKS and the other cloud's egress:
    what ArgoCD and people need, and no credentials."""
    assert sorted(multi_synth["exp-alpha-aks"]["output"]) == [
        "api_api_endpoint",
        "api_cluster_name",
        "api_oidc_issuer_url",
        "db_api_endpoint",
        "db_cluster_name",
        "db_oidc_issuer_url",
        "eks_egress_cidrs",
    ]
    assert multi_synth["exp-alpha-aks"]["output"]["eks_egress_cidrs"]["value"] == (
        "${jsondecode(var.aws_egress_cidrs)}"
    )
    assert sorted(multi_synth["exp-alpha-eks"]["output"]) == [
        "aks_egress_cidrs",
        "edge_api_endpoint",
        "edge_cluster_autoscaler_role_arn",
        "edge_cluster_name",
        "edge_oidc_issuer_url",
    ]
    assert multi_synth["exp-alpha-eks"]["output"]["aks_egress_cidrs"]["value"] == (
        "${jsondecode(var.azure_egress_cidrs)}"
    )
    for stack in multi.stacks:
        if stack.experiment is None:
            continue
        per_cluster = (*CLUSTER_OUTPUTS, "cluster_autoscaler_role_arn")
        expected = {
            f"{cluster.name}_{suffix}"
            for cluster in stack.clusters
            for suffix in (per_cluster if stack.cloud is Cloud.AWS else CLUSTER_OUTPUTS)
        }
        expected |= {f"{cloud_unit(peer).service}_egress_cidrs" for peer in stack.peers}
        assert set(multi_synth[stack.id]["output"]) == expected, stack.id
    for stack_id, doc in multi_synth.items():
        for name, output in doc.get("output", {}).items():
            assert output["sensitive"] is False, (stack_id, name)
            value = json.dumps(output["value"])
            for secret in ("kube_config", "kube_admin_config", "client_key", "certificate"):
                assert secret not in value, (stack_id, name)


def test_experiments_have_their_own_cloud_resources(
    multi: LabDefinition, multi_synth: SynthTree
) -> None:
    for stack in multi.stacks:
        if stack.experiment is None:
            continue
        resources = multi_synth[stack.id]["resource"]
        own_types = {t.split("_")[0] for t in resources}
        assert own_types == ({"azurerm"} if stack.cloud is Cloud.AZURE else {"aws"}), stack.id
    (group,) = multi_synth["exp-alpha-aks"]["resource"]["azurerm_resource_group"].values()
    assert group["name"] == "rg-exp-alpha-aks"
    assert group["tags"]["experiment"] == "alpha"
    (workspace,) = multi_synth["exp-alpha-aks"]["resource"][
        "azurerm_log_analytics_workspace"
    ].values()
    # Entra ID only: the monitoring agents authenticate with managed identity (and the
    # field azurerm 4.x deprecates is not used).
    assert workspace["local_authentication_enabled"] is False
    assert "local_authentication_disabled" not in workspace
    assert (workspace["retention_in_days"], workspace["sku"]) == (30, "PerGB2018")


def test_aks_clusters_leave_through_the_foundations_nat_gateway(multi_synth: SynthTree) -> None:
    for stack_id in ("exp-alpha-aks", "exp-gamma-aks"):
        clusters = multi_synth[stack_id]["resource"]["azurerm_kubernetes_cluster"].values()
        assert {c["network_profile"]["outbound_type"] for c in clusters} == {
            "userAssignedNATGateway"
        }


def test_an_experiment_on_both_clouds_admits_the_aws_egress_to_its_aks_services(
    multi: LabDefinition, multi_synth: SynthTree
) -> None:
    [rule] = multi_synth["exp-alpha-aks"]["resource"]["azurerm_network_security_rule"].values()
    assert {k: v for k, v in rule.items() if k not in {"//", "description"}} == {
        "name": "exp-alpha-aks-from-aws",
        "network_security_group_name": "${var.aks_subnet_nsg_name}",
        "resource_group_name": "${var.resource_group_name}",
        "priority": multi.get("exp-alpha-aks").service_rule_priority,
        "direction": "Inbound",
        "access": "Allow",
        "protocol": "Tcp",
        "source_address_prefixes": "${jsondecode(var.aws_egress_cidrs)}",
        "source_port_range": "*",
        "destination_address_prefix": "*",
        "destination_port_ranges": ["80", "443"],
    }
    # An experiment on Azure only reaches its services through the VNet: no rule.
    assert "azurerm_network_security_rule" not in multi_synth["exp-gamma-aks"]["resource"]


def test_aks_control_plane_logs_go_to_the_experiments_workspace(multi_synth: SynthTree) -> None:
    resources = multi_synth["exp-alpha-aks"]["resource"]
    [workspace_id] = resources["azurerm_log_analytics_workspace"]
    settings = _by_cluster(multi_synth["exp-alpha-aks"], "azurerm_monitor_diagnostic_setting")
    assert sorted(settings) == ["api", "db"]
    for setting in settings.values():
        assert setting["log_analytics_workspace_id"] == (
            f"${{azurerm_log_analytics_workspace.{workspace_id}.id}}"
        )
        categories = {log["category"] for log in setting["enabled_log"]}
        assert {"kube-audit-admin", "kube-apiserver", "guard"} <= categories


def test_eks_clusters_get_storage_and_the_autoscalers_identity(multi_synth: SynthTree) -> None:
    doc = multi_synth["exp-beta-eks"]
    addons = doc["resource"]["aws_eks_addon"].values()
    ebs = [a for a in addons if a["addon_name"] == "aws-ebs-csi-driver"]
    assert len(ebs) == 2  # load and arm
    for addon in ebs:
        [association] = addon["pod_identity_association"]
        assert association["service_account"] == "ebs-csi-controller-sa"
    associations = doc["resource"]["aws_eks_pod_identity_association"].values()
    assert sorted((a["namespace"], a["service_account"]) for a in associations) == [
        ("kube-system", "cluster-autoscaler"),
        ("kube-system", "cluster-autoscaler"),
    ]


def test_everything_the_nodes_launch_carries_every_lab_tag(
    multi: LabDefinition, multi_synth: SynthTree
) -> None:
    """Provider default_tags do not reach what a launch template launches."""
    expected = {**multi.config.tags, "experiment": "beta"}
    templates = _by_cluster(multi_synth["exp-beta-eks"], "aws_launch_template")
    assert sorted(templates) == ["arm", "load"]
    for cluster, template in templates.items():
        kinds = {spec["resource_type"]: spec["tags"] for spec in template["tag_specifications"]}
        assert set(kinds) == {"instance", "volume", "network-interface"}
        for tags in kinds.values():
            assert tags == {**expected, "cluster": cluster, "Name": f"beta-{cluster}-node"}


def test_derived_names_are_the_ones_the_constructs_create(
    multi: LabDefinition, multi_synth: SynthTree
) -> None:
    """The uniqueness check (lab/rules/names.py) derives exactly the names the stacks use."""
    for stack in multi.stacks:
        if stack.cloud is None or stack.experiment is None:
            continue
        resource = multi_synth[stack.id]["resource"]
        expected: set[str] = set()
        for cluster in stack.clusters:
            expected |= set(
                derived_cloud_names(
                    stack.cloud.value, cluster.full_name, [p.name for p in cluster.node_pools]
                )
            )
        if stack.cloud.value == "aws":
            made = {r["name"] for r in resource["aws_iam_role"].values()}
            made |= {r["name"] for r in resource["aws_launch_template"].values()}
            made |= {r["name"] for r in resource["aws_cloudwatch_log_group"].values()}
            made |= {r["name"] for r in resource["aws_eks_cluster"].values()}
        else:
            made = {r["name"] for r in resource["azurerm_kubernetes_cluster"].values()}
            made |= {r["name"] for r in resource["azurerm_user_assigned_identity"].values()}
        assert made == expected, stack.id
