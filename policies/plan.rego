# METADATA
# title: Plan guardrails
# description: >-
#   Checks every plan against the lab's guardrails. Foundation networks stay, no
#   Kubernetes API server is open to the internet, experiment node pools stay under the
#   node cap, and experiments stay within their monthly budget by the Infracost
#   estimate; the management stack sets the limits through stack labels. Deletions on
#   experiments, large runs and steep cost rises produce a warning, which makes an
#   autodeploy stack wait for someone to confirm. Values are compared in plain text
#   because the management stack enables smart sanitization on every stack. The plan is
#   read from input.terraform or input.opentofu, whichever the stack's vendor fills in;
#   a plan or stack the guardrails cannot read is denied, not waved through.
# custom:
#   spacelift:
#     type: PLAN
#     autoattach: ["*"]
package spacelift

import rego.v1

# The node cap when the stack has no max-nodes-per-cluster label: lab.yaml's default for
# limits.max_nodes_per_cluster (DEFAULT_MAX_NODES_PER_CLUSTER in lab/config.py; a test
# compares the two).
default_max_nodes_per_cluster := 10

# A run changing more resources than this gets a second look.
large_run_threshold := 25

# What every experiment cluster runs in: deleting or replacing one strands them.
foundation_network_types := {
	"azurerm_virtual_network",
	"azurerm_subnet",
	"aws_vpc",
	"aws_subnet",
	"aws_route_table",
	"aws_nat_gateway",
}

# --- decisions ---------------------------------------------------------------------

# METADATA
# title: Foundation networks are not deleted
# description: >-
#   On a foundation stack, the plan deletes or replaces a virtual network, subnet, VPC,
#   route table or NAT gateway. This applies to previews, tracked runs and drift
#   detection. A DESTROY run (a deliberate teardown, which the approval policy holds for
#   independent approvals) is exempt.
# custom:
#   outcome: deny (the run fails), naming the resource address
deny contains msg if {
	foundation_stack
	not destroy_run
	some change in resource_changes
	change.type in foundation_network_types
	"delete" in change.change.actions
	msg := sprintf(
		"%s would be %s: foundation networks are never deleted or replaced, because experiment clusters run in them",
		[change.address, deleted_or_replaced(change)],
	)
}

# METADATA
# title: No Kubernetes API server is open to the internet
# description: >-
#   A cluster being created or updated accepts API traffic from anywhere. That is an AKS
#   authorized IP range or EKS public access CIDR with prefix length 0 (0.0.0.0/0,
#   ::/0), a public AKS cluster without authorized IP ranges, or a public EKS endpoint
#   without public_access_cidrs (AWS then allows 0.0.0.0/0). This applies on every
#   stack.
# custom:
#   outcome: deny (the run fails), naming the cluster address
deny contains msg if {
	some exposure in api_server_exposures
	msg := sprintf("%s: %s", [exposure.address, exposure.reason])
}

# METADATA
# title: Experiment node pools stay under the node cap
# description: >-
#   On an experiment stack, a node pool being created or updated can grow beyond the
#   stack's node cap. The cap is the smallest max-nodes-per-cluster:<n> label on the stack,
#   which the management stack sets from lab.yaml's limits.max_nodes_per_cluster; a stack
#   without that label gets lab.yaml's default. For AKS (the default pool or an extra pool)
#   the size is the larger of max_count and node_count; for an EKS node group, the larger
#   of max_size and desired_size. The cap applies per pool.
# custom:
#   outcome: deny (the run fails), naming the pool address, its size and the cap
deny contains msg if {
	experiment_stack
	some change in resource_changes
	planned(change)
	size := pool_size(change)
	size > max_nodes_per_cluster
	msg := sprintf(
		"%s: the node pool can grow to %v nodes, above the lab's cost cap of %v; lower nodes or max_nodes in the experiment's cluster.yaml",
		[change.address, size, max_nodes_per_cluster],
	)
}

# METADATA
# title: Experiment deletions get a second look
# description: >-
#   On an experiment stack, the plan deletes or replaces a resource (one warning per
#   resource). On an autodeploy stack the run then waits for confirmation, and the
#   approval policy asks for one approval. A DESTROY run (the experiment's teardown)
#   does not warn.
# custom:
#   outcome: warn (the run waits for confirmation)
warn contains msg if {
	experiment_stack
	not destroy_run
	some change in resource_changes
	"delete" in change.change.actions
	msg := sprintf("%s will be %s", [change.address, deleted_or_replaced(change)])
}

# METADATA
# title: Large runs get a second look
# description: >-
#   On any stack, the plan creates, updates, deletes or replaces more than 25 resources.
#   no-op and read actions do not count. A DESTROY run does not warn.
# custom:
#   outcome: warn (the run waits for confirmation)
warn contains msg if {
	not destroy_run
	count(changing_resources) > large_run_threshold
	msg := sprintf(
		"this run changes %d resources, more than %d; review the plan before confirming",
		[count(changing_resources), large_run_threshold],
	)
}

# METADATA
# title: Expired experiments are not brought back
# description: >-
#   On the management stack, the plan creates a scheduled deletion whose time has
#   already passed. The experiment expired and Spacelift deleted its stack with its
#   clusters; applying would create the stack again and its next run would rebuild the
#   clusters. Remove the experiment's folder (or move its expires date) instead.
# custom:
#   outcome: deny (the run fails), naming the expired stack
deny contains msg if {
	management_stack
	some change in resource_changes
	change.type == "spacelift_scheduled_delete_stack"
	"create" in change.change.actions
	is_number(change.change.after.at)
	change.change.after.at * 1000000000 <= input.spacelift.request.timestamp_ns
	msg := sprintf(
		"%s: the experiment expired (its deletion time has passed); remove its folder under experiments/ or move its expires date instead of recreating its stack",
		[change.address],
	)
}

# METADATA
# title: Experiments stay within their monthly budget
# description: >-
#   On an experiment stack with a max-monthly-usd:<amount> label (the smallest wins if
#   there are several), the Infracost estimate of the monthly cost is above that amount.
#   The estimate is the report's totalMonthlyCost, or the sum of its projects' when the
#   report has no total. An estimate that is there but cannot be read as an amount is
#   denied too: the budget cannot be checked. Without the label nothing is checked; a
#   missing estimate warns (below).
# custom:
#   outcome: deny (the run fails), naming the estimate and the budget in dollars
deny contains msg if {
	some msg in budget_problems
}

# METADATA
# title: Cost increases get a second look
# description: >-
#   On a stack labelled infracost, the estimated monthly cost rises by more than the
#   stack's warn-increase-percent:<n> label (the smallest wins; 25 without one) over the
#   past estimate: the report's pastTotalMonthlyCost, or the sum of its projects'
#   pastBreakdown totals. Without a past cost, or with a past cost of 0 (a new stack),
#   there is nothing to compare and this does not warn.
# custom:
#   outcome: warn (the run waits for confirmation), naming both costs and the increase
warn contains msg if {
	"infracost" in stack_labels
	past := monthly_cost("past")
	past > 0
	current := monthly_cost("current")
	increase := ((current - past) / past) * 100
	increase > warn_increase_percent
	msg := sprintf(
		"the estimated monthly cost rises from %s to %s (+%s%%), more than the %v%% this stack takes without a second look",
		[usd(past), usd(current), two_decimals(increase), warn_increase_percent],
	)
}

# METADATA
# title: A missing cost estimate is reported
# description: >-
#   The stack is labelled infracost, or is an experiment with a max-monthly-usd budget,
#   but the plan input has no Infracost estimate: no third_party_metadata.infracost, or
#   one with neither a total nor projects. The integration is misconfigured or did not
#   run (a failed Infracost step fails the run unless INFRACOST_WARN_ON_FAILURE is true,
#   as the management stack's infracost context sets it), so the cost went unchecked. An
#   estimate that cannot be read as an amount warns the same way where no budget denies
#   it.
# custom:
#   outcome: warn (the run waits for confirmation), saying what is missing
warn contains msg if {
	cost_checked_stack
	some msg in estimate_problems
}

# METADATA
# title: The plan and the stack can be read
# description: >-
#   The guardrails cannot read what they check, so the run is not let through unchecked.
#   Neither input.terraform (the Terraform vendor's key) nor input.opentofu (the key the
#   native OpenTofu vendor is expected to use; no Spacelift source names it) holds a plan
#   object; or a plan's resource_changes is not a list; or an entry of it lacks a string
#   address or type, or has change.actions that are not a non-empty list of known actions
#   (no-op, create, read, update, delete, forget); or
#   input.spacelift.stack.labels is not a list of strings, so the policy cannot tell
#   which guardrails apply.
# custom:
#   outcome: deny (the run fails), saying what could not be read
deny contains msg if {
	some problem in unreadable_input
	msg := sprintf("%s, so no guardrail could check this run", [problem])
}

# METADATA
# title: The lab's stack labels are well-formed
# description: >-
#   A max-nodes-per-cluster:<n> label on the stack does not hold a positive whole number,
#   a max-monthly-usd:<amount> label a positive amount, or a warn-increase-percent:<n>
#   label a percentage of 0 or more. The management stack writes them from lab.yaml, so
#   a malformed one is a bug there; the policy names the label rather than guess a
#   limit. This applies on every stack.
# custom:
#   outcome: deny (the run fails), naming the label and what it should hold
deny contains msg if {
	some problem in malformed_labels
	msg := sprintf(
		"stack label %q should hold %s; the management stack sets it from lab.yaml",
		[problem.label, problem.expects],
	)
}

# --- the plan ----------------------------------------------------------------------

# Plan input carries one key per vendor: docs/snippets/plan_input.json lists ansible,
# cloudformation, kubernetes, pulumi, terraform and terragrunt
# (spacelift-io/user-documentation 6e9746fefd4ef10fc7c4b68567356a98d3c07c56). The lab's
# stacks use the native OpenTofu vendor, which that snapshot predates; its key is
# presumably "opentofu", like the provider's opentofu block and GraphQL's
# vendorConfig.opentofu. Both keys are read, so each rule holds whichever one is used.
plan_keys := ["terraform", "opentofu"]

plans contains plan if {
	some key in plan_keys
	plan := input[key]
	is_object(plan)
}

# Every planned resource change the guardrails can read, from whichever plan is present;
# the others are denied as unreadable (see unreadable_input). A plan without changes may
# leave resource_changes out: OpenTofu's JSON plan marks it omitempty
# (opentofu/opentofu f831fa1aa4b90cdbdb1e0b5a8d5815f9e74646a5,
# internal/command/jsonplan/plan.go line 65).
resource_changes contains change if {
	some plan in plans
	is_array(plan.resource_changes)
	some change in plan.resource_changes
	readable_change(change)
}

# The actions a JSON plan can list for a change (same file, lines 91-99 and
# actionString): a replacement lists delete and create in either order, and forget
# may precede a create. Anything else is a change the guardrails cannot judge.
known_actions := {"no-op", "create", "read", "update", "delete", "forget"}

readable_change(change) if {
	is_string(change.address)
	is_string(change.type)
	is_array(change.change.actions)
	count(change.change.actions) > 0
	every action in change.change.actions {
		action in known_actions
	}
}

# What the guardrails cannot read, each as the start of a sentence.
unreadable_input contains "the plan could not be found under input.terraform or input.opentofu" if {
	count(plans) == 0
}

unreadable_input contains sprintf("input.%s.resource_changes is not a list", [key]) if {
	some key in plan_keys
	is_object(input[key])
	changes := object.get(input[key], "resource_changes", null)
	changes != null
	not is_array(changes)
}

unreadable_input contains sprintf("input.%s.resource_changes[%d] could not be read", [key, i]) if {
	some key in plan_keys
	is_array(input[key].resource_changes)
	some i, change in input[key].resource_changes
	not readable_change(change)
}

unreadable_input contains "input.spacelift.stack.labels is not a list of strings" if {
	not readable_labels
}

readable_labels if {
	is_array(input.spacelift.stack.labels)
	every label in input.spacelift.stack.labels {
		is_string(label)
	}
}

# --- the stack and the run ---------------------------------------------------------

management_stack if "management" in stack_labels

foundation_stack if "foundation" in stack_labels

# A stack labelled both ways (a mistake) gets both sets of rules: the stricter outcome.
experiment_stack if "experiment" in stack_labels

destroy_run if input.spacelift.run.type == "DESTROY"

# --- limits from stack labels ------------------------------------------------------

# The labels whose "<name>:<value>" form carries a limit from lab.yaml, and the values
# each accepts. The patterns are JSON number literals without a sign or exponent, so
# to_number never fails on a value that matches.
limit_labels := {
	"max-nodes-per-cluster": {
		"pattern": `^[1-9][0-9]*$`,
		"expects": "a positive whole number of nodes",
	},
	"max-monthly-usd": {
		"pattern": `^([1-9][0-9]*(\.[0-9]+)?|0\.[0-9]*[1-9][0-9]*)$`,
		"expects": "a positive amount of US dollars, such as 150 or 99.50",
	},
	"warn-increase-percent": {
		"pattern": `^(0|[1-9][0-9]*)(\.[0-9]+)?$`,
		"expects": "a percentage of 0 or more, such as 25 or 12.5",
	},
}

# The stack's labels that are strings (a label list with anything else in it is not
# Spacelift's).
stack_labels contains label if {
	some label in input.spacelift.stack.labels
	is_string(label)
}

# The values of the stack's "<name>:<value>" labels, each with its label.
label_values(name) := {label: substring(label, count(prefix), -1) |
	some label in stack_labels
	startswith(label, prefix)
} if prefix := concat("", [name, ":"])

# The numbers the valid labels called `name` hold.
label_numbers(name) := {to_number(value) |
	some value in label_values(name)
	regex.match(limit_labels[name].pattern, value)
}

malformed_labels contains {"label": label, "expects": spec.expects} if {
	some name, spec in limit_labels
	some label, value in label_values(name)
	not regex.match(spec.pattern, value)
}

# The node cap: the smallest valid max-nodes-per-cluster label (the strictest wins if the
# stack has several), else lab.yaml's default.
max_nodes_per_cluster := min(label_numbers("max-nodes-per-cluster")) if {
	count(label_numbers("max-nodes-per-cluster")) > 0
} else := default_max_nodes_per_cluster

# --- resource changes --------------------------------------------------------------

planned(change) if "create" in change.change.actions

planned(change) if "update" in change.change.actions

deleted_or_replaced(change) := "replaced" if "create" in change.change.actions
else := "deleted"

changing_resources contains change.address if {
	some change in resource_changes
	some action in change.change.actions
	not action in {"no-op", "read"}
}

# --- API server exposure -----------------------------------------------------------

api_server_exposures contains {"address": change.address, "reason": reason} if {
	some change in resource_changes
	change.type == "azurerm_kubernetes_cluster"
	planned(change)
	some cidr in aks_authorized_ranges(change.change.after)
	whole_internet(cidr)
	reason := sprintf(
		"authorized_ip_ranges contains %s, which opens the Kubernetes API server to the whole internet; list your office or VPN egress CIDRs instead",
		[cidr],
	)
}

api_server_exposures contains {"address": change.address, "reason": reason} if {
	some change in resource_changes
	change.type == "azurerm_kubernetes_cluster"
	planned(change)
	not change.change.after.private_cluster_enabled
	count(aks_authorized_ranges(change.change.after)) == 0
	reason := "the API server is public and has no authorized_ip_ranges, so the whole internet can reach it; list your office or VPN egress CIDRs, or set private_cluster_enabled"
}

api_server_exposures contains {"address": change.address, "reason": reason} if {
	some change in resource_changes
	change.type == "aws_eks_cluster"
	planned(change)
	vpc := change.change.after.vpc_config[0]
	eks_public_endpoint(vpc)
	some cidr in eks_public_access_cidrs(vpc)
	whole_internet(cidr)
	reason := sprintf(
		"public_access_cidrs contains %s, which opens the Kubernetes API server to the whole internet; list your office or VPN egress CIDRs instead",
		[cidr],
	)
}

api_server_exposures contains {"address": change.address, "reason": reason} if {
	some change in resource_changes
	change.type == "aws_eks_cluster"
	planned(change)
	vpc := change.change.after.vpc_config[0]
	eks_public_endpoint(vpc)
	count(eks_public_access_cidrs(vpc)) == 0
	reason := "the public endpoint has no public_access_cidrs (or they are unknown until apply), and AWS then allows 0.0.0.0/0; list your office or VPN egress CIDRs, or set endpoint_public_access to false"
}

aks_authorized_ranges(after) := ranges if {
	ranges := after.api_server_access_profile[0].authorized_ip_ranges
	is_array(ranges)
} else := []

# The AWS default is a public endpoint, so only an explicit false makes it private (a
# reference, not object.get: a vpc_config that is not an object is then public too).
eks_public_endpoint(vpc) if not vpc.endpoint_public_access == false

eks_public_access_cidrs(vpc) := cidrs if {
	cidrs := vpc.public_access_cidrs
	is_array(cidrs)
} else := []

# Any prefix of length 0 covers its whole address family.
whole_internet(cidr) if {
	is_string(cidr)
	regex.match(`/0+$`, trim_space(cidr))
}

# --- node pool size ----------------------------------------------------------------

pool_size(change) := max(numbers(change.change.after.default_node_pool[0], {"max_count", "node_count"})) if {
	change.type == "azurerm_kubernetes_cluster"
}

pool_size(change) := max(numbers(change.change.after, {"max_count", "node_count"})) if {
	change.type == "azurerm_kubernetes_cluster_node_pool"
}

pool_size(change) := max(numbers(change.change.after.scaling_config[0], {"max_size", "desired_size"})) if {
	change.type == "aws_eks_node_group"
}

# The numeric values of some keys of an object; unset (null) and unknown ones are skipped.
numbers(attributes, keys) := {value |
	some key in keys
	value := attributes[key]
	is_number(value)
}

# --- cost (Infracost) --------------------------------------------------------------

# Spacelift passes the Infracost breakdown report to plan policies as
# third_party_metadata.infracost, on stacks labelled infracost
# (spacelift-io/user-documentation 6e9746fefd4ef10fc7c4b68567356a98d3c07c56,
# docs/vendors/terraform/infracost.md, "Plan Policies").
infracost := report if {
	report := input.third_party_metadata.infracost
	is_object(report)
}

# The warn-increase-percent default, for a stack without the label.
default_warn_increase_percent := 25

warn_increase_percent := min(label_numbers("warn-increase-percent")) if {
	count(label_numbers("warn-increase-percent")) > 0
} else := default_warn_increase_percent

monthly_budget := min(label_numbers("max-monthly-usd")) if {
	count(label_numbers("max-monthly-usd")) > 0
}

# Stacks whose cost is meant to be checked: the infracost label turns the integration
# on, and a budget needs an estimate to be checked against.
cost_checked_stack if "infracost" in stack_labels

cost_checked_stack if experiment_budget

# Where the report keeps each monthly total: at the top (Root.TotalMonthlyCost and
# Root.PastTotalMonthlyCost) and in each project's breakdown and pastBreakdown
# (infracost/infracost 95ba4f49a7abf5567b04f751a115543281a4ab18, internal/output/output.go:
# Root at line 24, Project's pastBreakdown and breakdown at 66-67, Breakdown at 265).
# All are pointers without omitempty, so any of them may be null.
total_fields := {
	"current": {"total": "totalMonthlyCost", "breakdown": "breakdown"},
	"past": {"total": "pastTotalMonthlyCost", "breakdown": "pastBreakdown"},
}

# The values a monthly total is read from: the report's own total when it has one, else
# each project's (a project without one gives null, which is not an amount).
cost_fields(when) := [infracost[field.total]] if {
	field := total_fields[when]
	infracost[field.total] != null
} else := [project_total(project, total_fields[when].breakdown) | some project in report_projects]

report_projects := infracost.projects if is_array(infracost.projects)
else := []

project_total(project, breakdown) := project[breakdown].totalMonthlyCost if {
	is_object(project[breakdown])
} else := null

# A cost as Infracost writes it, a decimal string (its decimal.Decimal marshals to one),
# or as a number (the example library's mocks); undefined for anything else, so that
# to_number never sees a string it cannot parse.
amount(value) := to_number(value) if {
	is_string(value)
	regex.match(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?$`, value)
}

amount(value) := value if is_number(value)

# The monthly total, when every value it is made of reads as an amount.
monthly_cost(when) := sum([amount(value) | some value in cost_fields(when)]) if {
	count(cost_fields(when)) > 0
	every value in cost_fields(when) {
		is_number(amount(value))
	}
}

estimate_missing if count(cost_fields("current")) == 0

estimate_unreadable if {
	not estimate_missing
	not estimate_read
}

# A separate rule, because `not is_number(monthly_cost("current"))` is not true when
# monthly_cost is undefined: OPA does not negate a built-in call whose argument is
# undefined (checked on the engine the tests use).
estimate_read if is_number(monthly_cost("current"))

budget_problems contains msg if {
	experiment_stack
	budget := monthly_budget
	cost := monthly_cost("current")
	cost > budget
	msg := sprintf(
		"the estimated monthly cost is %s, above this experiment's budget of %s (stack label max-monthly-usd); make its clusters smaller or fewer",
		[usd(cost), usd(budget)],
	)
}

budget_problems contains msg if {
	experiment_stack
	budget := monthly_budget
	estimate_unreadable
	msg := sprintf(
		"the Infracost estimate of the monthly cost cannot be read as an amount (%v), so this experiment's budget of %s cannot be checked",
		[cost_fields("current"), usd(budget)],
	)
}

estimate_problems contains "the plan input has no Infracost estimate (third_party_metadata.infracost), so the monthly cost went unchecked; check the stack's INFRACOST_API_KEY and the Infracost messages of its initialization phase" if {
	estimate_missing
}

# With a budget, an unreadable estimate is denied instead (budget_problems).
estimate_problems contains msg if {
	estimate_unreadable
	not experiment_budget
	msg := sprintf(
		"the Infracost estimate of the monthly cost cannot be read as an amount (%v), so the monthly cost went unchecked",
		[cost_fields("current")],
	)
}

experiment_budget if {
	experiment_stack
	is_number(monthly_budget)
}

# Dollars as the messages show them, e.g. $123.45.
usd(dollars) := concat("", ["$", two_decimals(dollars)])

# A non-negative number with two decimals, e.g. 30.00. Spelled out with %d because OPA
# hands a whole number to sprintf's %f as an integer, which Go then cannot format.
two_decimals(x) := sprintf("%d.%02d", [floor(hundredths / 100), hundredths % 100]) if {
	hundredths := round(x * 100)
}
