"""`lab affected`: against real git repositories created here, and the analysis alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lab.commands import affected
from tests.cli.conftest import SMALL_LAB, GitRepo, Invoke, make_lab, stack_json

EXP = "cdktf.out/stacks/exp-alpha-aks/cdk.tf.json"
AWS = "cdktf.out/stacks/aws-foundation/cdk.tf.json"
ROOT = "cdktf.out/stacks/spacelift-root/cdk.tf.json"


def run_json(invoke: Invoke, repo: GitRepo, *args: str) -> dict[str, Any]:
    result = invoke("affected", "--json", "--repo", str(repo.root), *args)
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_docs_only_change_runs_nothing(invoke: Invoke, repo: GitRepo) -> None:
    head = repo.commit("docs", {"docs/README.md": "# Docs\n\nMore.\n"})
    result = invoke("affected", "HEAD", "--repo", str(repo.root))
    assert result.exit_code == 0
    assert result.stderr == ""
    short = f"{repo.git('rev-parse', 'HEAD^')[:7]}..{head[:7]}"
    assert result.stdout == (
        f"HEAD ({short}): 1 file changed, none under cdktf.out/stacks/: Spacelift starts no run.\n"
    )
    document = run_json(invoke, repo, "HEAD")
    assert document["stacks"] == [] and document["queued"] == [] and document["notes"] == []
    assert document["files_changed"] == 1
    assert document["head"] == head


def test_experiment_change_on_main_is_a_tracked_autodeploy_run(
    invoke: Invoke, repo: GitRepo
) -> None:
    repo.commit("bigger alpha", {EXP: stack_json("exp-alpha-aks", 2)})
    result = invoke("affected", "HEAD~1..HEAD", "--repo", str(repo.root))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].endswith(": 1 file changed, 1 stack affected.")
    assert lines[1] == "As a push to main (the tracked branch): tracked runs, which can apply."
    assert lines[3].split() == ["STACK", "KIND", "CHANGE", "WHAT", "HAPPENS"]
    assert lines[4].split(maxsplit=3) == [
        "exp-alpha-aks",
        "experiment",
        "modified",
        "tracked run: applies without confirmation (autodeploy) unless the plan policy warns",
    ]
    assert len(lines) == 5

    document = run_json(invoke, repo, "HEAD~1..HEAD")
    assert document["event"] == "push"
    assert document["branch"] == "main"
    assert document["stacks"] == [
        {
            "id": "exp-alpha-aks",
            "kind": "experiment",
            "change": "modified",
            "files": [EXP],
            "run": "tracked",
            "apply": "autodeploy",
            "lifecycle": None,
            "after": [],
            "summary": (
                "tracked run: applies without confirmation (autodeploy) unless the plan "
                "policy warns"
            ),
        }
    ]
    assert document["queued"] == []


def test_foundation_change_waits_for_confirmation_and_queues_its_experiments(
    invoke: Invoke, repo: GitRepo
) -> None:
    repo.commit("wider vpc", {AWS: stack_json("aws-foundation", 2)})
    document = run_json(invoke, repo, "HEAD~1..HEAD")
    [stack] = document["stacks"]
    assert (stack["id"], stack["kind"], stack["run"], stack["apply"]) == (
        "aws-foundation",
        "foundation",
        "tracked",
        "confirm",
    )
    assert stack["summary"] == "tracked run: waits for a person to confirm the plan"
    # beta's AKS stack admits the AWS egress, so it is queued too.
    assert document["queued"] == [
        {"id": "exp-beta-aks", "after": ["aws-foundation"]},
        {"id": "exp-beta-eks", "after": ["aws-foundation"]},
    ]

    text = invoke("affected", "HEAD~1..HEAD", "--repo", str(repo.root)).stdout
    assert text.endswith(
        "Then queued, by stack dependencies (each runs only if an output it references "
        "changed):\n  exp-beta-aks  after aws-foundation\n  exp-beta-eks  after aws-foundation\n"
    )


def test_experiment_changed_with_its_foundation_runs_after_it(
    invoke: Invoke, repo: GitRepo
) -> None:
    azure = "cdktf.out/stacks/azure-foundation/cdk.tf.json"
    repo.commit("both", {azure: stack_json("azure-foundation", 2), EXP: stack_json("x", 2)})
    document = run_json(invoke, repo, "HEAD~1..HEAD")
    stacks = {stack["id"]: stack for stack in document["stacks"]}
    assert list(stacks) == ["azure-foundation", "exp-alpha-aks"]
    assert stacks["exp-alpha-aks"]["after"] == ["azure-foundation"]
    assert stacks["exp-alpha-aks"]["summary"].startswith(
        "tracked run: after azure-foundation finishes, applies without confirmation"
    )
    # The beta stacks depend on the same foundation without changing themselves: queued
    # (exp-beta-eks reads its egress).
    assert document["queued"] == [
        {"id": "exp-beta-aks", "after": ["azure-foundation"]},
        {"id": "exp-beta-eks", "after": ["azure-foundation"]},
    ]


def test_feature_branch_gets_previews(invoke: Invoke, repo: GitRepo) -> None:
    repo.git("switch", "--quiet", "-c", "feature")
    repo.commit("feature work", {EXP: stack_json("exp-alpha-aks", 3)})
    repo.git("switch", "--quiet", "main")
    repo.commit("meanwhile on main", {"docs/other.md": "x\n"})

    result = invoke("affected", "main...feature", "--repo", str(repo.root))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    # The merge base excludes main's own later commit.
    assert lines[0].endswith(": 1 file changed, 1 stack affected.")
    assert lines[1] == (
        "As a pull request into main: proposed runs (previews); nothing applies before the merge."
    )
    assert lines[4].split(maxsplit=3)[3] == (
        "proposed run (preview); once merged into main: applies without confirmation "
        "(autodeploy) unless the plan policy warns"
    )
    document = run_json(invoke, repo, "main...feature")
    assert document["event"] == "pull_request"
    assert [(s["run"], s["apply"]) for s in document["stacks"]] == [("proposed", "autodeploy")]

    forced = run_json(invoke, repo, "main...feature", "--event", "push")
    assert forced["event"] == "push"
    assert forced["stacks"][0]["run"] == "tracked"


def test_two_dot_range_includes_both_sides(invoke: Invoke, repo: GitRepo) -> None:
    repo.git("switch", "--quiet", "-c", "feature")
    repo.commit("feature work", {EXP: stack_json("exp-alpha-aks", 3)})
    repo.git("switch", "--quiet", "main")
    repo.commit("meanwhile on main", {AWS: stack_json("aws-foundation", 2)})
    document = run_json(invoke, repo, "main..feature")
    assert [s["id"] for s in document["stacks"]] == ["aws-foundation", "exp-alpha-aks"]


def test_removed_experiment_is_destroyed_by_spacelift_root(invoke: Invoke, repo: GitRepo) -> None:
    repo.commit(
        "drop alpha",
        {ROOT: stack_json("spacelift-root", 2)},
        delete=["experiments/alpha", "cdktf.out/stacks/exp-alpha-aks"],
    )
    document = run_json(invoke, repo, "HEAD")
    stacks = {stack["id"]: stack for stack in document["stacks"]}
    assert list(stacks) == ["spacelift-root", "exp-alpha-aks"]
    removed = stacks["exp-alpha-aks"]
    assert (removed["kind"], removed["change"], removed["run"], removed["lifecycle"]) == (
        "experiment",
        "deleted",
        None,
        "destroy",
    )
    assert removed["summary"] == (
        "removed: when spacelift-root's run applies, its destructor destroys its cloud "
        "resources, then the stack"
    )
    assert stacks["spacelift-root"]["run"] == "tracked"
    assert stacks["spacelift-root"]["apply"] == "confirm"
    assert document["notes"] == []  # a removal alone is no rename


def test_a_renamed_experiment_is_said_to_destroy_and_create_its_clusters(
    invoke: Invoke, repo: GitRepo
) -> None:
    repo.git("mv", "experiments/alpha", "experiments/alfa")
    repo.git("mv", "cdktf.out/stacks/exp-alpha-aks", "cdktf.out/stacks/exp-alfa-aks")
    repo.commit("rename alpha", {ROOT: stack_json("spacelift-root", 2)})
    document = run_json(invoke, repo, "HEAD")
    changes = {stack["id"]: stack["lifecycle"] for stack in document["stacks"]}
    assert changes == {"spacelift-root": None, "exp-alfa-aks": "create", "exp-alpha-aks": "destroy"}
    assert document["notes"] == [
        "exp-alpha-aks removed and exp-alfa-aks added: if an experiment folder was renamed, its "
        "clusters are destroyed and new ones created (their names and the stack's come from the "
        "folder name), not renamed; keep the old name to keep them (docs/workflows.md, "
        '"Renaming an experiment")'
    ]


def test_uncommitted_changes_are_said_to_be_left_out(invoke: Invoke, repo: GitRepo) -> None:
    repo.commit("docs", {"docs/README.md": "# Docs\n"})
    assert run_json(invoke, repo, "HEAD")["notes"] == []
    (repo.root / EXP).write_text(stack_json("exp-alpha-aks", 2))
    (repo.root / "new.txt").write_text("x\n")
    document = run_json(invoke, repo, "HEAD")
    assert document["stacks"] == []  # the range is of commits
    assert document["notes"] == [
        f"uncommitted changes are not included (2: {EXP}, new.txt): this compares commits "
        "only; commit them to see what they run"
    ]


def test_new_experiment_is_created_by_spacelift_root(invoke: Invoke, repo: GitRepo) -> None:
    repo.commit(
        "add gamma",
        {
            "experiments/gamma/target/cluster.yaml": "size: small\nprovider: aws\n",
            "cdktf.out/stacks/exp-gamma-eks/cdk.tf.json": stack_json("exp-gamma-eks"),
            ROOT: stack_json("spacelift-root", 2),
        },
    )
    document = run_json(invoke, repo, "HEAD")
    new = document["stacks"][-1]
    assert (new["id"], new["change"], new["run"], new["apply"], new["lifecycle"]) == (
        "exp-gamma-eks",
        "added",
        None,
        None,
        "create",
    )
    assert new["summary"] == (
        "new stack: created when spacelift-root's run applies; adding its output references "
        "starts its first run"
    )


def test_a_runtime_config_change_gets_a_note(invoke: Invoke, repo: GitRepo) -> None:
    repo.commit("runtime", {".spacelift/config.yml": "version: '2'\n"})
    result = invoke("affected", "HEAD", "--repo", str(repo.root))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == (
        "note: .spacelift/config.yml changed: it applies to the next run of every stack "
        "(previews show it) but starts none"
    )


def test_root_commit_adds_every_stack(invoke: Invoke, repo: GitRepo) -> None:
    root_commit = repo.git("rev-list", "--max-parents=0", "HEAD")
    document = run_json(invoke, repo, root_commit)
    assert [(s["id"], s["change"]) for s in document["stacks"]] == [
        ("spacelift-root", "added"),
        ("azure-foundation", "added"),
        ("aws-foundation", "added"),
        ("exp-alpha-aks", "added"),
        ("exp-beta-aks", "added"),
        ("exp-beta-eks", "added"),
    ]
    summaries = {s["id"]: s["summary"] for s in document["stacks"]}
    assert summaries["spacelift-root"] == (
        "the management stack: create it by hand once (docs/bootstrap.md)"
    )
    assert summaries["aws-foundation"].endswith("trigger its first run by hand")


def test_runs_from_a_subdirectory_and_reads_the_top_level_definition(
    invoke: Invoke, repo: GitRepo
) -> None:
    repo.commit("bigger alpha", {EXP: stack_json("exp-alpha-aks", 2)})
    result = invoke("affected", "HEAD", "--json", "--repo", str(repo.root / "docs"))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["stacks"][0]["id"] == "exp-alpha-aks"


def test_without_the_tracked_branch_a_pull_request_is_assumed(
    invoke: Invoke, tmp_path: Path
) -> None:
    trunk = GitRepo(tmp_path / "trunk", branch="trunk")
    make_lab(trunk.root, SMALL_LAB)
    trunk.commit("lab", {EXP: stack_json("exp-alpha-aks")})
    trunk.commit("change", {EXP: stack_json("exp-alpha-aks", 2)})
    document = run_json(invoke, trunk, "HEAD")
    assert document["event"] == "pull_request"
    assert document["notes"] == [
        "this repository has no branch main; assumed a pull request (--event push to see the "
        "tracked runs)"
    ]
    tracked = run_json(invoke, trunk, "HEAD", "--branch", "trunk")
    assert (tracked["event"], tracked["branch"], tracked["notes"]) == ("push", "trunk", [])


def test_not_a_repository_exits_2(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("affected", "HEAD", "--repo", str(tmp_path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"error: {tmp_path} is not inside a git repository\n"


@pytest.mark.parametrize(
    ("revision_range", "message"),
    [
        ("nope..HEAD", "error: unknown revision or range 'nope..HEAD' in this repository\n"),
        ("HEAD...nope", "error: unknown revision or range 'HEAD...nope' in this repository\n"),
        # Not "share no history": an unknown end is that.
        ("nope...HEAD", "error: unknown revision or range 'nope...HEAD' in this repository\n"),
        # A range is never read as an option.
        ("--all", "error: unknown revision or range '--all' in this repository\n"),
        ("HEAD~5", "error: unknown revision or range 'HEAD~5' in this repository\n"),
    ],
)
def test_bad_ranges_exit_2(
    invoke: Invoke, repo: GitRepo, revision_range: str, message: str
) -> None:
    result = invoke("affected", "--repo", str(repo.root), "--", revision_range)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == message


def test_unrelated_histories_have_no_merge_base(invoke: Invoke, repo: GitRepo) -> None:
    repo.git("switch", "--quiet", "--orphan", "island")
    repo.commit("unrelated", {"x.txt": "x\n"})
    repo.git("switch", "--quiet", "main")
    result = invoke("affected", "main...island", "--repo", str(repo.root))
    assert result.exit_code == 2
    assert result.stderr == "error: the two sides of main...island share no history\n"


def test_invalid_definition_in_the_repository_exits_2(invoke: Invoke, repo: GitRepo) -> None:
    (repo.root / "experiments" / "alpha" / "target" / "cluster.yaml").write_text("size: 3\n")
    result = invoke("affected", "HEAD", "--repo", str(repo.root))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: 2 problems in the lab definition")


def test_removed_foundation_is_protected(invoke: Invoke, repo: GitRepo) -> None:
    repo.commit("drop aws", delete=["cdktf.out/stacks/aws-foundation"])
    document = run_json(invoke, repo, "HEAD")
    [stack] = document["stacks"]
    assert (stack["change"], stack["lifecycle"], stack["run"]) == (
        "deleted",
        "delete_blocked",
        None,
    )
    assert "protected from deletion" in stack["summary"]
    assert document["queued"] == []  # a removed foundation runs nothing downstream


def test_a_removed_stack_is_described_by_the_definition_it_left(
    invoke: Invoke, repo: GitRepo
) -> None:
    """The working tree no longer defines exp-beta-eks: the range's base does."""
    repo.commit(
        "drop beta's loadgen",
        delete=["experiments/beta/loadgen", "cdktf.out/stacks/exp-beta-eks"],
    )
    document = run_json(invoke, repo, "HEAD", "--event", "pull-request")
    [stack] = document["stacks"]
    assert (stack["id"], stack["kind"], stack["lifecycle"]) == (
        "exp-beta-eks",
        "experiment",
        "destroy",
    )
    assert stack["summary"] == (
        "removed: once merged into main, when spacelift-root's run applies, its destructor "
        "destroys its cloud resources, then the stack"
    )


def test_stacks_no_definition_knows_are_reported_last(invoke: Invoke, repo: GitRepo) -> None:
    repo.commit("custom", {"cdktf.out/stacks/zz-custom/main.tf.json": "{}\n"})
    repo.commit(
        "drop custom",
        {EXP: stack_json("exp-alpha-aks", 2)},
        delete=["cdktf.out/stacks/zz-custom"],
    )
    document = run_json(invoke, repo, "HEAD")
    assert [(s["id"], s["kind"], s["lifecycle"]) for s in document["stacks"]] == [
        ("exp-alpha-aks", "experiment", None),
        ("zz-custom", None, "delete"),
    ]
    assert (document["stacks"][0]["run"], document["stacks"][0]["apply"]) == (
        "tracked",
        "autodeploy",
    )


def test_only_files_inside_a_stack_folder_count() -> None:
    assert affected.stack_of("cdktf.out/stacks/exp-a-aks/cdk.tf.json") == "exp-a-aks"
    assert affected.stack_of("cdktf.out/stacks/exp-a-aks/sub/x.json") == "exp-a-aks"
    assert affected.stack_of("cdktf.out/manifest.json") is None
    assert affected.stack_of("cdktf.out/stacks/README") is None
    assert affected.stack_of("docs/cdktf.out/stacks/x/y") is None
