# METADATA
# title: Git push triggers
# description: >-
#   Starts runs only when a stack's synthesized Terraform JSON changes. A push to the
#   tracked branch that touches the stack's project root is tracked, and a pull request
#   that touches it gets a preview. Everything else is ignored, so a change to docs,
#   tests or Python alone triggers nothing until it changes cdktf.out/. There is no
#   allow_fork rule, so pull requests from forks never run on workers that hold cloud
#   credentials.
# custom:
#   spacelift:
#     type: GIT_PUSH
#     autoattach: ["*"]
package spacelift

import rego.v1

# Pull request actions that mean "there is new code to preview".
preview_actions := {"opened", "reopened", "synchronize"}

# --- decisions ---------------------------------------------------------------------

# METADATA
# title: Pushes that change the stack are tracked
# description: >-
#   A plain push (not a pull request event, not a tag) to the stack's tracked branch
#   touches a file under the stack's project_root or matching one of its
#   additional_project_globs. The root matches whole directory names, so
#   cdktf.out/stacks/exp-a-aks does not match cdktf.out/stacks/exp-a-aks-2.
# custom:
#   outcome: track (a tracked run, which can apply)
track if {
	not pull_request_event
	not tag_push
	input.push.branch == input.stack.branch
	some path in input.push.affected_files
	in_project(path)
}

# METADATA
# title: Pull requests that change the stack get a preview
# description: >-
#   A pull request that is not a draft was opened, reopened or synchronized (new commits
#   pushed), and its diff touches the stack's project root or globs.
# custom:
#   outcome: propose (a proposed run)
propose if {
	pull_request_event
	input.pull_request.action in preview_actions
	not input.pull_request.draft
	some path in input.pull_request.diff
	in_project(path)
}

# METADATA
# title: Everything else is ignored
# description: >-
#   Neither track nor propose fired. Examples: a change to docs, tests or Python alone,
#   pushes to other branches, tags, draft pull requests, and pull requests that were
#   closed, merged, labelled or edited.
# custom:
#   outcome: ignore (no run)
ignore if {
	not track
	not propose
}

# METADATA
# title: A newer preview cancels stale ones
# description: >-
#   This event proposes a run, and earlier proposed runs of the stack on the same branch
#   are in progress, whatever their state. They are listed for cancellation; Spacelift
#   cancels on a best-effort basis, so a run a worker has already picked up may go on.
#   Runs for the event's commits (the pushed commit and the pull request's head) are
#   kept, because Spacelift merges a commit's push and pull request events into one
#   run. Drift detection runs are kept too.
# custom:
#   outcome: cancel (the listed run ids)
cancel contains run.id if {
	propose
	some run in input.in_progress
	run.type == "PROPOSED"
	run.branch == input.pull_request.head.branch
	not run.drift_detection
	not object.get(run, ["commit", "hash"], "") in event_commits
}

# --- the event ---------------------------------------------------------------------

pull_request_event if is_object(input.pull_request)

tag_push if {
	is_string(input.push.tag)
	input.push.tag != ""
}

# The commits this event is about: the pushed commit (or a pull request's merge
# commit) and the pull request's head.
event_commits contains hash if {
	some hash in [object.get(input, ["push", "hash"], null), object.get(input, ["pull_request", "head", "hash"], null)]
	is_string(hash)
	hash != ""
}

# --- the stack's files -------------------------------------------------------------

project_root := trim(root, "/") if {
	root := input.stack.project_root
	is_string(root)
} else := ""

# An empty project root is the whole repository, as in Spacelift's default policy.
in_project(path) if {
	project_root == ""
	is_string(path)
}

in_project(path) if trim(path, "/") == project_root

in_project(path) if startswith(trim(path, "/"), concat("", [project_root, "/"]))

in_project(path) if {
	some pattern in input.stack.additional_project_globs
	glob.match(pattern, ["/"], trim(path, "/"))
}
