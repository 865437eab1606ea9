package spacelift_test

import data.spacelift
import rego.v1

# Every test checks the whole decision: {"approve": ..., "reject": ...}.
held := {"approve": false, "reject": false}

approved := {"approve": true, "reject": false}

# --- previews ------------------------------------------------------------------------

test_preview_is_approved_on_a_foundation_stack if {
	decision(foundation, a_run("PROPOSED", "QUEUED"), no_reviews) == approved
}

test_preview_is_approved_in_any_state if {
	decision(management, a_run("PROPOSED", "PENDING_REVIEW"), no_reviews) == approved
}

test_drift_detection_check_is_approved if {
	drift_check := object.union(a_run("PROPOSED", "QUEUED"), {"drift_detection": true, "triggered_by": null})
	decision(foundation, drift_check, no_reviews) == approved
}

test_rejected_preview_is_rejected if {
	decision(experiment, a_run("PROPOSED", "QUEUED"), reviews([], ["bob"])) == {"approve": true, "reject": true}
}

# --- queued runs ---------------------------------------------------------------------

test_queued_tracked_run_starts_on_a_foundation_stack if {
	decision(foundation, a_run("TRACKED", "QUEUED"), no_reviews) == approved
}

test_queued_tracked_run_starts_on_an_experiment_stack if {
	decision(experiment, a_run("TRACKED", "QUEUED"), no_reviews) == approved
}

test_queued_task_on_a_foundation_stack_is_held if {
	decision(foundation, a_run("TASK", "QUEUED"), no_reviews) == held
}

test_queued_task_on_the_management_stack_is_held if {
	decision(management, a_run("TASK", "QUEUED"), no_reviews) == held
}

# A task's command runs with the stack's write credentials and no plan to review.
test_queued_task_on_an_experiment_stack_is_held if {
	decision(experiment, a_run("TASK", "QUEUED"), no_reviews) == held
}

test_task_on_an_experiment_stack_starts_with_another_persons_approval if {
	decision(experiment, a_run("TASK", "QUEUED"), reviews(["bob"], [])) == approved
}

test_experiment_task_author_cannot_approve_their_own_task if {
	decision(experiment, a_run("TASK", "QUEUED"), reviews(["alice"], [])) == held
}

test_with_self_approval_the_author_may_approve_their_experiment_task if {
	self_approving_decision(experiment, a_run("TASK", "QUEUED"), reviews(["alice"], [])) == approved
	self_approving_decision(experiment, a_run("TASK", "QUEUED"), no_reviews) == held
}

# --- autodeploy on a protected stack -------------------------------------------------

test_queued_tracked_run_on_a_protected_autodeploy_stack_is_held if {
	autodeploy_decision(foundation, a_run("TRACKED", "QUEUED"), no_reviews) == held
	autodeploy_decision(management, a_run("TRACKED", "QUEUED"), no_reviews) == held
	autodeploy_decision(foundation, a_run("DESTROY", "QUEUED"), no_reviews) == held
}

test_protected_autodeploy_needs_independent_approvals_before_it_plans if {
	# A foundation's plan may delete and nobody would see it: two people.
	autodeploy_decision(foundation, a_run("TRACKED", "QUEUED"), reviews(["bob"], [])) == held
	autodeploy_decision(foundation, a_run("TRACKED", "QUEUED"), reviews(["bob", "alice"], [])) == held
	autodeploy_decision(foundation, a_run("TRACKED", "QUEUED"), reviews(["bob", "carol"], [])) == approved
	autodeploy_decision(management, a_run("TRACKED", "QUEUED"), reviews(["bob"], [])) == approved
}

test_with_self_approval_one_approval_releases_a_protected_autodeploy if {
	result := autodeploy_decision(foundation, a_run("TRACKED", "QUEUED"), reviews(["alice"], [])) with data.spacelift.self_approval as true
	result == approved
}

test_autodeploy_on_an_experiment_is_not_held if {
	autodeploy_decision(experiment, a_run("TRACKED", "QUEUED"), no_reviews) == approved
}

test_previews_of_a_protected_autodeploy_stack_are_not_held if {
	autodeploy_decision(foundation, a_run("PROPOSED", "QUEUED"), no_reviews) == approved
}

# --- who may approve ------------------------------------------------------------------

test_with_approvers_named_only_they_count if {
	result_bob := decision(foundation, a_run("TRACKED", "UNCONFIRMED"), reviews(["bob"], [])) with data.spacelift.allowed_approvers as ["bob"]
	result_bob == approved
	result_mallory := decision(foundation, a_run("TRACKED", "UNCONFIRMED"), reviews(["mallory"], [])) with data.spacelift.allowed_approvers as ["bob"]
	result_mallory == held
}

test_without_approvers_named_any_other_reviewer_counts if {
	decision(foundation, a_run("TRACKED", "UNCONFIRMED"), reviews(["mallory"], [])) == approved
}

test_a_vcs_login_mapped_to_a_reviewer_is_that_reviewer if {
	# alice commits as alice-gh and reviews as alice@example.com.
	by_alice_gh := object.union(a_run("TRACKED", "UNCONFIRMED"), {
		"triggered_by": null,
		"creator_session": null,
		"commit": {"author": "Alice-GH"},
	})
	reviewed := reviews(["alice@example.com"], [])
	decision(foundation, by_alice_gh, reviewed) == approved
	mapped := decision(foundation, by_alice_gh, reviewed) with data.spacelift.login_aliases as {"alice-gh": "alice@example.com"}
	mapped == held
}

test_a_forged_author_does_not_make_a_non_approver_count if {
	# mallory pushes a commit whose author says carol, and approves the run herself.
	forged := object.union(a_run("TRACKED", "UNCONFIRMED"), {
		"triggered_by": null,
		"creator_session": null,
		"commit": {"author": "carol"},
	})
	decision(foundation, forged, reviews(["mallory"], [])) == approved
	named := decision(foundation, forged, reviews(["mallory"], [])) with data.spacelift.allowed_approvers as ["bob", "carol"]
	named == held
}

test_task_on_a_foundation_stack_starts_with_another_persons_approval if {
	decision(foundation, a_run("TASK", "QUEUED"), reviews(["bob"], [])) == approved
}

test_task_held_for_review_starts_with_another_persons_approval if {
	decision(management, a_run("TASK", "PENDING_REVIEW"), reviews(["bob"], [])) == approved
}

test_task_author_cannot_approve_their_own_task if {
	decision(foundation, a_run("TASK", "QUEUED"), reviews(["alice"], [])) == held
}

test_queued_destroy_on_a_foundation_stack_is_held if {
	decision(foundation, a_run("DESTROY", "QUEUED"), no_reviews) == held
}

test_queued_destroy_on_a_foundation_stack_starts_with_another_persons_approval if {
	decision(foundation, a_run("DESTROY", "QUEUED"), reviews(["bob"], [])) == approved
}

test_queued_destroy_on_an_experiment_stack_starts if {
	decision(experiment, a_run("DESTROY", "QUEUED"), no_reviews) == approved
}

# --- experiment runs awaiting confirmation -------------------------------------------

test_experiment_plan_without_deletions_is_approved if {
	decision(experiment, planned(a_run("TRACKED", "UNCONFIRMED"), [subnet_added]), no_reviews) == approved
}

test_experiment_plan_deleting_a_resource_is_held if {
	decision(experiment, planned(a_run("TRACKED", "UNCONFIRMED"), [subnet_deleted]), no_reviews) == held
}

test_experiment_deletion_is_approved_by_one_approval_even_the_authors if {
	decision(experiment, planned(a_run("TRACKED", "UNCONFIRMED"), [subnet_deleted]), reviews(["alice"], [])) == approved
}

test_experiment_plan_deleting_only_an_output_is_approved if {
	decision(experiment, planned(a_run("TRACKED", "UNCONFIRMED"), [output_deleted]), no_reviews) == approved
}

test_experiment_teardown_awaiting_confirmation_proceeds if {
	destroy := planned(a_run("DESTROY", "UNCONFIRMED"), [subnet_deleted])
	decision(experiment, destroy, no_reviews) == approved
}

test_experiment_teardown_is_still_rejectable if {
	destroy := planned(a_run("DESTROY", "UNCONFIRMED"), [subnet_deleted])
	decision(experiment, destroy, reviews([], ["bob"])).reject
}

test_experiment_tracked_deletion_without_approval_is_held if {
	decision(experiment, planned(a_run("TRACKED", "UNCONFIRMED"), [subnet_deleted]), no_reviews) == held
}

test_experiment_plan_deleting_or_replacing_a_resource_awaits_one_approval if {
	every action in deletion_actions {
		deleting := planned(a_run("TRACKED", "UNCONFIRMED"), [replacement(action)])
		decision(experiment, deleting, no_reviews) == held
		decision(experiment, deleting, reviews(["alice"], [])) == approved
	}
}

test_experiment_plan_deleting_or_replacing_only_outputs_is_approved if {
	every action in deletion_actions {
		dropped := planned(a_run("TRACKED", "UNCONFIRMED"), [change(action, "subnet_id", "output")])
		decision(experiment, dropped, no_reviews) == approved
	}
}

test_only_resource_entities_count_as_deletions if {
	# The entity's entity_type decides, whatever its resource type says.
	other := {"action": "deleted", "phase": "plan", "entity": {"address": "x.y", "type": "x", "entity_type": "output"}}
	decision(experiment, planned(a_run("TRACKED", "UNCONFIRMED"), [other]), no_reviews) == approved
}

# --- foundation and management runs awaiting confirmation ----------------------------

test_foundation_plan_deleting_or_replacing_a_resource_needs_two_independent_approvals if {
	every action in deletion_actions {
		deleting := planned(a_run("TRACKED", "UNCONFIRMED"), [replacement(action)])
		decision(foundation, deleting, reviews(["bob"], [])) == held
		decision(foundation, deleting, reviews(["bob", "alice"], [])) == held
		decision(foundation, deleting, reviews(["bob", "carol"], [])) == approved
	}
}

test_management_plan_deleting_or_replacing_a_resource_needs_one_independent_approval if {
	every action in deletion_actions {
		deleting := planned(a_run("TRACKED", "UNCONFIRMED"), [replacement(action)])
		decision(management, deleting, no_reviews) == held
		decision(management, deleting, reviews(["alice"], [])) == held
		decision(management, deleting, reviews(["bob"], [])) == approved
	}
}

test_foundation_plan_without_approval_is_held if {
	decision(foundation, planned(a_run("TRACKED", "UNCONFIRMED"), [subnet_added]), no_reviews) == held
}

test_foundation_plan_approved_by_the_person_who_triggered_it_is_held if {
	decision(foundation, planned(a_run("TRACKED", "UNCONFIRMED"), [subnet_added]), reviews(["alice"], [])) == held
}

test_foundation_plan_approved_by_its_commit_author_is_held if {
	# Started by a push: no trigger user or session, and carol wrote the commit.
	dependent := object.union(
		a_run("TRACKED", "UNCONFIRMED"),
		{"triggered_by": null, "creator_session": null, "commit": {"author": "carol"}},
	)
	decision(foundation, dependent, reviews(["carol"], [])) == held
	decision(foundation, dependent, reviews(["bob"], [])) == approved
}

test_foundation_plan_approved_by_the_person_who_only_triggered_it_is_held if {
	# Only triggered_by names dave: carol wrote the commit and no session is recorded.
	triggered := object.union(
		a_run("TRACKED", "UNCONFIRMED"),
		{"triggered_by": "dave", "creator_session": null, "commit": {"author": "carol"}},
	)
	decision(foundation, triggered, reviews(["dave"], [])) == held
	decision(foundation, triggered, reviews(["bob"], [])) == approved
}

test_foundation_plan_approved_by_the_session_that_only_created_it_is_held if {
	# Only creator_session names erin: carol wrote the commit and no trigger user is recorded.
	created := object.union(
		a_run("TRACKED", "UNCONFIRMED"),
		{"triggered_by": null, "creator_session": {"login": "erin"}, "commit": {"author": "carol"}},
	)
	decision(foundation, created, reviews(["erin"], [])) == held
	decision(foundation, created, reviews(["bob"], [])) == approved
}

test_foundation_plan_approved_by_another_person_is_approved if {
	decision(foundation, planned(a_run("TRACKED", "UNCONFIRMED"), [subnet_added]), reviews(["bob"], [])) == approved
}

test_foundation_deletion_needs_two_independent_approvals if {
	deleting := planned(a_run("TRACKED", "UNCONFIRMED"), [subnet_deleted])
	decision(foundation, deleting, reviews(["bob"], [])) == held
	decision(foundation, deleting, reviews(["bob", "carol"], [])) == approved
}

test_foundation_deletion_does_not_count_the_authors_approval if {
	deleting := planned(a_run("TRACKED", "UNCONFIRMED"), [subnet_deleted])
	decision(foundation, deleting, reviews(["bob", "alice"], [])) == held
}

test_reviewer_is_counted_once if {
	deleting := planned(a_run("TRACKED", "UNCONFIRMED"), [subnet_deleted])
	twice := {"current": {"approvals": [review("bob"), review("Bob")], "rejections": []}, "older": []}
	decision(foundation, deleting, twice) == held
}

test_logins_compare_case_insensitively if {
	decision(foundation, a_run("TRACKED", "UNCONFIRMED"), reviews(["ALICE"], [])) == held
}

test_reviewer_matching_the_initiator_by_session_login_is_not_independent if {
	renamed := {"author": "Alice Example", "session": {"login": "alice"}}
	decision(management, a_run("TRACKED", "UNCONFIRMED"), {"current": {"approvals": [renamed], "rejections": []}}) == held
}

test_foundation_teardown_awaiting_confirmation_needs_two_independent_approvals if {
	teardown := planned(a_run("DESTROY", "UNCONFIRMED"), [subnet_deleted])
	decision(foundation, teardown, reviews(["bob"], [])) == held
	decision(foundation, teardown, reviews(["bob", "carol"], [])) == approved
}

test_management_plan_needs_one_independent_approval_even_with_deletions if {
	deleting := planned(a_run("TRACKED", "UNCONFIRMED"), [subnet_deleted])
	decision(management, deleting, no_reviews) == held
	decision(management, deleting, reviews(["bob"], [])) == approved
}

test_approval_given_before_the_plan_does_not_count if {
	earlier := {"current": {"approvals": [], "rejections": []}, "older": [{"approvals": [review("bob")], "rejections": []}]}
	decision(foundation, a_run("TRACKED", "UNCONFIRMED"), earlier) == held
}

test_pending_review_is_reviewed_like_awaiting_confirmation if {
	decision(foundation, a_run("TRACKED", "PENDING_REVIEW"), no_reviews) == held
	decision(experiment, a_run("TRACKED", "PENDING_REVIEW"), no_reviews) == approved
}

test_drift_reconciliation_on_a_foundation_needs_an_approval if {
	reconcile := object.union(
		a_run("TRACKED", "UNCONFIRMED"),
		{"drift_detection": true, "triggered_by": null, "creator_session": null, "commit": {"author": null}},
	)
	decision(foundation, reconcile, no_reviews) == held
	decision(foundation, reconcile, reviews(["alice"], [])) == approved
}

# --- stack labels --------------------------------------------------------------------

test_unlabelled_stack_is_protected if {
	decision([], a_run("TRACKED", "UNCONFIRMED"), no_reviews) == held
	decision(experiment, a_run("TRACKED", "UNCONFIRMED"), no_reviews) == approved
}

test_stack_labelled_both_experiment_and_foundation_is_protected if {
	decision(["experiment", "foundation"], a_run("TRACKED", "UNCONFIRMED"), no_reviews) == held
}

# --- rejections ----------------------------------------------------------------------

test_rejection_rejects if {
	decision(foundation, a_run("TRACKED", "UNCONFIRMED"), reviews([], ["bob"])) == {"approve": false, "reject": true}
}

test_author_can_reject_their_own_run if {
	decision(experiment, a_run("TRACKED", "QUEUED"), reviews([], ["alice"])) == {"approve": true, "reject": true}
}

test_earlier_rejection_rejects_with_older_as_an_object if {
	older := {"current": {"approvals": [], "rejections": []}, "older": {"approvals": [], "rejections": [review("bob")]}}
	decision(foundation, a_run("TRACKED", "UNCONFIRMED"), older) == {"approve": false, "reject": true}
}

test_earlier_rejection_rejects_with_older_as_a_list if {
	older := {"current": {"approvals": [], "rejections": []}, "older": [{"approvals": [], "rejections": [review("bob")]}]}
	decision(foundation, a_run("TRACKED", "UNCONFIRMED"), older) == {"approve": false, "reject": true}
}

test_earlier_approvals_do_not_reject if {
	older := {"current": {"approvals": [], "rejections": []}, "older": {"approvals": [review("bob")], "rejections": []}}
	decision(experiment, a_run("TRACKED", "UNCONFIRMED"), older) == approved
}

# --- doubtful input ------------------------------------------------------------------

test_queued_run_of_an_unknown_type_is_held if {
	every type in [null, "string - type of the run", "tracked", 1] {
		decision(experiment, object.union(a_run("TRACKED", "QUEUED"), {"type": type}), no_reviews) == held
	}
	decision(experiment, object.remove(a_run("TRACKED", "QUEUED"), ["type"]), no_reviews) == held
}

test_run_in_a_state_no_review_happens_in_is_held if {
	every state in ["string - the current run state", "FINISHED", null] {
		destroy := planned(a_run("DESTROY", state), [subnet_added])
		decision(experiment, destroy, no_reviews) == held
		decision(foundation, destroy, reviews(["bob", "carol"], [])) == held
	}
}

test_experiment_plan_with_unreadable_changes_awaits_one_approval if {
	every changes in unreadable_changes {
		doubtful := object.union(a_run("TRACKED", "UNCONFIRMED"), {"changes": changes})
		decision(experiment, doubtful, no_reviews) == held
		decision(experiment, doubtful, reviews(["alice"], [])) == approved
	}
	decision(experiment, object.remove(a_run("TRACKED", "UNCONFIRMED"), ["changes"]), no_reviews) == held
}

test_foundation_plan_with_unreadable_changes_needs_two_independent_approvals if {
	every changes in unreadable_changes {
		doubtful := object.union(a_run("TRACKED", "UNCONFIRMED"), {"changes": changes})
		decision(foundation, doubtful, reviews(["bob"], [])) == held
		decision(foundation, doubtful, reviews(["bob", "carol"], [])) == approved
	}
}

test_approvals_that_name_nobody_approve_nothing if {
	# The example library gives approvals as plain strings; they cannot be checked.
	every approvals in [["bob", "carol"], [1, null], [{}], [{"author": ""}], "string"] {
		unnamed := {"current": {"approvals": approvals, "rejections": []}, "older": []}
		decision(foundation, a_run("TRACKED", "UNCONFIRMED"), unnamed) == held
		decision(foundation, a_run("TASK", "QUEUED"), unnamed) == held
	}
}

test_rejection_that_cannot_be_read_still_rejects if {
	every rejection in ["bob", {}, null] {
		odd := {"current": {"approvals": [], "rejections": [rejection]}, "older": []}
		decision(experiment, a_run("TRACKED", "QUEUED"), odd) == {"approve": true, "reject": true}
	}
}

test_partial_documents_are_held_without_errors if {
	every document in [
		{},
		{"run": "string - the run metadata"},
		{"run": {"state": "UNCONFIRMED"}, "reviews": {"current": {"approvals": ["user1", "user2"]}}},
		{"run": {"type": "TRACKED", "state": "UNCONFIRMED", "creator_session": "x", "commit": []}, "reviews": "x"},
		{"run": {"command": "ps"}},
		{"stack": "string", "run": {"type": "TASK"}, "reviews": {"older": "x"}},
	] {
		not spacelift.approve with input as document
		not spacelift.reject with input as document
	}
}

# --- self-approval -------------------------------------------------------------------

test_self_approval_is_off_by_default if {
	spacelift.self_approval == false
}

test_with_self_approval_the_author_may_approve_a_protected_plan if {
	every labels in [foundation, management] {
		plan_to_apply := planned(a_run("TRACKED", "UNCONFIRMED"), [subnet_added])
		self_approving_decision(labels, plan_to_apply, no_reviews) == held
		self_approving_decision(labels, plan_to_apply, reviews(["alice"], [])) == approved
	}
}

test_with_self_approval_one_approval_approves_a_foundation_deletion if {
	every action in deletion_actions {
		deleting := planned(a_run("TRACKED", "UNCONFIRMED"), [replacement(action)])
		self_approving_decision(foundation, deleting, no_reviews) == held
		self_approving_decision(foundation, deleting, reviews(["alice"], [])) == approved
		self_approving_decision(foundation, deleting, reviews(["bob"], [])) == approved
	}
}

test_with_self_approval_the_author_may_approve_a_protected_task_or_teardown if {
	every run in [a_run("TASK", "QUEUED"), a_run("DESTROY", "QUEUED")] {
		self_approving_decision(management, run, no_reviews) == held
		self_approving_decision(management, run, reviews(["alice"], [])) == approved
	}
}

test_with_self_approval_an_experiment_deletion_still_needs_an_approval if {
	deleting := planned(a_run("TRACKED", "UNCONFIRMED"), [subnet_deleted])
	self_approving_decision(experiment, deleting, no_reviews) == held
	self_approving_decision(experiment, deleting, reviews(["alice"], [])) == approved
}

test_with_self_approval_a_rejection_still_rejects if {
	self_approving_decision(foundation, a_run("TRACKED", "UNCONFIRMED"), reviews(["alice"], ["alice"])).reject
}

test_self_approval_needs_an_explicit_true if {
	# Anything but true leaves the author's approval dependent.
	every value in ["true", 1, {}] {
		document := {"stack": {"labels": foundation}, "run": a_run("TRACKED", "UNCONFIRMED"), "reviews": reviews(["alice"], [])}
		not spacelift.approve with input as document with data.spacelift.self_approval as value
	}
}

# --- inputs --------------------------------------------------------------------------

experiment := ["experiment", "azure", "experiment:http-baseline"]

foundation := ["foundation", "azure"]

management := ["management"]

# A run of this type and state that alice triggered, created and committed.
a_run(type, state) := {
	"id": "01HQ7RUN",
	"type": type,
	"state": state,
	"drift_detection": false,
	"triggered_by": "alice",
	"creator_session": {"login": "alice"},
	"commit": {"author": "alice"},
	"changes": [],
}

planned(run, changes) := object.union(run, {"changes": changes})

subnet_added := change("added", "azurerm_subnet.extra", "azurerm_subnet")

subnet_deleted := change("deleted", "azurerm_subnet.nodes", "azurerm_subnet")

output_deleted := change("deleted", "subnet_id", "output")

change(action, address, type) := {
	"action": action,
	"phase": "plan",
	"entity": {"address": address, "type": type, "entity_type": entity_type(type)},
}

entity_type(type) := "output" if type == "output"
else := "resource"

# Every action Spacelift reports for a change that removes a resource.
deletion_actions := ["deleted", "destroy-Before-create-replaced", "create-Before-destroy-replaced"]

replacement(action) := change(action, "azurerm_subnet.nodes", "azurerm_subnet")

# run.changes that do not say whether a resource is deleted: a placeholder entity (as in
# docs/snippets/approval_input.json), a missing action, entries that are not objects, and
# a list that is not a list.
unreadable_changes := [
	[{"phase": "string", "action": "string - Type of change action", "entity": "object - Entity data"}],
	[{"phase": "plan", "entity": {"address": "azurerm_subnet.nodes", "entity_type": "resource"}}],
	[subnet_added, "deleted"],
	"string",
	{"action": "deleted"},
]

review(login) := {"author": login, "session": {"login": login}}

reviews(approvers, rejecters) := {
	"current": {
		"approvals": [review(login) | some login in approvers],
		"rejections": [review(login) | some login in rejecters],
	},
	"older": [],
}

no_reviews := reviews([], [])

decision(labels, run, run_reviews) := {"approve": approves(document), "reject": rejects(document)} if {
	document := {"stack": {"labels": labels}, "run": run, "reviews": run_reviews}
}

# The decision on a stack with autodeploy on.
autodeploy_decision(labels, run, run_reviews) := {"approve": approves(document), "reject": rejects(document)} if {
	document := {"stack": {"labels": labels, "autodeploy": true}, "run": run, "reviews": run_reviews}
}

# The decision as deployed with lab.yaml's spacelift.self_approval: true.
self_approving_decision(labels, run, run_reviews) := result if {
	result := decision(labels, run, run_reviews) with data.spacelift.self_approval as true
}

approves(document) := true if {
	spacelift.approve with input as document
} else := false

rejects(document) := true if {
	spacelift.reject with input as document
} else := false
