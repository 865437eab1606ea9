package spacelift_test

import data.spacelift
import rego.v1

# --- foundation networks -------------------------------------------------------------

test_foundation_subnet_replacement_is_denied_naming_the_address if {
	replaced := resource("azurerm_subnet.nodes", "azurerm_subnet", ["delete", "create"], {})
	denials(plan(foundation, "TRACKED", [replaced])) == {
		"azurerm_subnet.nodes would be replaced: foundation networks are never deleted or replaced, because experiment clusters run in them",
	}
}

test_foundation_vpc_deletion_is_denied_naming_the_address if {
	deleted := resource("aws_vpc.main", "aws_vpc", ["delete"], null)
	denials(plan(foundation, "TRACKED", [deleted])) == {
		"aws_vpc.main would be deleted: foundation networks are never deleted or replaced, because experiment clusters run in them",
	}
}

test_every_foundation_network_type_is_protected if {
	every type in network_types {
		count(denials(plan(foundation, "TRACKED", [resource("x.y", type, ["create", "delete"], {})]))) == 1
	}
}

test_foundation_network_update_in_place_is_allowed if {
	updated := resource("azurerm_virtual_network.main", "azurerm_virtual_network", ["update"], {"tags": {"owner": "lab"}})
	denials(plan(foundation, "TRACKED", [updated])) == set()
}

test_foundation_deletion_outside_the_network_is_allowed if {
	deleted := resource("azurerm_log_analytics_workspace.logs", "azurerm_log_analytics_workspace", ["delete"], null)
	denials(plan(foundation, "TRACKED", [deleted])) == set()
}

test_preview_deleting_a_foundation_network_is_denied if {
	deleted := resource("aws_nat_gateway.egress", "aws_nat_gateway", ["delete"], null)
	count(denials(plan(foundation, "PROPOSED", [deleted]))) == 1
}

test_drift_detection_replacing_a_foundation_network_is_denied if {
	drifted := resource("aws_route_table.private", "aws_route_table", ["delete", "create"], {})
	document := json.patch(plan(foundation, "PROPOSED", [drifted]), [{"op": "add", "path": "/spacelift/run/drift_detection", "value": true}])
	count(denials(document)) == 1
}

test_destroy_run_on_a_foundation_is_not_denied if {
	deleted := resource("aws_vpc.main", "aws_vpc", ["delete"], null)
	denials(plan(foundation, "DESTROY", [deleted])) == set()
}

test_experiment_network_deletion_is_not_denied if {
	deleted := resource("azurerm_subnet.extra", "azurerm_subnet", ["delete"], null)
	denials(plan(experiment, "TRACKED", [deleted])) == set()
}

# --- expired experiments -----------------------------------------------------------

# 2026-11-26T00:00:00Z, the time of the run in these tests.
now_ns := 1795651200000000000

scheduled_deletion(at) := resource(
	"spacelift_scheduled_delete_stack.exp-old-aks",
	"spacelift_scheduled_delete_stack",
	["create"],
	{"at": at, "delete_resources": true},
)

at_time(document, timestamp_ns) := json.patch(document, [{"op": "add", "path": "/spacelift/request", "value": {"timestamp_ns": timestamp_ns}}])

test_recreating_an_expired_experiment_is_denied if {
	document := at_time(plan(management, "TRACKED", [scheduled_deletion(1795564800)]), now_ns)
	denials(document) == {
		"spacelift_scheduled_delete_stack.exp-old-aks: the experiment expired (its deletion time has passed); remove its folder under experiments/ or move its expires date instead of recreating its stack",
	}
}

test_scheduling_a_future_deletion_is_allowed if {
	document := at_time(plan(management, "TRACKED", [scheduled_deletion(1798761600)]), now_ns)
	denials(document) == set()
}

test_expired_deletion_on_another_kind_of_stack_is_not_judged if {
	document := at_time(plan(experiment, "TRACKED", [scheduled_deletion(1795564800)]), now_ns)
	denials(document) == set()
}

test_unknown_deletion_time_is_not_denied if {
	unknown := resource("spacelift_scheduled_delete_stack.exp-x-aks", "spacelift_scheduled_delete_stack", ["create"], {"delete_resources": true})
	denials(at_time(plan(management, "TRACKED", [unknown]), now_ns)) == set()
}

# --- API server exposure -------------------------------------------------------------

test_aks_range_open_to_the_internet_is_denied if {
	denials(plan(experiment, "TRACKED", [aks_cluster(["203.0.113.0/24", "0.0.0.0/0"], false)])) == {
		"azurerm_kubernetes_cluster.target: authorized_ip_ranges contains 0.0.0.0/0, which opens the Kubernetes API server to the whole internet; list your office or VPN egress CIDRs instead",
	}
}

test_aks_range_covering_all_ipv6_is_denied if {
	count(denials(plan(experiment, "TRACKED", [aks_cluster(["::/0"], false)]))) == 1
}

test_aks_with_office_ranges_is_allowed if {
	denials(plan(experiment, "TRACKED", [aks_cluster(["203.0.113.0/24", "198.51.100.7/32"], false)])) == set()
}

test_public_aks_without_ranges_is_denied if {
	denials(plan(experiment, "TRACKED", [aks_cluster([], false)])) == {
		"azurerm_kubernetes_cluster.target: the API server is public and has no authorized_ip_ranges, so the whole internet can reach it; list your office or VPN egress CIDRs, or set private_cluster_enabled",
	}
}

test_public_aks_without_an_access_profile_is_denied if {
	no_profile := resource("azurerm_kubernetes_cluster.target", "azurerm_kubernetes_cluster", ["create"], {"private_cluster_enabled": false})
	count(denials(plan(experiment, "TRACKED", [no_profile]))) == 1
}

test_private_aks_without_ranges_is_allowed if {
	denials(plan(experiment, "TRACKED", [aks_cluster([], true)])) == set()
}

test_eks_public_cidr_open_to_the_internet_is_denied if {
	denials(plan(experiment, "TRACKED", [eks_cluster(true, ["0.0.0.0/0"])])) == {
		"aws_eks_cluster.target: public_access_cidrs contains 0.0.0.0/0, which opens the Kubernetes API server to the whole internet; list your office or VPN egress CIDRs instead",
	}
}

test_eks_public_endpoint_without_cidrs_is_denied if {
	denials(plan(experiment, "TRACKED", [eks_cluster(true, [])])) == {
		"aws_eks_cluster.target: the public endpoint has no public_access_cidrs (or they are unknown until apply), and AWS then allows 0.0.0.0/0; list your office or VPN egress CIDRs, or set endpoint_public_access to false",
	}
}

test_eks_public_endpoint_with_cidrs_unknown_until_apply_is_denied if {
	unknown := resource("aws_eks_cluster.target", "aws_eks_cluster", ["create"], {"vpc_config": [{"endpoint_public_access": true}]})
	count(denials(plan(experiment, "TRACKED", [unknown]))) == 1
}

test_eks_endpoint_public_by_default_is_checked if {
	default_access := resource("aws_eks_cluster.target", "aws_eks_cluster", ["create"], {"vpc_config": [{"public_access_cidrs": ["0.0.0.0/0"]}]})
	count(denials(plan(experiment, "TRACKED", [default_access]))) == 1
}

test_eks_private_endpoint_is_allowed if {
	# With the public endpoint off, AWS's 0.0.0.0/0 default for public_access_cidrs is inert.
	denials(plan(experiment, "TRACKED", [eks_cluster(false, ["0.0.0.0/0"])])) == set()
}

test_eks_public_endpoint_with_office_cidrs_is_allowed if {
	denials(plan(experiment, "TRACKED", [eks_cluster(true, ["203.0.113.0/24"])])) == set()
}

test_open_api_server_is_denied_on_any_stack if {
	every labels in [foundation, management, []] {
		count(denials(plan(labels, "TRACKED", [eks_cluster(true, [])]))) == 1
	}
}

test_unchanged_cluster_is_not_rechecked if {
	unchanged := json.patch(aks_cluster(["0.0.0.0/0"], false), [{"op": "replace", "path": "/change/actions", "value": ["no-op"]}])
	denials(plan(experiment, "TRACKED", [unchanged])) == set()
}

# --- node pool cost cap --------------------------------------------------------------

test_aks_default_pool_above_the_cap_is_denied_naming_its_size if {
	cluster := json.patch(aks_cluster(["203.0.113.0/24"], false), [{"op": "add", "path": "/change/after/default_node_pool", "value": [{"max_count": 12, "node_count": 3}]}])
	denials(plan(experiment, "TRACKED", [cluster])) == {
		"azurerm_kubernetes_cluster.target: the node pool can grow to 12 nodes, above the lab's cost cap of 10; lower nodes or max_nodes in the experiment's cluster.yaml",
	}
}

test_aks_default_pool_at_the_cap_is_allowed if {
	cluster := json.patch(aks_cluster(["203.0.113.0/24"], false), [{"op": "add", "path": "/change/after/default_node_pool", "value": [{"max_count": 10, "node_count": 2}]}])
	denials(plan(experiment, "TRACKED", [cluster])) == set()
}

test_aks_fixed_size_pool_above_the_cap_is_denied if {
	cluster := json.patch(aks_cluster(["203.0.113.0/24"], false), [{"op": "add", "path": "/change/after/default_node_pool", "value": [{"max_count": null, "node_count": 11}]}])
	count(denials(plan(experiment, "TRACKED", [cluster]))) == 1
}

test_aks_extra_node_pool_above_the_cap_is_denied if {
	pool := resource("azurerm_kubernetes_cluster_node_pool.spot", "azurerm_kubernetes_cluster_node_pool", ["update"], {"max_count": 16, "node_count": 2})
	denials(plan(experiment, "TRACKED", [pool])) == {
		"azurerm_kubernetes_cluster_node_pool.spot: the node pool can grow to 16 nodes, above the lab's cost cap of 10; lower nodes or max_nodes in the experiment's cluster.yaml",
	}
}

test_eks_node_group_above_the_cap_is_denied if {
	denials(plan(experiment, "TRACKED", [eks_node_group(11, 3)])) == {
		"aws_eks_node_group.target: the node pool can grow to 11 nodes, above the lab's cost cap of 10; lower nodes or max_nodes in the experiment's cluster.yaml",
	}
}

test_eks_node_group_at_the_cap_is_allowed if {
	denials(plan(experiment, "TRACKED", [eks_node_group(10, 3)])) == set()
}

test_node_pool_cap_applies_to_experiment_stacks_only if {
	denials(plan(foundation, "TRACKED", [eks_node_group(11, 3)])) == set()
}

test_node_pool_size_unknown_until_apply_is_not_denied if {
	unknown := resource("aws_eks_node_group.target", "aws_eks_node_group", ["create"], {"scaling_config": [{}]})
	denials(plan(experiment, "TRACKED", [unknown])) == set()
}

# --- warnings: deletions on experiments ----------------------------------------------

test_experiment_deletions_warn_per_resource if {
	changes := [
		resource("azurerm_kubernetes_cluster.loadgen", "azurerm_kubernetes_cluster", ["delete"], null),
		resource("azurerm_kubernetes_cluster_node_pool.spot", "azurerm_kubernetes_cluster_node_pool", ["create", "delete"], {"max_count": 3}),
		resource("azurerm_role_assignment.kubelet", "azurerm_role_assignment", ["create"], {}),
	]
	warnings(plan(experiment, "TRACKED", changes)) == {
		"azurerm_kubernetes_cluster.loadgen will be deleted",
		"azurerm_kubernetes_cluster_node_pool.spot will be replaced",
	}
}

test_experiment_without_deletions_does_not_warn if {
	warnings(plan(experiment, "TRACKED", [eks_node_group(4, 2)])) == set()
}

test_foundation_deletion_does_not_get_the_experiment_warning if {
	deleted := resource("azurerm_log_analytics_workspace.logs", "azurerm_log_analytics_workspace", ["delete"], null)
	warnings(plan(foundation, "TRACKED", [deleted])) == set()
}

test_experiment_teardown_does_not_warn if {
	deleted := resource("azurerm_kubernetes_cluster.loadgen", "azurerm_kubernetes_cluster", ["delete"], null)
	warnings(plan(experiment, "DESTROY", [deleted])) == set()
}

# --- warnings: large runs ------------------------------------------------------------

test_run_changing_26_resources_warns if {
	warnings(plan(management, "TRACKED", created(26))) == {
		"this run changes 26 resources, more than 25; review the plan before confirming",
	}
}

test_run_changing_25_resources_does_not_warn if {
	warnings(plan(management, "TRACKED", created(25))) == set()
}

test_no_op_and_read_changes_do_not_count if {
	untouched := [resource(sprintf("aws_subnet.kept_%d", [i]), "aws_subnet", [action], {}) |
		some i in numbers.range(1, 10)
		some action in ["no-op", "read"]
	]
	warnings(plan(foundation, "TRACKED", array.concat(created(25), untouched))) == set()
}

test_large_teardown_does_not_warn if {
	deleted := [resource(sprintf("aws_subnet.s%d", [i]), "aws_subnet", ["delete"], null) | some i in numbers.range(1, 30)]
	warnings(plan(experiment, "DESTROY", deleted)) == set()
}

# --- inputs --------------------------------------------------------------------------

experiment := ["experiment", "aws", "experiment:multi-cloud-demo"]

foundation := ["foundation", "aws"]

management := ["management"]

network_types := ["azurerm_virtual_network", "azurerm_subnet", "aws_vpc", "aws_subnet", "aws_route_table", "aws_nat_gateway"]

plan(labels, run_type, changes) := {
	"spacelift": {
		"run": {"type": run_type, "drift_detection": false, "changes": []},
		"stack": {"labels": labels},
	},
	"terraform": {"resource_changes": changes},
}

resource(address, type, actions, after) := {
	"address": address,
	"type": type,
	"change": {"actions": actions, "before": null, "after": after},
}

aks_cluster(ranges, private) := resource(
	"azurerm_kubernetes_cluster.target",
	"azurerm_kubernetes_cluster",
	["create"],
	{
		"private_cluster_enabled": private,
		"api_server_access_profile": [{"authorized_ip_ranges": ranges}],
		"default_node_pool": [{"max_count": 4, "node_count": 2}],
	},
)

eks_cluster(public, cidrs) := resource(
	"aws_eks_cluster.target",
	"aws_eks_cluster",
	["create"],
	{"vpc_config": [{"endpoint_private_access": true, "endpoint_public_access": public, "public_access_cidrs": cidrs}]},
)

eks_node_group(max_size, desired_size) := resource(
	"aws_eks_node_group.target",
	"aws_eks_node_group",
	["create"],
	{"scaling_config": [{"max_size": max_size, "min_size": 1, "desired_size": desired_size}]},
)

created(n) := [resource(sprintf("aws_subnet.s%d", [i]), "aws_subnet", ["create"], {}) | some i in numbers.range(1, n)]

denials(document) := messages if {
	messages := spacelift.deny with input as document
}

warnings(document) := messages if {
	messages := spacelift.warn with input as document
}
