"""AksCluster: secure defaults, sizing, the private option, the nodes' egress and token inputs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktn import TerraformOutput, TerraformStack, TerraformVariable
from syrupy.assertion import SnapshotAssertion

from lab.constructs.azure.aks import AksCluster, AksClusterProps
from lab.experiments import NodePoolSpec
from tests.helpers import JsonDict, new_stack, only_resource, resources, synth

SUBNET_ID = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/lab-network"
    "/providers/Microsoft.Network/virtualNetworks/lab/subnets/aks"
)
WORKSPACE_ID = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/exp-demo-aks"
    "/providers/Microsoft.OperationalInsights/workspaces/exp-demo-aks"
)
ADMIN_GROUP = "11111111-2222-3333-4444-555555555555"
RANGES = ["203.0.113.0/24", "198.51.100.7/32"]
TAGS = {"lab": "illm-k8s-lab", "experiment": "demo"}

CLUSTER = "azurerm_kubernetes_cluster"
IDENTITY = "azurerm_user_assigned_identity"
ROLE = "azurerm_role_assignment"
RULE = "azurerm_monitor_data_collection_rule"
ASSOCIATION = "azurerm_monitor_data_collection_rule_association"
DIAGNOSTICS = "azurerm_monitor_diagnostic_setting"


def make_pool(**overrides: Any) -> NodePoolSpec:
    """A resolved pool like a "small" cluster's system pool, with overrides."""
    values: dict[str, Any] = {
        "name": "system",
        "machine_type": "Standard_D2s_v3",
        "node_count": 2,
        "min_nodes": 2,
        "max_nodes": 2,
    }
    values.update(overrides)
    return NodePoolSpec(**values)


def make_props(**overrides: Any) -> AksClusterProps:
    """Props like the experiment stack passes for a "small" cluster, with overrides (the
    stack's egress is the foundation's output, a token: ``synth_cluster`` makes it one)."""
    values: dict[str, Any] = {
        "name": "demo-blue",
        "resource_group_name": "exp-demo-aks",
        "location": "westeurope",
        "subnet_id": SUBNET_ID,
        "log_analytics_workspace_id": WORKSPACE_ID,
        "kubernetes_version": "1.35",
        "default_pool": make_pool(),
        "authorized_ip_ranges": RANGES,
        "egress_cidrs": [],
        "admin_group_object_ids": [ADMIN_GROUP],
        "tags": TAGS,
    }
    values.update(overrides)
    return AksClusterProps(**values)


def synth_cluster(**overrides: Any) -> JsonDict:
    stack = new_stack()
    egress = TerraformVariable(stack, "egress_cidrs", type="list(string)")
    AksCluster(stack, "Aks", make_props(egress_cidrs=egress.list_value, **overrides))
    return synth(stack)


def logical_id(doc: JsonDict, resource_type: str) -> str:
    (found,) = resources(doc, resource_type)
    return found


def ref(doc: JsonDict, resource_type: str, attribute: str) -> str:
    return f"${{{resource_type}.{logical_id(doc, resource_type)}.{attribute}}}"


@pytest.fixture(scope="module")
def default_doc() -> JsonDict:
    return synth_cluster()


@pytest.fixture(scope="module")
def cluster(default_doc: JsonDict) -> JsonDict:
    return only_resource(default_doc, CLUSTER)


@pytest.fixture(scope="module")
def pool(cluster: JsonDict) -> JsonDict:
    return cluster["default_node_pool"]  # type: ignore[no-any-return]


# --------------------------------------------------------------------------------------------------
# Snapshot
# --------------------------------------------------------------------------------------------------


def test_default_cluster_matches_snapshot(
    default_doc: JsonDict, json_snapshot: SnapshotAssertion
) -> None:
    assert default_doc == json_snapshot


def test_creates_exactly_the_expected_resources(default_doc: JsonDict) -> None:
    assert {kind: len(found) for kind, found in default_doc["resource"].items()} == {
        CLUSTER: 1,
        IDENTITY: 1,
        ROLE: 1,
        RULE: 1,
        ASSOCIATION: 1,
        DIAGNOSTICS: 1,
    }


# --------------------------------------------------------------------------------------------------
# Identity and access
# --------------------------------------------------------------------------------------------------


def test_control_plane_uses_a_user_assigned_identity(
    default_doc: JsonDict, cluster: JsonDict
) -> None:
    assert cluster["identity"] == {
        "type": "UserAssigned",
        "identity_ids": [ref(default_doc, IDENTITY, "id")],
    }
    identity = only_resource(default_doc, IDENTITY)
    assert identity["name"] == "demo-blue-control-plane"
    assert identity["resource_group_name"] == "exp-demo-aks"
    assert identity["location"] == "westeurope"


def test_identity_is_network_contributor_on_the_node_subnet_before_the_cluster_exists(
    default_doc: JsonDict, cluster: JsonDict
) -> None:
    role = only_resource(default_doc, ROLE)
    assert role["role_definition_name"] == "Network Contributor"
    assert role["scope"] == SUBNET_ID
    assert role["principal_id"] == ref(default_doc, IDENTITY, "principal_id")
    assert role["principal_type"] == "ServicePrincipal"
    assert cluster["depends_on"] == [f"{ROLE}.{logical_id(default_doc, ROLE)}"]


def test_entra_id_with_azure_rbac_and_no_local_accounts(cluster: JsonDict) -> None:
    assert cluster["role_based_access_control_enabled"] is True
    assert cluster["local_account_disabled"] is True
    assert cluster["azure_active_directory_role_based_access_control"] == {
        "azure_rbac_enabled": True,
        "admin_group_object_ids": [ADMIN_GROUP],
    }


def test_every_admin_group_is_bound_to_cluster_admin() -> None:
    other = "99999999-8888-7777-6666-555555555555"
    cluster = only_resource(synth_cluster(admin_group_object_ids=[ADMIN_GROUP, other]), CLUSTER)
    rbac = cluster["azure_active_directory_role_based_access_control"]
    assert rbac["admin_group_object_ids"] == [ADMIN_GROUP, other]


def test_oidc_issuer_and_workload_identity(cluster: JsonDict) -> None:
    assert cluster["oidc_issuer_enabled"] is True
    assert cluster["workload_identity_enabled"] is True


def test_run_command_is_disabled(cluster: JsonDict) -> None:
    assert cluster["run_command_enabled"] is False


# --------------------------------------------------------------------------------------------------
# API server exposure
# --------------------------------------------------------------------------------------------------


def test_public_api_server_only_from_authorized_ranges(cluster: JsonDict) -> None:
    assert cluster["private_cluster_enabled"] is False
    assert cluster["api_server_access_profile"] == {
        "authorized_ip_ranges": f"${{concat({json.dumps(RANGES)}, var.egress_cidrs)}}"
    }
    assert "private_dns_zone_id" not in cluster


def test_private_cluster_has_no_public_endpoint() -> None:
    cluster = only_resource(synth_cluster(private_cluster=True, authorized_ip_ranges=()), CLUSTER)
    assert cluster["private_cluster_enabled"] is True
    assert cluster["private_cluster_public_fqdn_enabled"] is False
    assert cluster["private_dns_zone_id"] == "System"
    assert "api_server_access_profile" not in cluster


# --------------------------------------------------------------------------------------------------
# Networking
# --------------------------------------------------------------------------------------------------


def test_azure_cni_overlay_with_cilium_network_policy(cluster: JsonDict) -> None:
    assert cluster["network_profile"] == {
        "network_plugin": "azure",
        "network_plugin_mode": "overlay",
        "network_data_plane": "cilium",
        "network_policy": "cilium",
        "pod_cidr": "10.244.0.0/16",
        "service_cidr": "10.96.0.0/16",
        "dns_service_ip": "10.96.0.10",
        "load_balancer_sku": "standard",
        "outbound_type": "userAssignedNATGateway",
    }


# --------------------------------------------------------------------------------------------------
# Add-ons and monitoring
# --------------------------------------------------------------------------------------------------


def test_azure_policy_add_on(cluster: JsonDict) -> None:
    assert cluster["azure_policy_enabled"] is True


def test_key_vault_secrets_provider_rotates_secrets(cluster: JsonDict) -> None:
    assert cluster["key_vault_secrets_provider"] == {
        "secret_rotation_enabled": True,
        "secret_rotation_interval": "2m",
    }


def test_image_cleaner(cluster: JsonDict) -> None:
    assert cluster["image_cleaner_enabled"] is True
    assert cluster["image_cleaner_interval_hours"] == 48


def test_container_insights_with_managed_identity_auth(cluster: JsonDict) -> None:
    assert cluster["oms_agent"] == {
        "log_analytics_workspace_id": WORKSPACE_ID,
        "msi_auth_for_monitoring_enabled": True,
    }


def test_container_insights_data_collection_rule_targets_the_workspace(
    default_doc: JsonDict,
) -> None:
    rule = only_resource(default_doc, RULE)
    assert rule["name"] == "MSCI-demo-blue"
    assert rule["location"] == "westeurope"
    assert rule["destinations"] == {
        "log_analytics": [{"name": "workspace", "workspace_resource_id": WORKSPACE_ID}]
    }
    assert rule["data_flow"] == [
        {"streams": ["Microsoft-ContainerInsights-Group-Default"], "destinations": ["workspace"]}
    ]
    (extension,) = rule["data_sources"]["extension"]
    assert extension["extension_name"] == "ContainerInsights"
    assert extension["streams"] == ["Microsoft-ContainerInsights-Group-Default"]


def test_data_collection_rule_is_associated_with_the_cluster(default_doc: JsonDict) -> None:
    association = only_resource(default_doc, ASSOCIATION)
    assert association["name"] == "ContainerInsightsExtension"
    assert association["target_resource_id"] == ref(default_doc, CLUSTER, "id")
    assert association["data_collection_rule_id"] == ref(default_doc, RULE, "id")


def test_control_plane_logs_go_to_the_workspace(default_doc: JsonDict) -> None:
    """The audit trail (admin audit, Entra ID sign-ins) and the control plane, like EKS's five
    log types, into resource-specific tables."""
    setting = only_resource(default_doc, DIAGNOSTICS)
    assert setting["target_resource_id"] == ref(default_doc, CLUSTER, "id")
    assert setting["log_analytics_workspace_id"] == WORKSPACE_ID
    assert setting["log_analytics_destination_type"] == "Dedicated"
    assert [log["category"] for log in setting["enabled_log"]] == [
        "kube-apiserver",
        "kube-audit-admin",
        "guard",
        "kube-controller-manager",
        "kube-scheduler",
        "cluster-autoscaler",
    ]
    # The full audit log (every read) is the costly one: left out.
    assert "kube-audit" not in {log["category"] for log in setting["enabled_log"]}


def test_no_defender_sensor_and_the_free_tier(cluster: JsonDict) -> None:
    """The lab's cost choices: Defender for Containers bills per vCore, Standard per hour."""
    assert "microsoft_defender" not in cluster
    assert cluster["sku_tier"] == "Free"


# --------------------------------------------------------------------------------------------------
# Version and upgrades
# --------------------------------------------------------------------------------------------------


def test_kubernetes_version_applies_to_control_plane_and_pool(
    cluster: JsonDict, pool: JsonDict
) -> None:
    assert cluster["kubernetes_version"] == "1.35"
    assert pool["orchestrator_version"] == "1.35"


def test_automatic_upgrades_in_a_weekly_sunday_night_window(cluster: JsonDict) -> None:
    window = {
        "frequency": "Weekly",
        "interval": 1,
        "day_of_week": "Sunday",
        "start_time": "22:00",
        "duration": 4,
        "utc_offset": "+00:00",
    }
    assert cluster["automatic_upgrade_channel"] == "patch"
    assert cluster["node_os_upgrade_channel"] == "NodeImage"
    assert cluster["maintenance_window_auto_upgrade"] == window
    assert cluster["maintenance_window_node_os"] == window


# --------------------------------------------------------------------------------------------------
# Node pool
# --------------------------------------------------------------------------------------------------


def test_single_system_pool_in_the_foundation_subnet(default_doc: JsonDict, pool: JsonDict) -> None:
    assert pool["name"] == "system"
    assert pool["type"] == "VirtualMachineScaleSets"
    assert pool["vnet_subnet_id"] == SUBNET_ID
    assert "azurerm_kubernetes_cluster_node_pool" not in default_doc["resource"]


def test_node_hardening(pool: JsonDict) -> None:
    assert pool["host_encryption_enabled"] is True
    assert pool["node_public_ip_enabled"] is False
    assert pool["os_disk_type"] == "Managed"
    assert pool["os_sku"] == "AzureLinux"
    assert pool["max_pods"] == 110


def test_pool_changes_rotate_instead_of_recreating(pool: JsonDict) -> None:
    assert pool["temporary_name_for_rotation"] == "systemrotate"
    assert pool["upgrade_settings"] == {"max_surge": "10%", "drain_timeout_in_minutes": 30}


@pytest.mark.parametrize(
    ("vm_size", "node_count"),
    [("Standard_D2s_v3", 2), ("Standard_D4s_v3", 3), ("Standard_D8s_v3", 5)],
    ids=["small", "medium", "large"],
)
def test_preset_sizing_passes_through_without_autoscaling(vm_size: str, node_count: int) -> None:
    pool = make_pool(
        machine_type=vm_size, node_count=node_count, min_nodes=node_count, max_nodes=node_count
    )
    doc = synth_cluster(default_pool=pool)
    cluster = only_resource(doc, CLUSTER)
    pool = cluster["default_node_pool"]
    assert pool["vm_size"] == vm_size
    assert pool["node_count"] == node_count
    assert pool["auto_scaling_enabled"] is False
    assert "min_count" not in pool
    assert "max_count" not in pool
    assert "lifecycle" not in cluster


def test_autoscaling_when_bounds_are_given() -> None:
    pool = make_pool(node_count=3, min_nodes=2, max_nodes=10)
    cluster = only_resource(synth_cluster(default_pool=pool), CLUSTER)
    pool = cluster["default_node_pool"]
    assert pool["auto_scaling_enabled"] is True
    assert pool["min_count"] == 2
    assert pool["max_count"] == 10
    assert pool["node_count"] == 3
    # The autoscaler's node count must not show up as drift.
    assert cluster["lifecycle"] == {"ignore_changes": ["default_node_pool[0].node_count"]}


def test_no_zones_by_default(pool: JsonDict) -> None:
    assert "zones" not in pool


def test_tags_on_every_taggable_resource(default_doc: JsonDict, pool: JsonDict) -> None:
    for resource_type in (CLUSTER, IDENTITY, RULE):
        assert only_resource(default_doc, resource_type)["tags"] == TAGS
    assert pool["tags"] == TAGS


# --------------------------------------------------------------------------------------------------
# Attributes
# --------------------------------------------------------------------------------------------------


def attribute_outputs(stack: TerraformStack, aks: AksCluster) -> dict[str, str]:
    """Every public string attribute of the construct, as Terraform resolves it."""
    for name, value in vars(aks).items():
        if not name.startswith("_") and isinstance(value, str):
            TerraformOutput(stack, name, value=value)
    return {name: output["value"] for name, output in synth(stack)["output"].items()}


def test_attributes_reference_the_cluster() -> None:
    stack = new_stack()
    outputs = attribute_outputs(stack, AksCluster(stack, "Aks", make_props()))
    doc = synth(stack)
    cluster = f"{CLUSTER}.{logical_id(doc, CLUSTER)}"
    assert outputs == {
        "cluster_name": f"${{{cluster}.name}}",
        "cluster_id": f"${{{cluster}.id}}",
        "fqdn": f"${{{cluster}.fqdn}}",
        "endpoint": f"https://${{{cluster}.fqdn}}:443",
        "oidc_issuer_url": f"${{{cluster}.oidc_issuer_url}}",
        "kubelet_identity_object_id": f"${{{cluster}.kubelet_identity[0].object_id}}",
        "node_resource_group": f"${{{cluster}.node_resource_group}}",
        "control_plane_identity_principal_id": ref(doc, IDENTITY, "principal_id"),
        "ca_certificate": f"${{{cluster}.kube_config[0].cluster_ca_certificate}}",
    }


def test_private_cluster_endpoint_is_the_private_fqdn() -> None:
    stack = new_stack()
    aks = AksCluster(stack, "Aks", make_props(private_cluster=True, authorized_ip_ranges=()))
    outputs = attribute_outputs(stack, aks)
    cluster = f"{CLUSTER}.{logical_id(synth(stack), CLUSTER)}"
    assert outputs["fqdn"] == f"${{{cluster}.private_fqdn}}"
    assert outputs["endpoint"] == f"https://${{{cluster}.private_fqdn}}:443"


def test_no_credentials_are_exposed(default_doc: JsonDict) -> None:
    stack = new_stack()
    aks = AksCluster(stack, "Aks", make_props())
    # The public surface, exactly: a new attribute (say, a kubeconfig) must be added here.
    assert sorted(name for name in vars(aks) if not name.startswith("_")) == [
        "ca_certificate",
        "cluster_id",
        "cluster_name",
        "control_plane_identity_principal_id",
        "endpoint",
        "fqdn",
        "kubelet_identity_object_id",
        "node_resource_group",
        "oidc_issuer_url",
        "props",
        "resource",
    ]
    outputs = attribute_outputs(stack, aks)
    # The CA certificate is public, though azurerm keeps it in the kube_config block.
    assert outputs.pop("ca_certificate").endswith(".kube_config[0].cluster_ca_certificate}")
    exposed = " ".join(outputs.values())
    for credential in ("kube_config", "kube_admin_config", "client_certificate", "client_key"):
        assert credential not in exposed
    assert "output" not in default_doc


# --------------------------------------------------------------------------------------------------
# The cluster's own egress
# --------------------------------------------------------------------------------------------------


def test_the_nodes_egress_is_admitted_after_the_authorized_ranges(cluster: JsonDict) -> None:
    """The foundation's NAT egress, known at apply, joins the ranges: AKS admits only a load
    balancer's outbound IPs by itself."""
    assert cluster["api_server_access_profile"]["authorized_ip_ranges"] == (
        '${concat(["203.0.113.0/24", "198.51.100.7/32"], var.egress_cidrs)}'
    )


def test_a_private_cluster_needs_no_egress_entry() -> None:
    private = only_resource(synth_cluster(private_cluster=True, authorized_ip_ranges=[]), CLUSTER)
    assert private.get("api_server_access_profile") is None


# --------------------------------------------------------------------------------------------------
# Token inputs
# --------------------------------------------------------------------------------------------------


def test_token_inputs_pass_through() -> None:
    stack = new_stack()
    subnet = TerraformVariable(stack, "aks_subnet_id", type="string")
    workspace = TerraformVariable(stack, "workspace_id", type="string")
    location = TerraformVariable(stack, "location", type="string")
    egress = TerraformVariable(stack, "egress_cidrs", type="list(string)")
    AksCluster(
        stack,
        "Aks",
        make_props(
            subnet_id=subnet.string_value,
            log_analytics_workspace_id=workspace.string_value,
            location=location.string_value,
            egress_cidrs=egress.list_value,
        ),
    )
    doc = synth(stack)
    cluster = only_resource(doc, CLUSTER)
    assert cluster["default_node_pool"]["vnet_subnet_id"] == "${var.aks_subnet_id}"
    assert cluster["oms_agent"]["log_analytics_workspace_id"] == "${var.workspace_id}"
    assert cluster["location"] == "${var.location}"
    assert only_resource(doc, ROLE)["scope"] == "${var.aks_subnet_id}"
