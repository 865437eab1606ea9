package spacelift_test

import data.spacelift
import rego.v1

# A test that states an outcome checks the whole decision: {"deny": ..., "warn": ...}.
passes := {"deny": set(), "warn": set()}

# --- foundation networks -------------------------------------------------------------

test_foundation_subnet_replacement_is_denied_naming_the_address if {
	replaced := resource("azurerm_subnet.nodes", "azurerm_subnet", ["delete", "create"], {})
	decision(plan(foundation, "TRACKED", [replaced])) == {
		"deny": {"azurerm_subnet.nodes would be replaced: foundation networks are never deleted or replaced, because experiment clusters run in them"},
		"warn": set(),
	}
}

test_foundation_vpc_deletion_is_denied_naming_the_address if {
	deleted := resource("aws_vpc.main", "aws_vpc", ["delete"], null)
	decision(plan(foundation, "TRACKED", [deleted])) == {
		"deny": {"aws_vpc.main would be deleted: foundation networks are never deleted or replaced, because experiment clusters run in them"},
		"warn": set(),
	}
}

test_every_foundation_network_type_is_protected if {
	every type in network_types {
		decision(plan(foundation, "TRACKED", [resource("x.y", type, ["create", "delete"], {})])) == denied(network_kept("x.y", "replaced"))
	}
}

test_foundation_network_update_in_place_is_allowed if {
	updated := resource("azurerm_virtual_network.main", "azurerm_virtual_network", ["update"], {"tags": {"owner": "lab"}})
	decision(plan(foundation, "TRACKED", [updated])) == passes
}

test_foundation_deletion_outside_the_network_is_allowed if {
	deleted := resource("azurerm_log_analytics_workspace.logs", "azurerm_log_analytics_workspace", ["delete"], null)
	decision(plan(foundation, "TRACKED", [deleted])) == passes
}

test_preview_deleting_a_foundation_network_is_denied if {
	deleted := resource("aws_nat_gateway.egress", "aws_nat_gateway", ["delete"], null)
	decision(plan(foundation, "PROPOSED", [deleted])) == denied(network_kept("aws_nat_gateway.egress", "deleted"))
}

test_drift_detection_replacing_a_foundation_network_is_denied if {
	drifted := resource("aws_route_table.private", "aws_route_table", ["delete", "create"], {})
	document := json.patch(plan(foundation, "PROPOSED", [drifted]), [{"op": "add", "path": "/spacelift/run/drift_detection", "value": true}])
	decision(document) == denied(network_kept("aws_route_table.private", "replaced"))
}

test_destroy_run_on_a_foundation_is_not_denied if {
	deleted := resource("aws_vpc.main", "aws_vpc", ["delete"], null)
	decision(plan(foundation, "DESTROY", [deleted])) == passes
}

test_experiment_network_deletion_is_not_denied if {
	deleted := resource("azurerm_subnet.extra", "azurerm_subnet", ["delete"], null)
	decision(plan(experiment, "TRACKED", [deleted])) == {"deny": set(), "warn": {"azurerm_subnet.extra will be deleted"}}
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
	decision(document) == {
		"deny": {"spacelift_scheduled_delete_stack.exp-old-aks: the experiment expired (its deletion time has passed); remove its folder under experiments/ or move its expires date instead of recreating its stack"},
		"warn": set(),
	}
}

test_deletion_due_exactly_at_the_run_time_is_expired if {
	document := at_time(plan(management, "TRACKED", [scheduled_deletion(1795651200)]), now_ns)
	decision(document) == denied(expired("spacelift_scheduled_delete_stack.exp-old-aks"))
}

test_deletion_due_one_second_after_the_run_is_allowed if {
	document := at_time(plan(management, "TRACKED", [scheduled_deletion(1795651201)]), now_ns)
	decision(document) == passes
}

test_expired_deletion_that_is_kept_or_updated_is_not_denied if {
	# Only creating the deletion again brings the experiment back; an existing one is not judged.
	every actions in [["no-op"], ["update"]] {
		kept := json.patch(scheduled_deletion(1795564800), [{"op": "replace", "path": "/change/actions", "value": actions}])
		decision(at_time(plan(management, "TRACKED", [kept]), now_ns)) == passes
	}
}

test_scheduling_a_future_deletion_is_allowed if {
	document := at_time(plan(management, "TRACKED", [scheduled_deletion(1798761600)]), now_ns)
	decision(document) == passes
}

test_expired_deletion_on_another_kind_of_stack_is_not_judged if {
	document := at_time(plan(experiment, "TRACKED", [scheduled_deletion(1795564800)]), now_ns)
	decision(document) == passes
}

test_unknown_deletion_time_is_not_denied if {
	unknown := resource("spacelift_scheduled_delete_stack.exp-x-aks", "spacelift_scheduled_delete_stack", ["create"], {"delete_resources": true})
	decision(at_time(plan(management, "TRACKED", [unknown]), now_ns)) == passes
}

# --- API server exposure -------------------------------------------------------------

test_aks_range_open_to_the_internet_is_denied if {
	decision(plan(experiment, "TRACKED", [aks_cluster(["203.0.113.0/24", "0.0.0.0/0"], false)])) == {
		"deny": {"azurerm_kubernetes_cluster.target: authorized_ip_ranges contains 0.0.0.0/0, which opens the Kubernetes API server to the whole internet; list your office or VPN egress CIDRs instead"},
		"warn": set(),
	}
}

test_aks_range_covering_all_ipv6_is_denied if {
	decision(plan(experiment, "TRACKED", [aks_cluster(["::/0"], false)])) == denied(open_range("azurerm_kubernetes_cluster.target", "authorized_ip_ranges", "::/0"))
}

test_open_range_written_with_surrounding_whitespace_is_denied if {
	decision(plan(experiment, "TRACKED", [aks_cluster([" 0.0.0.0/0 "], false)])) == denied(open_range("azurerm_kubernetes_cluster.target", "authorized_ip_ranges", " 0.0.0.0/0 "))
	decision(plan(experiment, "TRACKED", [eks_cluster(true, ["::/0\n"])])) == denied(open_range("aws_eks_cluster.target", "public_access_cidrs", "::/0\n"))
}

test_aks_with_office_ranges_is_allowed if {
	decision(plan(experiment, "TRACKED", [aks_cluster(["203.0.113.0/24", "198.51.100.7/32"], false)])) == passes
}

test_public_aks_without_ranges_is_denied if {
	decision(plan(experiment, "TRACKED", [aks_cluster([], false)])) == {
		"deny": {"azurerm_kubernetes_cluster.target: the API server is public and has no authorized_ip_ranges, so the whole internet can reach it; list your office or VPN egress CIDRs, or set private_cluster_enabled"},
		"warn": set(),
	}
}

test_public_aks_without_an_access_profile_is_denied if {
	no_profile := resource("azurerm_kubernetes_cluster.target", "azurerm_kubernetes_cluster", ["create"], {"private_cluster_enabled": false})
	decision(plan(experiment, "TRACKED", [no_profile])) == denied(aks_without_ranges("azurerm_kubernetes_cluster.target"))
}

test_private_aks_without_ranges_is_allowed if {
	decision(plan(experiment, "TRACKED", [aks_cluster([], true)])) == passes
}

test_eks_public_cidr_open_to_the_internet_is_denied if {
	decision(plan(experiment, "TRACKED", [eks_cluster(true, ["0.0.0.0/0"])])) == {
		"deny": {"aws_eks_cluster.target: public_access_cidrs contains 0.0.0.0/0, which opens the Kubernetes API server to the whole internet; list your office or VPN egress CIDRs instead"},
		"warn": set(),
	}
}

test_eks_public_endpoint_without_cidrs_is_denied if {
	decision(plan(experiment, "TRACKED", [eks_cluster(true, [])])) == {
		"deny": {"aws_eks_cluster.target: the public endpoint has no public_access_cidrs (or they are unknown until apply), and AWS then allows 0.0.0.0/0; list your office or VPN egress CIDRs, or set endpoint_public_access to false"},
		"warn": set(),
	}
}

test_eks_public_endpoint_with_cidrs_unknown_until_apply_is_denied if {
	unknown := resource("aws_eks_cluster.target", "aws_eks_cluster", ["create"], {"vpc_config": [{"endpoint_public_access": true}]})
	decision(plan(experiment, "TRACKED", [unknown])) == denied(eks_without_cidrs("aws_eks_cluster.target"))
}

test_eks_endpoint_public_by_default_is_checked if {
	default_access := resource("aws_eks_cluster.target", "aws_eks_cluster", ["create"], {"vpc_config": [{"public_access_cidrs": ["0.0.0.0/0"]}]})
	decision(plan(experiment, "TRACKED", [default_access])) == denied(open_range("aws_eks_cluster.target", "public_access_cidrs", "0.0.0.0/0"))
}

test_eks_private_endpoint_is_allowed if {
	# With the public endpoint off, AWS's 0.0.0.0/0 default for public_access_cidrs is inert.
	decision(plan(experiment, "TRACKED", [eks_cluster(false, ["0.0.0.0/0"])])) == passes
}

test_eks_public_endpoint_with_office_cidrs_is_allowed if {
	decision(plan(experiment, "TRACKED", [eks_cluster(true, ["203.0.113.0/24"])])) == passes
}

test_open_api_server_is_denied_on_any_stack if {
	every labels in [foundation, management, []] {
		decision(plan(labels, "TRACKED", [eks_cluster(true, [])])) == denied(eks_without_cidrs("aws_eks_cluster.target"))
	}
}

test_unchanged_cluster_is_not_rechecked if {
	unchanged := json.patch(aks_cluster(["0.0.0.0/0"], false), [{"op": "replace", "path": "/change/actions", "value": ["no-op"]}])
	decision(plan(experiment, "TRACKED", [unchanged])) == passes
}

test_unchanged_open_clusters_pass_every_exposure_rule if {
	# One open cluster per exposure rule; a no-op change leaves each as it is.
	every cluster in [
		aks_cluster(["0.0.0.0/0"], false),
		aks_cluster([], false),
		eks_cluster(true, ["0.0.0.0/0"]),
		eks_cluster(true, []),
	] {
		unchanged := json.patch(cluster, [{"op": "replace", "path": "/change/actions", "value": ["no-op"]}])
		decision(plan(experiment, "TRACKED", [unchanged])) == passes
	}
}

test_deleting_an_open_cluster_is_not_denied if {
	# A deleted resource has no planned attributes (after is null).
	every cluster in [aks_cluster([], false), eks_cluster(true, [])] {
		deleted := json.patch(cluster, [
			{"op": "replace", "path": "/change/actions", "value": ["delete"]},
			{"op": "replace", "path": "/change/after", "value": null},
		])
		decision(plan(foundation, "TRACKED", [deleted])) == passes
	}
}

# --- node pool cost cap --------------------------------------------------------------

test_aks_default_pool_above_the_cap_is_denied_naming_its_size if {
	cluster := json.patch(aks_cluster(["203.0.113.0/24"], false), [{"op": "add", "path": "/change/after/default_node_pool", "value": [{"max_count": 12, "node_count": 3}]}])
	decision(plan(experiment, "TRACKED", [cluster])) == {
		"deny": {"azurerm_kubernetes_cluster.target: the node pool can grow to 12 nodes, above the lab's cost cap of 10; lower nodes or max_nodes in the experiment's cluster.yaml"},
		"warn": set(),
	}
}

test_aks_default_pool_at_the_cap_is_allowed if {
	cluster := json.patch(aks_cluster(["203.0.113.0/24"], false), [{"op": "add", "path": "/change/after/default_node_pool", "value": [{"max_count": 10, "node_count": 2}]}])
	decision(plan(experiment, "TRACKED", [cluster])) == passes
}

test_aks_fixed_size_pool_above_the_cap_is_denied if {
	cluster := json.patch(aks_cluster(["203.0.113.0/24"], false), [{"op": "add", "path": "/change/after/default_node_pool", "value": [{"max_count": null, "node_count": 11}]}])
	decision(plan(experiment, "TRACKED", [cluster])) == denied(over_the_cap("azurerm_kubernetes_cluster.target", 11))
}

test_aks_extra_node_pool_above_the_cap_is_denied if {
	pool := resource("azurerm_kubernetes_cluster_node_pool.spot", "azurerm_kubernetes_cluster_node_pool", ["update"], {"max_count": 16, "node_count": 2})
	decision(plan(experiment, "TRACKED", [pool])) == {
		"deny": {"azurerm_kubernetes_cluster_node_pool.spot: the node pool can grow to 16 nodes, above the lab's cost cap of 10; lower nodes or max_nodes in the experiment's cluster.yaml"},
		"warn": set(),
	}
}

test_eks_node_group_above_the_cap_is_denied if {
	decision(plan(experiment, "TRACKED", [eks_node_group(11, 3)])) == {
		"deny": {"aws_eks_node_group.target: the node pool can grow to 11 nodes, above the lab's cost cap of 10; lower nodes or max_nodes in the experiment's cluster.yaml"},
		"warn": set(),
	}
}

test_eks_node_group_desired_above_the_cap_is_denied if {
	decision(plan(experiment, "TRACKED", [eks_node_group(4, 12)])) == denied(over_the_cap("aws_eks_node_group.target", 12))
}

test_eks_node_group_at_the_cap_is_allowed if {
	decision(plan(experiment, "TRACKED", [eks_node_group(10, 3)])) == passes
}

test_node_pool_cap_applies_to_experiment_stacks_only if {
	decision(plan(foundation, "TRACKED", [eks_node_group(11, 3)])) == passes
}

test_node_pool_size_unknown_until_apply_is_not_denied if {
	unknown := resource("aws_eks_node_group.target", "aws_eks_node_group", ["create"], {"scaling_config": [{}]})
	decision(plan(experiment, "TRACKED", [unknown])) == passes
}

test_unchanged_pool_above_the_cap_is_not_rechecked if {
	# The cap applies to what a run creates or changes; a pool this plan leaves alone passes.
	every pool in [
		eks_node_group(11, 3),
		resource("azurerm_kubernetes_cluster_node_pool.spot", "azurerm_kubernetes_cluster_node_pool", ["update"], {"max_count": 16, "node_count": 2}),
	] {
		unchanged := json.patch(pool, [{"op": "replace", "path": "/change/actions", "value": ["no-op"]}])
		decision(plan(experiment, "TRACKED", [unchanged])) == passes
	}
}

test_node_cap_comes_from_the_stacks_label if {
	capped := array.concat(experiment, ["max-nodes-per-cluster:6"])
	decision(plan(capped, "TRACKED", [eks_node_group(7, 3)])) == denied(over_a_cap("aws_eks_node_group.target", 7, 6))
	decision(plan(capped, "TRACKED", [eks_node_group(6, 3)])) == passes
}

test_node_cap_label_can_raise_the_cap_above_the_default if {
	raised := array.concat(experiment, ["max-nodes-per-cluster:20"])
	decision(plan(raised, "TRACKED", [eks_node_group(20, 3)])) == passes
	decision(plan(raised, "TRACKED", [eks_node_group(21, 3)])) == denied(over_a_cap("aws_eks_node_group.target", 21, 20))
}

test_smallest_node_cap_label_wins if {
	twice := array.concat(experiment, ["max-nodes-per-cluster:12", "max-nodes-per-cluster:8"])
	decision(plan(twice, "TRACKED", [eks_node_group(9, 3)])) == denied(over_a_cap("aws_eks_node_group.target", 9, 8))
}

test_default_node_cap_applies_without_a_label if {
	not "max-nodes-per-cluster:10" in experiment
	decision(plan(experiment, "TRACKED", [eks_node_group(11, 3)])) == denied(over_a_cap("aws_eks_node_group.target", 11, 10))
	decision(plan(experiment, "TRACKED", [eks_node_group(10, 3)])) == passes
}

test_malformed_node_cap_label_is_denied_naming_it if {
	every value in ["0", "-1", "ten", "", "1.5", "010", " 5", "5 ", "1e2"] {
		label := concat("", ["max-nodes-per-cluster:", value])
		decision(plan(array.concat(experiment, [label]), "TRACKED", [eks_node_group(4, 2)])) == denied(malformed(label, "a positive whole number of nodes"))
	}
}

test_malformed_node_cap_label_is_denied_beside_a_valid_one if {
	labels := array.concat(experiment, ["max-nodes-per-cluster:8", "max-nodes-per-cluster:eight"])
	decision(plan(labels, "TRACKED", [eks_node_group(9, 3)])) == {
		"deny": {
			malformed("max-nodes-per-cluster:eight", "a positive whole number of nodes"),
			over_a_cap("aws_eks_node_group.target", 9, 8),
		},
		"warn": set(),
	}
}

test_malformed_node_cap_label_is_denied_on_any_stack if {
	every labels in [foundation, management, []] {
		decision(plan(array.concat(labels, ["max-nodes-per-cluster:many"]), "TRACKED", [])) == denied(malformed("max-nodes-per-cluster:many", "a positive whole number of nodes"))
	}
}

test_node_cap_label_on_another_kind_of_stack_does_not_cap_it if {
	decision(plan(array.concat(foundation, ["max-nodes-per-cluster:2"]), "TRACKED", [eks_node_group(11, 3)])) == passes
}

# --- warnings: deletions on experiments ----------------------------------------------

test_experiment_deletions_warn_per_resource if {
	changes := [
		resource("azurerm_kubernetes_cluster.loadgen", "azurerm_kubernetes_cluster", ["delete"], null),
		resource("azurerm_kubernetes_cluster_node_pool.spot", "azurerm_kubernetes_cluster_node_pool", ["create", "delete"], {"max_count": 3}),
		resource("azurerm_role_assignment.kubelet", "azurerm_role_assignment", ["create"], {}),
	]
	decision(plan(experiment, "TRACKED", changes)) == {
		"deny": set(),
		"warn": {
			"azurerm_kubernetes_cluster.loadgen will be deleted",
			"azurerm_kubernetes_cluster_node_pool.spot will be replaced",
		},
	}
}

test_experiment_without_deletions_does_not_warn if {
	decision(plan(experiment, "TRACKED", [eks_node_group(4, 2)])) == passes
}

test_foundation_deletion_does_not_get_the_experiment_warning if {
	deleted := resource("azurerm_log_analytics_workspace.logs", "azurerm_log_analytics_workspace", ["delete"], null)
	decision(plan(foundation, "TRACKED", [deleted])) == passes
}

test_experiment_teardown_does_not_warn if {
	deleted := resource("azurerm_kubernetes_cluster.loadgen", "azurerm_kubernetes_cluster", ["delete"], null)
	decision(plan(experiment, "DESTROY", [deleted])) == passes
}

# --- warnings: large runs ------------------------------------------------------------

test_run_changing_26_resources_warns if {
	decision(plan(management, "TRACKED", created(26))) == {
		"deny": set(),
		"warn": {"this run changes 26 resources, more than 25; review the plan before confirming"},
	}
}

test_run_changing_25_resources_does_not_warn if {
	decision(plan(management, "TRACKED", created(25))) == passes
}

test_no_op_and_read_changes_do_not_count if {
	untouched := [resource(sprintf("aws_subnet.kept_%d", [i]), "aws_subnet", [action], {}) |
		some i in numbers.range(1, 10)
		some action in ["no-op", "read"]
	]
	decision(plan(foundation, "TRACKED", array.concat(created(25), untouched))) == passes
}

test_large_teardown_does_not_warn if {
	deleted := [resource(sprintf("aws_subnet.s%d", [i]), "aws_subnet", ["delete"], null) | some i in numbers.range(1, 30)]
	decision(plan(experiment, "DESTROY", deleted)) == passes
}

# --- where the plan is --------------------------------------------------------------

test_every_guardrail_reads_the_plan_under_either_vendor_key if {
	every key in plan_keys {
		decision(plan_under(key, foundation, "TRACKED", [resource("aws_vpc.main", "aws_vpc", ["delete"], null)])) == denied(network_kept("aws_vpc.main", "deleted"))
		decision(plan_under(key, experiment, "TRACKED", [eks_cluster(true, [])])) == denied(eks_without_cidrs("aws_eks_cluster.target"))
		decision(plan_under(key, experiment, "TRACKED", [eks_node_group(11, 3)])) == denied(over_the_cap("aws_eks_node_group.target", 11))
		decision(at_time(plan_under(key, management, "TRACKED", [scheduled_deletion(1795564800)]), now_ns)) == denied(expired("spacelift_scheduled_delete_stack.exp-old-aks"))
		decision(plan_under(key, experiment, "TRACKED", [resource("aws_subnet.a", "aws_subnet", ["delete"], null)])) == {"deny": set(), "warn": {"aws_subnet.a will be deleted"}}
		decision(plan_under(key, management, "TRACKED", created(26))) == {"deny": set(), "warn": {"this run changes 26 resources, more than 25; review the plan before confirming"}}
		decision(plan_under(key, experiment, "TRACKED", [eks_node_group(4, 2)])) == passes
	}
}

test_plan_without_a_plan_document_is_denied if {
	without_plan := {"spacelift": {"run": {"type": "TRACKED"}, "stack": {"labels": experiment}}}
	decision(without_plan) == denied(plan_not_found)
}

test_plan_that_is_not_an_object_is_denied if {
	every value in [null, "object - Terraform plan data (for Terraform stacks)", [], 1] {
		decision(object.union(plan(experiment, "TRACKED", []), {"terraform": value})) == denied(plan_not_found)
	}
}

test_plan_without_changes_under_either_key_passes if {
	every key in plan_keys {
		decision(plan_under(key, experiment, "TRACKED", [])) == passes
	}
}

test_plans_under_both_keys_are_both_checked if {
	document := object.union(
		plan_under("terraform", foundation, "TRACKED", [resource("aws_vpc.main", "aws_vpc", ["delete"], null)]),
		{"opentofu": {"resource_changes": [eks_cluster(true, [])]}},
	)
	decision(document) == {"deny": {network_kept("aws_vpc.main", "deleted"), eks_without_cidrs("aws_eks_cluster.target")}, "warn": set()}
}

# --- cost (Infracost) ----------------------------------------------------------------

test_experiment_over_its_budget_is_denied_naming_both_amounts if {
	decision(costed(budgeted("100"), totals("123.45", "90"))) == denied(over_budget("$123.45", "$100.00"))
}

test_experiment_within_or_at_its_budget_passes if {
	every cost in ["99.99", "100", "0", 100] {
		decision(costed(budgeted("100"), totals(cost, null))) == passes
	}
}

test_budget_may_have_decimals_and_the_smallest_budget_wins if {
	decision(costed(budgeted("99.50"), totals("99.51", null))) == denied(over_budget("$99.51", "$99.50"))
	twice := array.concat(budgeted("300"), ["max-monthly-usd:150"])
	decision(costed(twice, totals("200", null))) == denied(over_budget("$200.00", "$150.00"))
}

test_budget_applies_to_experiment_stacks_only if {
	every labels in [foundation, management] {
		decision(costed(array.concat(labels, ["max-monthly-usd:100"]), totals("5000", null))) == passes
	}
}

test_nothing_about_cost_fires_without_the_labels if {
	every report in [totals("5000", "1"), {}, {"totalMonthlyCost": "abc"}] {
		decision(costed(experiment, report)) == passes
	}
	decision(plan(experiment, "TRACKED", [])) == passes
}

test_projects_are_summed_when_the_report_has_no_total if {
	split := {"projects": [project("60", "60"), project("50.5", "50")]}
	decision(costed(budgeted("100"), split)) == denied(over_budget("$110.50", "$100.00"))
	decision(costed(budgeted("100"), object.union(split, {"totalMonthlyCost": null}))) == denied(over_budget("$110.50", "$100.00"))
}

test_the_reports_total_is_preferred_to_its_projects if {
	decision(costed(budgeted("100"), object.union(totals("10", null), {"projects": [project("500", "0")]}))) == passes
}

test_costs_given_as_numbers_are_read if {
	decision(costed(budgeted("100"), {"projects": [{"breakdown": {"totalMonthlyCost": 101.0}}]})) == denied(over_budget("$101.00", "$100.00"))
}

test_estimate_that_cannot_be_read_is_denied_on_a_budgeted_experiment if {
	every report, values in {
		totals("abc", null): ["abc"],
		totals("", null): [""],
		totals("1,204.96", null): ["1,204.96"],
		totals({"amount": 1}, null): [{"amount": 1}],
		{"projects": [project("60", null), {"breakdown": null}]}: ["60", null],
		{"projects": [project("60", null), "string"]}: ["60", null],
	} {
		decision(costed(budgeted("100"), report)) == denied(unreadable_budget(values, "$100.00"))
	}
}

test_estimate_that_cannot_be_read_warns_on_a_stack_labelled_infracost if {
	decision(costed(array.concat(foundation, ["infracost"]), totals("n/a", "10"))) == {
		"deny": set(),
		"warn": {"the Infracost estimate of the monthly cost cannot be read as an amount ([\"n/a\"]), so the monthly cost went unchecked"},
	}
}

test_cost_rise_above_the_default_percent_warns if {
	decision(costed(with_infracost(management), totals("130", "100"))) == warned(cost_rise("$100.00", "$130.00", "30.00", "25"))
	decision(costed(with_infracost(management), totals("125", "100"))) == passes
}

test_cost_rise_percent_comes_from_the_stacks_label if {
	labels := array.concat(with_infracost(management), ["warn-increase-percent:15", "warn-increase-percent:12.5"])
	decision(costed(labels, totals("112.5", "100"))) == passes
	decision(costed(labels, totals("112.51", "100"))) == warned(cost_rise("$100.00", "$112.51", "12.51", "12.5"))
	decision(costed(array.concat(with_infracost(management), ["warn-increase-percent:10"]), totals("110.01", "100"))) == warned(cost_rise("$100.00", "$110.01", "10.01", "10"))
	decision(costed(array.concat(with_infracost(management), ["warn-increase-percent:0"]), totals("100.01", "100"))) == warned(cost_rise("$100.00", "$100.01", "0.01", "0"))
}

test_past_cost_comes_from_the_projects_when_the_report_has_no_past_total if {
	report := {"projects": [project("90", "40"), project("60", "60")]}
	decision(costed(with_infracost(management), report)) == warned(cost_rise("$100.00", "$150.00", "50.00", "25"))
}

test_no_past_cost_means_nothing_to_compare if {
	every report in [
		totals("500", "0"),
		totals("500", null),
		{"totalMonthlyCost": "500"},
		totals("500", "unknown"),
		{"projects": [{"breakdown": {"totalMonthlyCost": "500"}, "pastBreakdown": null}]},
	] {
		decision(costed(with_infracost(management), report)) == passes
	}
}

test_cost_rise_is_not_checked_without_the_infracost_label if {
	decision(costed(management, totals("1000", "1"))) == passes
}

test_a_budget_still_applies_when_the_past_cost_is_zero if {
	decision(costed(with_infracost(budgeted("100")), totals("150", "0"))) == denied(over_budget("$150.00", "$100.00"))
}

test_budget_and_cost_rise_fire_together if {
	decision(costed(with_infracost(budgeted("100")), totals("150", "100"))) == {
		"deny": {over_budget("$150.00", "$100.00")},
		"warn": {cost_rise("$100.00", "$150.00", "50.00", "25")},
	}
}

test_missing_estimate_warns_on_a_stack_labelled_infracost_or_budgeted if {
	every metadata in [null, {}, {"infracost": null}, {"infracost": {}}, {"infracost": {"projects": []}}, {"infracost": {"totalMonthlyCost": null, "projects": []}}, "string"] {
		every labels in [with_infracost(foundation), budgeted("100")] {
			document := object.union(plan(labels, "TRACKED", []), {"third_party_metadata": metadata})
			decision(document) == warned(no_estimate)
		}
	}
	decision(plan(with_infracost(experiment), "TRACKED", [])) == warned(no_estimate)
}

test_malformed_cost_labels_are_denied_naming_them if {
	every value in ["0", "0.0", "-5", "abc", "1e3", "$100", "00.5", "100 ", ""] {
		label := concat("", ["max-monthly-usd:", value])
		decision(plan(array.concat(experiment, [label]), "TRACKED", [])) == denied(malformed(label, "a positive amount of US dollars, such as 150 or 99.50"))
	}
	every value in ["-1", "abc", "25%", "1e2", "07"] {
		label := concat("", ["warn-increase-percent:", value])
		decision(plan(array.concat(management, [label]), "TRACKED", [])) == denied(malformed(label, "a percentage of 0 or more, such as 25 or 12.5"))
	}
}

test_small_budgets_are_well_formed if {
	every value in ["0.5", "0.01", "1", "150", "99.50"] {
		decision(plan(array.concat(experiment, [concat("", ["max-monthly-usd:", value])]), "TRACKED", [])).deny == set()
	}
}

# --- doubtful input ------------------------------------------------------------------

test_resource_changes_that_are_not_a_list_are_denied if {
	every key in plan_keys {
		every changes in ["string", {"a": resource("x.y", "aws_vpc", ["delete"], null)}, 1] {
			document := plan_under(key, experiment, "TRACKED", changes)
			decision(document) == denied(sprintf("input.%s.resource_changes is not a list, so no guardrail could check this run", [key]))
		}
	}
}

test_plan_without_resource_changes_has_none if {
	# OpenTofu leaves resource_changes out of a plan without changes.
	every plan_document in [{}, {"resource_changes": null}, {"terraform_version": "1.11.14"}] {
		decision(object.union(plan(experiment, "TRACKED", []), {"terraform": plan_document})) == passes
	}
}

test_resource_change_that_cannot_be_read_is_denied_naming_its_place if {
	every changed in [
		"aws_vpc.main",
		{"address": "aws_vpc.main", "type": "aws_vpc"},
		{"address": "aws_vpc.main", "type": "aws_vpc", "change": {"actions": []}},
		{"address": "aws_vpc.main", "type": "aws_vpc", "change": {"actions": "delete"}},
		{"address": "aws_vpc.main", "type": "aws_vpc", "change": {"actions": ["string - create, update, delete or no-op"]}},
		{"address": "aws_vpc.main", "type": "aws_vpc", "change": {"actions": ["destroy"]}},
		{"address": 7, "type": "aws_vpc", "change": {"actions": ["delete"]}},
		{"address": "aws_vpc.main", "change": {"actions": ["delete"]}},
	] {
		document := plan_under("opentofu", foundation, "TRACKED", [resource("aws_subnet.a", "aws_subnet", ["create"], {}), changed])
		decision(document) == denied("input.opentofu.resource_changes[1] could not be read, so no guardrail could check this run")
	}
}

test_every_action_a_json_plan_lists_is_read if {
	every actions in [["no-op"], ["create"], ["read"], ["update"], ["delete", "create"], ["create", "delete"], ["delete"], ["forget"], ["forget", "create"]] {
		document := plan(management, "TRACKED", [resource("aws_iam_role.x", "aws_iam_role", actions, {})])
		decision(document).deny == set()
	}
}

test_stack_labels_that_cannot_be_read_are_denied if {
	every labels in [null, "string - list of arbitrary, user-defined selectors", ["experiment", 1], {"experiment": true}] {
		document := json.patch(plan(experiment, "TRACKED", []), [{"op": "replace", "path": "/spacelift/stack/labels", "value": labels}])
		decision(document) == denied(labels_unreadable)
	}
	decision(object.remove(plan(experiment, "TRACKED", []), ["spacelift"])) == denied(labels_unreadable)
}

test_empty_stack_labels_are_read if {
	decision(plan([], "TRACKED", [eks_node_group(11, 3)])) == passes
}

test_eks_vpc_config_that_is_not_an_object_is_treated_as_public if {
	odd := resource("aws_eks_cluster.target", "aws_eks_cluster", ["create"], {"vpc_config": ["public"]})
	decision(plan(experiment, "TRACKED", [odd])) == denied(eks_without_cidrs("aws_eks_cluster.target"))
}

test_placeholder_documents_are_denied_without_errors if {
	every document in [
		{},
		{"terraform": "object - Terraform plan data (for Terraform stacks)", "spacelift": "string"},
		{"spacelift": {"run": {"type": "TRACKED"}}, "terraform": {"resource_changes": [{"change": {"actions": ["delete"]}}]}},
		{"third_party_metadata": "object - Third-party metadata (e.g., Infracost reports)"},
	] {
		count(spacelift.deny) > 0 with input as document
	}
}

# --- inputs --------------------------------------------------------------------------

experiment := ["experiment", "aws", "experiment:multi-cloud-demo"]

foundation := ["foundation", "aws"]

management := ["management"]

network_types := ["azurerm_virtual_network", "azurerm_subnet", "aws_vpc", "aws_subnet", "aws_route_table", "aws_nat_gateway"]

plan(labels, run_type, changes) := plan_under("terraform", labels, run_type, changes)

# A plan input with the plan under `key`: "terraform" or "opentofu", by the stack's vendor.
plan_under(key, labels, run_type, changes) := {
	"spacelift": {
		"run": {"type": run_type, "drift_detection": false, "changes": []},
		"stack": {"labels": labels},
	},
	key: {"resource_changes": changes},
}

plan_keys := ["terraform", "opentofu"]

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

# The messages a plan policy decision is made of.
network_kept(address, how) := sprintf("%s would be %s: foundation networks are never deleted or replaced, because experiment clusters run in them", [address, how])

expired(address) := sprintf("%s: the experiment expired (its deletion time has passed); remove its folder under experiments/ or move its expires date instead of recreating its stack", [address])

open_range(address, attribute, cidr) := sprintf("%s: %s contains %s, which opens the Kubernetes API server to the whole internet; list your office or VPN egress CIDRs instead", [address, attribute, cidr])

aks_without_ranges(address) := sprintf("%s: the API server is public and has no authorized_ip_ranges, so the whole internet can reach it; list your office or VPN egress CIDRs, or set private_cluster_enabled", [address])

eks_without_cidrs(address) := sprintf("%s: the public endpoint has no public_access_cidrs (or they are unknown until apply), and AWS then allows 0.0.0.0/0; list your office or VPN egress CIDRs, or set endpoint_public_access to false", [address])

over_the_cap(address, size) := over_a_cap(address, size, 10)

over_a_cap(address, size, cap) := sprintf("%s: the node pool can grow to %d nodes, above the lab's cost cap of %d; lower nodes or max_nodes in the experiment's cluster.yaml", [address, size, cap])

malformed(label, expects) := sprintf("stack label %q should hold %s; the management stack sets it from lab.yaml", [label, expects])

plan_not_found := "the plan could not be found under input.terraform or input.opentofu, so no guardrail could check this run"

# A plan with an Infracost report in its third-party metadata.
costed(labels, report) := object.union(plan(labels, "TRACKED", []), {"third_party_metadata": {"infracost": report}})

# A report with top-level monthly totals (null: not given) and no projects.
totals(current, past) := {"totalMonthlyCost": current, "pastTotalMonthlyCost": past, "projects": []}

project(current, past) := {
	"breakdown": {"totalMonthlyCost": current},
	"pastBreakdown": {"totalMonthlyCost": past},
}

budgeted(amount) := array.concat(experiment, [concat("", ["max-monthly-usd:", amount])])

with_infracost(labels) := array.concat(labels, ["infracost"])

over_budget(cost, budget) := sprintf("the estimated monthly cost is %s, above this experiment's budget of %s (stack label max-monthly-usd); make its clusters smaller or fewer", [cost, budget])

# `values` are the ones the estimate was read from.
unreadable_budget(values, budget) := sprintf("the Infracost estimate of the monthly cost cannot be read as an amount (%v), so this experiment's budget of %s cannot be checked", [values, budget])

cost_rise(past, current, percent, threshold) := sprintf("the estimated monthly cost rises from %s to %s (+%s%%), more than the %s%% this stack takes without a second look", [past, current, percent, threshold])

no_estimate := "the plan input has no Infracost estimate (third_party_metadata.infracost), so the monthly cost went unchecked; check the stack's INFRACOST_API_KEY and the Infracost messages of its initialization phase"

warned(message) := {"deny": set(), "warn": {message}}

labels_unreadable := "input.spacelift.stack.labels is not a list of strings, so no guardrail could check this run"

# The decision of a plan that is denied for exactly one reason and warns of nothing.
denied(message) := {"deny": {message}, "warn": set()}

# Both halves of the policy's decision: what Spacelift denies and what it warns about.
decision(document) := {"deny": denials(document), "warn": warnings(document)}

denials(document) := messages if {
	messages := spacelift.deny with input as document
}

warnings(document) := messages if {
	messages := spacelift.warn with input as document
}
