# METADATA
# title: Run approval
# description: >-
#   Decides which runs go ahead without a human and how many reviews the others need.
#   Experiments run freely unless a tracked plan deletes or replaces a resource; their
#   teardowns proceed. Foundation and management stacks need a reviewer other than the
#   person who started the run, and so does every task. A stack without the experiment
#   label is treated as protected; a protected stack with autodeploy on is held before it
#   plans. When lab.yaml names approvers, only their reviews count, and a VCS login they
#   map to is the same person as them. In a one-person lab (lab.yaml
#   spacelift.self_approval: true) the person who started a run may approve it, and one
#   approval is enough wherever several are asked for. Where the input leaves doubt (an
#   unknown run type or state, a change or review it cannot read), no rule approves.
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

# Who may approve: Spacelift (IdP) logins. Empty in the repository file, which lets any
# reviewer count; lab.yaml spacelift.approvers makes spacelift-root append the list.
default allowed_approvers := []

# VCS login -> Spacelift (IdP) login, for approvers whose logins differ, so that the
# author of a commit is recognised when they review its run. Appended like the list.
default login_aliases := {}

# --- decisions ---------------------------------------------------------------------

# METADATA
# title: Previews are never held
# description: >-
#   The run is PROPOSED: a pull-request preview, or a drift detection check.
#   This applies in every state and on every stack. A proposed run cannot change
#   infrastructure: with cloud integrations it holds only the read-only identity, because
#   the management stack attaches the write identities to applies alone (no policy input
#   says which identity a run holds, so the attachments enforce it, not this rule).
# custom:
#   outcome: approve
approve if input.run.type == "PROPOSED"

# METADATA
# title: Queued runs start
# description: >-
#   The run is QUEUED (not planned yet), of a known type, and is not a task, a DESTROY
#   run on a protected stack, or a run that would apply on a protected stack with
#   autodeploy on. Tracked runs plan first and are reviewed when they await confirmation.
# custom:
#   outcome: approve
approve if {
	input.run.state == "QUEUED"
	known_run_type
	not held_in_queue
}

# METADATA
# title: Tasks, protected teardowns and protected autodeploys need another person
# description: >-
#   A task on any stack (in any state), a queued DESTROY run on a foundation or
#   management stack, or a queued TRACKED or DESTROY run on such a stack with autodeploy
#   on has approvals from people other than the ones who triggered it, created it or
#   authored its commit (or from anyone, with self-approval on): one, or two for a
#   foundation stack with autodeploy on, whose plan may delete and is never reviewed
#   (Spacelift does not evaluate the approval policy before an autodeployed apply). The
#   task command, teardown or apply runs before anyone sees a plan, so it is reviewed up
#   front.
# custom:
#   outcome: approve
approve if {
	held_in_queue
	count(independent_approvers) >= required_queue_approvals
}

# METADATA
# title: Experiment plans without deletions apply
# description: >-
#   A TRACKED or DESTROY run on an experiment stack awaits confirmation or review and
#   deletes or replaces no resource. Deleted outputs do not count. Every entry of
#   run.changes must be readable, or a deletion cannot be ruled out.
# custom:
#   outcome: approve
approve if {
	experiment_stack
	deployment_run
	planned_run
	not may_delete_resources
}

# METADATA
# title: Experiment deletions need one approval
# description: >-
#   A TRACKED run on an experiment stack awaits confirmation or review, plans to delete
#   or replace resources (or has changes that cannot be read), and someone approved it.
#   The approval may come from the person who triggered the run, because an experiment
#   is that person's sandbox.
# custom:
#   outcome: approve
approve if {
	experiment_stack
	input.run.type == "TRACKED"
	planned_run
	may_delete_resources
	count(approvers) >= 1
}

# METADATA
# title: Experiment teardowns proceed
# description: >-
#   A DESTROY run on an experiment stack awaits confirmation or review. Only its stack
#   destructor (the experiment was removed from the code) or its scheduled deletion (the
#   reviewed expires date passed) start one, so the decision was already reviewed and
#   expiry stays hands-off.
# custom:
#   outcome: approve
approve if {
	experiment_stack
	input.run.type == "DESTROY"
	planned_run
}

# METADATA
# title: Protected plans need independent approval
# description: >-
#   A TRACKED or DESTROY run on a foundation or management stack awaits confirmation or
#   review. It needs approvals from people other than the one who triggered it,
#   authored its commit or created it: one approval, or two when a foundation plan
#   deletes or replaces a resource (or has changes that cannot be read). With
#   self-approval on, one approval from anyone, the run's author included, is enough.
#   Only approvals given in the current state count, so an approval from before the
#   plan does not carry over.
# custom:
#   outcome: approve
approve if {
	protected_stack
	deployment_run
	planned_run
	count(independent_approvers) >= required_independent_approvals
}

# METADATA
# title: Any rejection rejects
# description: >-
#   Anyone rejected the run, in the current state or an earlier one (either shape
#   of reviews.older). This includes the run's own author and applies to previews too.
#   A rejection counts even when it cannot be read.
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

# The run types the approval policy page lists for input.run.type
# (spacelift-io/user-documentation 6e9746fefd4ef10fc7c4b68567356a98d3c07c56,
# docs/concepts/policy/approval-policy.md line 266). Anything else is not a run the
# rules know how to judge.
run_types := {"PROPOSED", "TRACKED", "TASK", "TESTING", "DESTROY"}

known_run_type if input.run.type in run_types

# Runs that change infrastructure once confirmed. A stack destructor's teardown is a
# DESTROY run.
deployment_run if input.run.type in {"TRACKED", "DESTROY"}

# The run has planned and waits for a human: approval policies are evaluated when a run
# is queued, unconfirmed or pending review (same page, line 5), so only the last two
# come after a plan.
planned_run if input.run.state in {"UNCONFIRMED", "PENDING_REVIEW"}

# Any task: its command runs with the stack's write credentials and no plan to review.
held_in_queue if input.run.type == "TASK"

# A protected stack with autodeploy on goes from plan to apply without the approval
# policy being asked again (it is evaluated when a run is queued, unconfirmed or pending
# review: approval-policy.md line 5), so it is reviewed while queued.
held_in_queue if {
	protected_autodeploy
	deployment_run
	input.run.state == "QUEUED"
}

protected_autodeploy if {
	protected_stack
	input.stack.autodeploy == true
}

required_queue_approvals := 1 if {
	self_approving
} else := 2 if {
	foundation_stack
	protected_autodeploy
	deployment_run
} else := 1

held_in_queue if {
	protected_stack
	input.run.type == "DESTROY"
	input.run.state == "QUEUED"
}

# The run.changes actions that remove a resource: a deletion, and both orders of a
# replacement (a replacement destroys the old object too). The approval policy page
# documents only "added | changed | deleted"; the replacement spellings are in the
# notification policy page's pull request comment example
# (spacelift-io/user-documentation 6e9746fefd4ef10fc7c4b68567356a98d3c07c56,
# docs/concepts/policy/notification-policy.md lines 988 and 996) and in
# spacelift-io/spacelift-policies-example-library 00ef086a7bc91f149c188e85c18f4cff73178e69,
# examples/notification/pull-request-comment-summary.rego lines 38 and 48.
deletion_actions := {"deleted", "destroy-Before-create-replaced", "create-Before-destroy-replaced"}

# Only resources count: entity.entity_type is "resource" for them (same sources, which
# filter on x.entity.entity_type == "resource"); a deleted output removes nothing.
deletes_resources if {
	some change in input.run.changes
	change.action in deletion_actions
	change.entity.entity_type == "resource"
}

# A deletion cannot be ruled out: the plan deletes a resource, or some change cannot be
# read (Spacelift sends each one as an object with a string action and an entity with
# a string entity_type; a placeholder or partial document may not).
may_delete_resources if deletes_resources

may_delete_resources if not readable_changes

readable_changes if {
	is_array(input.run.changes)
	every change in input.run.changes {
		is_string(change.action)
		is_string(change.entity.entity_type)
	}
}

# Self-approval asks for one approval wherever several independent ones are needed:
# one person cannot give two.
required_independent_approvals := 1 if {
	self_approving
} else := 2 if {
	foundation_stack
	may_delete_resources
} else := 1

# --- reviews -----------------------------------------------------------------------

# Everyone who started the run: whoever or whatever triggered it, the session that
# created it, and the author of its commit, each as the person lab.yaml maps it to.
# Logins compare case-insensitively.
initiators contains person(name) if {
	some name in initiator_fields
	is_string(name)
	name != ""
}

# References rather than object.get: a field, or the run itself, may be missing or of
# another type in a partial document, and a reference to it is then just undefined.
initiator_fields contains input.run.triggered_by

initiator_fields contains input.run.creator_session.login

initiator_fields contains input.run.commit.author

# The current state's approvals that name a reviewer. Spacelift sends each review as an
# object with an author and a session; anything else (the example library passes plain
# strings) names nobody whose independence can be checked, so it approves nothing.
named_approvals contains review if {
	some review in input.reviews.current.approvals
	is_object(review)
	count(review_names(review)) > 0
	may_approve(review)
}

# With no approvers named, any reviewer may approve; otherwise one of them.
may_approve(_) if count(allowed_approvers) == 0

may_approve(review) if {
	some name in review_names(review)
	name in approver_logins
}

approver_logins := {lower(login) | some login in allowed_approvers}

# The person behind a login: lab.yaml's alias when it maps this VCS login to a Spacelift
# login, else the login itself. commit.author is free-form text in Git, so a forged or
# squash-merge author only ever maps to a person through this table.
person(name) := lower(login_aliases[key]) if {
	some key, _ in login_aliases
	lower(key) == lower(name)
} else := lower(name)

# One key per reviewer: Spacelift shows only a reviewer's newest review, but a
# reviewer is counted once even if both of their names appear.
approvers contains reviewer(review) if {
	some review in named_approvals
}

independent_approvers contains reviewer(review) if {
	some review in named_approvals
	count(review_names(review) & not_independent) == 0
}

# Only an explicit true switches self-approval on.
self_approving if self_approval == true

# Whose approval is not independent: everyone who started the run, or nobody when
# self-approval is on.
not_independent := set() if {
	self_approving
} else := initiators

# The names a review gives its reviewer; `review` is an object (see named_approvals).
review_names(review) := {person(name) |
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
