package spacelift_test

import data.spacelift
import rego.v1

# Every test checks the whole decision: {"track", "propose", "ignore", "cancel"}.
tracked := {"track": true, "propose": false, "ignore": false, "cancel": set()}

proposed := {"track": false, "propose": true, "ignore": false, "cancel": set()}

ignored := {"track": false, "propose": false, "ignore": true, "cancel": set()}

# --- pushes --------------------------------------------------------------------------

test_push_to_the_tracked_branch_changing_the_stack_is_tracked if {
	decision(push("main", [stack_json, "lab/stacks/experiment.py"])) == tracked
}

test_push_to_another_branch_is_ignored if {
	decision(push("feature/bigger-pool", [stack_json])) == ignored
}

test_push_changing_only_docs_tests_or_python_is_ignored if {
	decision(push("main", ["README.md", "docs/policies.md", "tests/test_config.py", "lab/stacks/experiment.py"])) == ignored
}

test_push_changing_another_stack_is_ignored if {
	decision(push("main", ["cdktf.out/stacks/azure-foundation/cdk.tf.json"])) == ignored
}

test_stack_whose_name_extends_this_one_does_not_match if {
	decision(push("main", ["cdktf.out/stacks/exp-http-baseline-aks-2/cdk.tf.json"])) == ignored
}

test_project_root_matches_whatever_its_slashes if {
	slashed := json.patch(push("main", ["/cdktf.out/stacks/exp-http-baseline-aks/cdk.tf.json"]), [{"op": "replace", "path": "/stack/project_root", "value": "/cdktf.out/stacks/exp-http-baseline-aks/"}])
	decision(slashed) == tracked
}

test_additional_project_glob_matches if {
	with_globs := json.patch(push("main", ["experiments/http-baseline/target/cluster.yaml"]), [{"op": "replace", "path": "/stack/additional_project_globs", "value": ["experiments/http-baseline/**"]}])
	decision(with_globs) == tracked
}

test_additional_project_glob_that_does_not_match_is_ignored if {
	with_globs := json.patch(push("main", ["experiments/multi-cloud-demo/target/cluster.yaml"]), [{"op": "replace", "path": "/stack/additional_project_globs", "value": ["experiments/http-baseline/**"]}])
	decision(with_globs) == ignored
}

test_empty_project_root_is_the_whole_repository if {
	whole_repository := json.patch(push("main", ["README.md"]), [{"op": "replace", "path": "/stack/project_root", "value": ""}])
	decision(whole_repository) == tracked
}

test_tag_push_is_ignored if {
	tag := json.patch(push("main", [stack_json]), [{"op": "replace", "path": "/push/tag", "value": "v1.2.0"}])
	decision(tag) == ignored
}

test_push_whose_tag_is_null_is_not_a_tag_push if {
	untagged := json.patch(push("main", [stack_json]), [{"op": "replace", "path": "/push/tag", "value": null}])
	decision(untagged) == tracked
}

# --- pull requests -------------------------------------------------------------------

test_pull_request_opened_reopened_or_synchronized_is_proposed if {
	every action in ["opened", "reopened", "synchronize"] {
		decision(pull_request(action, [stack_json])) == proposed
	}
}

test_draft_pull_request_is_ignored if {
	draft := json.patch(pull_request("synchronize", [stack_json]), [{"op": "replace", "path": "/pull_request/draft", "value": true}])
	decision(draft) == ignored
}

test_pull_request_closed_merged_labelled_or_edited_is_ignored if {
	every action in ["closed", "merged", "labeled", "unlabeled", "edited"] {
		decision(pull_request(action, [stack_json])) == ignored
	}
}

test_pull_request_not_changing_the_stack_is_ignored if {
	decision(pull_request("opened", ["docs/policies.md", "policies/plan.rego"])) == ignored
}

test_pull_request_event_on_the_tracked_branch_is_not_tracked if {
	# A merge event carries the merge commit on main; the push event for it tracks.
	merged := json.patch(pull_request("closed", [stack_json]), [{"op": "replace", "path": "/push/branch", "value": "main"}])
	decision(merged) == ignored
}

# --- cancelling stale previews -------------------------------------------------------

test_newer_preview_cancels_stale_previews_of_its_branch if {
	event := object.union(pull_request("synchronize", [stack_json]), {"in_progress": [
		in_progress("stale", "PROPOSED", "feature/bigger-pool", "1a2b3c4"),
		in_progress("other-branch", "PROPOSED", "feature/other", "1a2b3c4"),
		in_progress("tracked", "TRACKED", "feature/bigger-pool", "1a2b3c4"),
		in_progress("same-commit", "PROPOSED", "feature/bigger-pool", head_commit),
		object.union(in_progress("drift", "PROPOSED", "feature/bigger-pool", "1a2b3c4"), {"drift_detection": true}),
	]})
	decision(event) == {"track": false, "propose": true, "ignore": false, "cancel": {"stale"}}
}

test_runs_for_the_pushed_commit_and_for_the_pull_request_head_are_kept if {
	# The event's push carries a merge commit that differs from the pull request's head.
	event := json.patch(pull_request("synchronize", [stack_json]), [
		{"op": "replace", "path": "/push/hash", "value": merge_commit},
		{"op": "add", "path": "/in_progress", "value": [
			in_progress("stale", "PROPOSED", "feature/bigger-pool", "1a2b3c4"),
			in_progress("pushed-commit", "PROPOSED", "feature/bigger-pool", merge_commit),
			in_progress("head-commit", "PROPOSED", "feature/bigger-pool", head_commit),
		]},
	])
	decision(event) == {"track": false, "propose": true, "ignore": false, "cancel": {"stale"}}
}

test_nothing_is_cancelled_without_a_new_preview if {
	draft := json.patch(pull_request("synchronize", [stack_json]), [
		{"op": "replace", "path": "/pull_request/draft", "value": true},
		{"op": "add", "path": "/in_progress", "value": [in_progress("stale", "PROPOSED", "feature/bigger-pool", "1a2b3c4")]},
	])
	decision(draft) == ignored
}

test_tracked_push_does_not_cancel_previews if {
	event := object.union(push("main", [stack_json]), {"in_progress": [in_progress("preview", "PROPOSED", "main", "1a2b3c4")]})
	decision(event) == tracked
}

# --- doubtful input ------------------------------------------------------------------

test_push_without_the_pull_request_key_is_ignored if {
	# Spacelift sends "pull_request": null with a plain push; without the key the event is unknown.
	decision(object.remove(push("main", [stack_json]), ["pull_request"])) == ignored
}

test_push_without_a_tag_field_is_ignored if {
	decision(json.patch(push("main", [stack_json]), [{"op": "remove", "path": "/push/tag"}])) == ignored
}

test_push_without_branches_to_compare_is_ignored if {
	no_branches := json.patch(push("main", [stack_json]), [
		{"op": "remove", "path": "/push/branch"},
		{"op": "remove", "path": "/stack/branch"},
	])
	decision(no_branches) == ignored
}

test_pull_request_whose_draft_flag_cannot_be_read_is_ignored if {
	every draft in [null, "false", 0] {
		decision(json.patch(pull_request("opened", [stack_json]), [{"op": "replace", "path": "/pull_request/draft", "value": draft}])) == ignored
	}
	decision(json.patch(pull_request("opened", [stack_json]), [{"op": "remove", "path": "/pull_request/draft"}])) == ignored
}

test_paths_and_globs_that_are_not_strings_match_nothing if {
	odd := json.patch(push("main", [1, null, {"path": stack_json}, "lab/app.py"]), [{"op": "replace", "path": "/stack/additional_project_globs", "value": [null, 7, "lab/**"]}])
	decision(odd) == tracked
	decision(json.patch(odd, [{"op": "replace", "path": "/stack/additional_project_globs", "value": [null, 7]}])) == ignored
}

test_project_root_that_is_missing_or_null_is_the_whole_repository if {
	decision(json.patch(push("main", ["README.md"]), [{"op": "remove", "path": "/stack/project_root"}])) == tracked
	decision(json.patch(push("main", ["README.md"]), [{"op": "replace", "path": "/stack/project_root", "value": null}])) == tracked
}

test_project_root_of_another_type_matches_nothing if {
	every root in [1, ["cdktf.out"], {}] {
		decision(json.patch(push("main", [stack_json]), [{"op": "replace", "path": "/stack/project_root", "value": root}])) == ignored
	}
}

test_in_progress_runs_that_cannot_be_read_are_not_cancelled if {
	stale := in_progress("stale", "PROPOSED", "feature/bigger-pool", "1a2b3c4")
	event := object.union(pull_request("synchronize", [stack_json]), {"in_progress": [
		"01JGZ7STALE",
		object.remove(stale, ["drift_detection"]),
		object.remove(stale, ["commit"]),
		object.union(stale, {"id": 42}),
		object.union(stale, {"id": "kept", "commit": "1a2b3c4"}),
	]})
	decision(event) == proposed
}

test_partial_documents_start_nothing if {
	every event in [
		{},
		{"push": "string", "pull_request": null},
		{"push": {"branch": "main", "affected_files": [stack_json]}, "stack": {"branch": "main"}},
		{"pull_request": {"action": "opened", "diff": [stack_json]}, "stack": {"project_root": ""}},
		{"pull_request": {"action": "opened", "draft": false, "diff": "string"}, "stack": "string", "in_progress": "string"},
		{"module": {"branch": "main"}, "pull_request": {"action": "opened"}},
	] {
		decision(event) == ignored
	}
}

# --- inputs --------------------------------------------------------------------------

stack_json := "cdktf.out/stacks/exp-http-baseline-aks/cdk.tf.json"

head_commit := "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"

merge_commit := "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"

stack := {
	"id": "exp-http-baseline-aks",
	"branch": "main",
	"labels": ["experiment", "azure", "experiment:http-baseline"],
	"project_root": "cdktf.out/stacks/exp-http-baseline-aks",
	"additional_project_globs": [],
}

push(branch, files) := {
	"stack": stack,
	"push": {"branch": branch, "tag": "", "hash": head_commit, "affected_files": files},
	"pull_request": null,
	"in_progress": [],
}

pull_request(action, diff) := {
	"stack": stack,
	"push": {"branch": "feature/bigger-pool", "tag": "", "hash": head_commit, "affected_files": diff},
	"pull_request": {
		"action": action,
		"draft": false,
		"diff": diff,
		"head": {"branch": "feature/bigger-pool", "hash": head_commit},
		"base": {"branch": "main"},
	},
	"in_progress": [],
}

in_progress(id, type, branch, commit) := {
	"id": id,
	"type": type,
	"state": "QUEUED",
	"branch": branch,
	"drift_detection": false,
	"commit": {"hash": commit},
}

decision(event) := {
	"track": tracks(event),
	"propose": proposes(event),
	"ignore": ignores(event),
	"cancel": cancelled(event),
}

tracks(event) := true if {
	spacelift.track with input as event
} else := false

proposes(event) := true if {
	spacelift.propose with input as event
} else := false

ignores(event) := true if {
	spacelift.ignore with input as event
} else := false

cancelled(event) := runs if {
	runs := spacelift.cancel with input as event
}
