"""Experiment stacks end to end: a multi-experiment tree on both clouds with overrides."""

from __future__ import annotations

import json
from typing import Any

from lab.contract import EXPERIMENT_INPUTS
from lab.definition import LabDefinition
from lab.experiments import Cloud
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
        expected = {value.name for value in EXPERIMENT_INPUTS[stack.cloud]}
        assert set(doc["variable"]) == expected, stack.id
        for variable in doc["variable"].values():
            assert variable["type"] == "string"
            assert variable["nullable"] is False
            assert "default" not in variable  # Spacelift must supply it
    aks = multi_synth["exp-alpha-aks"]["resource"]["azurerm_kubernetes_cluster"]
    assert {c["default_node_pool"]["vnet_subnet_id"] for c in aks.values()} == {
        "${var.aks_subnet_id}"
    }
    assert {c["location"] for c in aks.values()} == {"${var.location}"}
    eks = multi_synth["exp-beta-eks"]["resource"]["aws_eks_cluster"]
    assert {c["vpc_config"]["subnet_ids"] for c in eks.values()} == {
        "${jsondecode(var.private_subnet_ids)}"
    }


def test_outputs_are_names_endpoints_and_issuers_only(
    multi: LabDefinition, multi_synth: SynthTree
) -> None:
    assert sorted(multi_synth["exp-alpha-aks"]["output"]) == [
        f"{cluster}_{suffix}"
        for cluster in ("api", "db")
        for suffix in ("api_endpoint", "cluster_name", "oidc_issuer_url")
    ]
    for stack in multi.stacks:
        if stack.experiment is not None:  # nothing else: no role ARNs, no credentials
            assert set(multi_synth[stack.id]["output"]) == {
                f"{cluster.name}_{suffix}"
                for cluster in stack.clusters
                for suffix in ("api_endpoint", "cluster_name", "oidc_issuer_url")
            }, stack.id
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
    # Entra ID only: the monitoring agents authenticate with managed identity.
    assert workspace["local_authentication_disabled"] is True
    assert (workspace["retention_in_days"], workspace["sku"]) == (30, "PerGB2018")
