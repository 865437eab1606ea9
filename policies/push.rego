# METADATA
# title: Git push triggers
# description: >-
#   Starts runs only when a stack's synthesized Terraform JSON changes. A push to the
#   tracked branch that touches the stack's project root is tracked, and a pull request
#   that touches it gets a preview. Everything else is ignored, so a change to docs,
#   tests or Python alone triggers nothing until it changes cdktf.out/. There is no
#   allow_fork rule, so pull requests from forks never run on workers that hold cloud
#   credentials. An event the policy cannot positively read (a field missing or of the
#   wrong type) starts nothing.
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
#   A plain push (pull_request is null, and the tag empty or null) to the stack's tracked
#   branch touches a file under the stack's project_root or matching one of its
#   additional_project_globs. The root matches whole directory names, so
#   cdktf.out/stacks/exp-a-aks does not match cdktf.out/stacks/exp-a-aks-2.
# custom:
#   outcome: track (a tracked run, which can apply)
track if {
	push_event
	untagged
	is_string(input.push.branch)
	input.push.branch == input.stack.branch
	some path in input.push.affected_files
	in_project(path)
}

# METADATA
# title: Pull requests that change the stack get a preview
# description: >-
#   A pull request that is not a draft (draft is false) was opened, reopened or
#   synchronized (new commits pushed), and its diff touches the stack's project root or
#   globs.
# custom:
#   outcome: propose (a proposed run)
propose if {
	pull_request_event
	input.pull_request.action in preview_actions
	input.pull_request.draft == false
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
#   run. Drift detection runs are kept too, and so is a run whose id, commit or
#   drift_detection flag cannot be read.
# custom:
#   outcome: cancel (the listed run ids)
cancel contains run.id if {
	propose
	some run in input.in_progress
	is_string(run.id)
	run.type == "PROPOSED"
	run.branch == input.pull_request.head.branch
	run.drift_detection == false
	is_string(run.commit.hash)
	not run.commit.hash in event_commits
}

# --- the event ---------------------------------------------------------------------

pull_request_event if is_object(input.pull_request)

# A plain push: Spacelift sends it with "pull_request": null
# (spacelift-io/user-documentation 6e9746fefd4ef10fc7c4b68567356a98d3c07c56,
# docs/concepts/policy/push-policy/README.md line 122). A document without the key
# may be any event.
push_event if {
	input.pull_request == null
	is_object(input.push)
}

# Not a tag push. The default push policy ignores `input.push.tag != ""` (same page,
# "Default Git push policy"), so a branch push carries an empty tag; null says the same.
# A missing tag says nothing.
untagged if input.push.tag in {"", null}

# The commits this event is about: the pushed commit (or a pull request's merge
# commit) and the pull request's head.
event_commits contains hash if {
	some hash in event_commit_fields
	is_string(hash)
	hash != ""
}

event_commit_fields contains input.push.hash

event_commit_fields contains input.pull_request.head.hash

# --- the stack's files -------------------------------------------------------------

# The stack's project root without its outer slashes. The docs call it optional
# ("project root as set on the Stack, if any"), so a missing or null one is the whole
# repository; one of another type leaves the root unknown, and no path is in it.
project_root := trim(root, "/") if {
	root := input.stack.project_root
	is_string(root)
} else := "" if {
	is_object(input.stack)
	object.get(input.stack, "project_root", null) == null
}

in_project(path) if {
	is_string(path)
	in_project_root(trim(path, "/"))
}

in_project(path) if {
	is_string(path)
	some pattern in input.stack.additional_project_globs
	is_string(pattern)
	glob.match(pattern, ["/"], trim(path, "/"))
}

# An empty project root is the whole repository, as in Spacelift's default policy.
in_project_root(_) if project_root == ""

in_project_root(path) if path == project_root

in_project_root(path) if startswith(path, concat("", [project_root, "/"]))
