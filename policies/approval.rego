# METADATA
# title: Run approval
# description: >-
#   Decides which runs go ahead without a human and how many reviews the others need.
#   Experiments run freely unless a tracked plan deletes or replaces a resource; their
#   teardowns proceed. Foundation and management stacks need a reviewer other than the
#   person who started the run. A stack without the experiment label is treated as
#   protected. In a one-person lab (lab.yaml spacelift.self_approval: true) the person who
#   started a run may approve it, and one approval is enough wherever several are asked for.
# custom:
#   spacelift:
#     type: APPROVAL
#     autoattach: ["*"]
package spacelift

import rego.v1

# Whether the person who started a run may approve it. The repository file leaves it
# false. When lab.yaml has spacelift.self_approval: true, the management stack appends
# `self_approval := true` to the body it uploads, for a lab one person runs alone.
default self_approval := false

# --- decisions ---------------------------------------------------------------------

# METADATA
# title: Previews are never held
# description: >-
#   The run is PROPOSED: a pull-request preview, or a drift detection check.
#   This applies in every state and on every stack. A proposed run cannot change
#   infrastructure.
# custom:
#   outcome: approve
approve if input.run.type == "PROPOSED"

# METADATA
# title: Queued runs start
# description: >-
#   The run is QUEUED (not planned yet) and is not a task or DESTROY run on a
#   protected stack. Tracked runs plan first and are reviewed when they await
#   confirmation.
# custom:
#   outcome: approve
approve if {
	input.run.state == "QUEUED"
	not held_in_queue
}

# METADATA
# title: Protected tasks and teardowns need another person
# description: >-
#   A task (in any state) or a queued DESTROY run on a foundation or management stack
#   has an approval from someone other than the person who triggered it (or from
#   anyone, with self-approval on). The task command or teardown runs before anyone sees
#   a plan, so it is reviewed up front.
# custom:
#   outcome: approve
approve if {
	held_in_queue
	count(independent_approvers) >= 1
}

# METADATA
# title: Experiment plans without deletions apply
# description: >-
#   A TRACKED or DESTROY run on an experiment stack has planned (any state after
#   QUEUED) and deletes or replaces no resource. Deleted outputs do not count.
# custom:
#   outcome: approve
approve if {
	experiment_stack
	deployment_run
	input.run.state != "QUEUED"
	not deletes_resources
}

# METADATA
# title: Experiment deletions need one approval
# description: >-
#   A TRACKED run on an experiment stack has planned to delete or replace resources, and
#   someone approved it. The approval may come from the person who triggered the run, because
#   an experiment is that person's sandbox.
# custom:
#   outcome: approve
approve if {
	experiment_stack
	input.run.type == "TRACKED"
	input.run.state != "QUEUED"
	deletes_resources
	count(approvers) >= 1
}

# METADATA
# title: Experiment teardowns proceed
# description: >-
#   A DESTROY run on an experiment stack has planned. Only its stack destructor (the
#   experiment was removed from the code) or its scheduled deletion (the reviewed
#   expires date passed) start one, so the decision was already reviewed and expiry
#   stays hands-off.
# custom:
#   outcome: approve
approve if {
	experiment_stack
	input.run.type == "DESTROY"
	input.run.state != "QUEUED"
}

# METADATA
# title: Protected plans need independent approval
# description: >-
#   A TRACKED or DESTROY run on a foundation or management stack has planned (any
#   state after QUEUED). It needs approvals from people other than the one who
#   triggered it, authored its commit or created it: one approval, or two when a
#   foundation plan deletes or replaces a resource. With self-approval on, one approval
#   from anyone, the run's author included, is enough. Only approvals given in the
#   current state count, so an approval from before the plan does not carry over.
# custom:
#   outcome: approve
approve if {
	protected_stack
	deployment_run
	input.run.state != "QUEUED"
	count(independent_approvers) >= required_independent_approvals
}

# METADATA
# title: Any rejection rejects
# description: >-
#   Anyone rejected the run, in the current state or an earlier one (either shape
#   of reviews.older). This includes the run's own author and applies to previews too.
# custom:
#   outcome: reject (the run fails)
reject if count(rejections) > 0

# --- the stack ---------------------------------------------------------------------

# Labels the management stack puts on protected stacks. A stack carrying one of them
# is protected even if it also says "experiment".
protected_labels := {"foundation", "management"}

experiment_stack if {
	"experiment" in input.stack.labels
	not carries_protected_label
}

carries_protected_label if {
	some label in input.stack.labels
	label in protected_labels
}

# Fail closed: an unlabelled or hand-made stack is reviewed like a foundation.
protected_stack if not experiment_stack

foundation_stack if "foundation" in input.stack.labels

# --- the run -----------------------------------------------------------------------

# Runs that change infrastructure once confirmed. A stack destructor's teardown is a
# DESTROY run.
deployment_run if input.run.type in {"TRACKED", "DESTROY"}

held_in_queue if {
	protected_stack
	input.run.type == "TASK"
}

held_in_queue if {
	protected_stack
	input.run.type == "DESTROY"
	input.run.state == "QUEUED"
}

# The run.changes actions that remove a resource: a deletion, and both orders of a
# replacement (a replacement destroys the old object too). The approval policy page
# documents only "added | changed | deleted"; the replacement spellings are in the
# notification policy page's pull request comment example (spacelift-io/user-documentation
# 6e9746fefd4ef10fc7c4b68567356a98d3c07c56, docs/concepts/policy/notification-policy.md
# lines 988 and 996) and in spacelift-io/spacelift-policies-example-library
# 00ef086a7bc91f149c188e85c18f4cff73178e69, examples/notification/pull-request-comment-summary.rego.
deletion_actions := {"deleted", "destroy-Before-create-replaced", "create-Before-destroy-replaced"}

# Only resources count: entity.entity_type is "resource" for them (same sources, which
# filter on x.entity.entity_type == "resource"); a deleted output removes nothing.
deletes_resources if {
	some change in input.run.changes
	change.action in deletion_actions
	change.entity.entity_type == "resource"
}

# Self-approval asks for one approval wherever several independent ones are needed:
# one person cannot give two.
required_independent_approvals := 1 if {
	self_approving
} else := 2 if {
	foundation_stack
	deletes_resources
} else := 1

# --- reviews -----------------------------------------------------------------------

# Everyone who started the run: whoever or whatever triggered it, the session that
# created it, and the author of its commit. Logins compare case-insensitively.
initiators contains lower(name) if {
	some name in [
		object.get(input.run, "triggered_by", null),
		object.get(input.run, ["creator_session", "login"], null),
		object.get(input.run, ["commit", "author"], null),
	]
	is_string(name)
	name != ""
}

# One key per reviewer: Spacelift shows only a reviewer's newest review, but a
# reviewer is counted once even if both of their names appear.
approvers contains reviewer(review) if {
	some review in input.reviews.current.approvals
	count(review_names(review)) > 0
}

independent_approvers contains reviewer(review) if {
	some review in input.reviews.current.approvals
	count(review_names(review)) > 0
	count(review_names(review) & not_independent) == 0
}

# Only an explicit true switches self-approval on.
self_approving if self_approval == true

# Whose approval is not independent: everyone who started the run, or nobody when
# self-approval is on.
not_independent := set() if {
	self_approving
} else := initiators

review_names(review) := {lower(name) |
	some name in [object.get(review, "author", null), object.get(review, ["session", "login"], null)]
	is_string(name)
	name != ""
}

reviewer(review) := min(review_names(review))

rejections contains review if {
	some review in input.reviews.current.rejections
}

# reviews.older is documented both as one {approvals, rejections} object and as a
# list of such objects, one per earlier state.
rejections contains review if {
	is_object(input.reviews.older)
	some review in input.reviews.older.rejections
}

rejections contains review if {
	is_array(input.reviews.older)
	some round in input.reviews.older
	some review in round.rejections
}
