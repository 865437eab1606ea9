"""Every policy on every input document Spacelift publishes: no evaluation errors, and no
run let through where the input leaves doubt.

``published_inputs/`` holds the documents (see its ``MANIFEST.json`` for where each comes
from). Most are placeholders ("string - ...") or partial mocks, which is the point: a
policy that errors on them, or approves, tracks or passes a plan it could not read, would
do the same on a real input of an unexpected shape. Each policy is compiled alone, as
Spacelift evaluates it, and also tried on the other policy types' documents.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

import pytest

from lab.policies import PolicyFile
from lab.rules.policies import PolicyType
from tests.policies.decisions import Decision, decide
from tests.policies.engine import Engine, JsonValue
from tests.policies.test_approval_scenarios import SELF_APPROVAL_SUFFIX

PUBLISHED = Path(__file__).parent / "published_inputs"
MANIFEST = json.loads((PUBLISHED / "MANIFEST.json").read_text(encoding="utf-8"))
INPUTS = sorted(path.relative_to(PUBLISHED).as_posix() for path in PUBLISHED.glob("*/*.json"))
SOURCES = {
    "spacelift-io/user-documentation": "6e9746fefd4ef10fc7c4b68567356a98d3c07c56",
    "spacelift-io/spacelift-policies-example-library": "00ef086a7bc91f149c188e85c18f4cff73178e69",
}
# The policy each directory's documents are published for.
POLICY_OF_DIRECTORY = {"approval": "approval", "plan": "plan", "push": "push"}

# Published documents a policy may let through, and why that is no doubt.
LET_THROUGH = {
    (
        "approval",
        "approval/library-role-based-approval--auto-approve.json",
    ): "a queued TRACKED run starts on every stack, whatever the stack; its plan is "
    "reviewed when it awaits confirmation",
}


def document(name: str) -> JsonValue:
    return json.loads((PUBLISHED / name).read_text(encoding="utf-8"))


def lets_through(policy: PolicyFile, decision: Decision) -> bool:
    """Whether ``decision`` lets a run go ahead: approved, started, or a plan not denied."""
    if policy.type is PolicyType.APPROVAL:
        return bool(decision["approve"])
    if policy.type is PolicyType.GIT_PUSH:
        return bool(decision["track"] or decision["propose"])
    return not decision["deny"]


# --- the collection -----------------------------------------------------------------


def test_manifest_lists_every_published_input_once() -> None:
    listed = [entry["file"] for entry in MANIFEST["inputs"]]

    assert sorted(listed) == INPUTS
    assert len(set(listed)) == len(listed)


@pytest.mark.parametrize("entry", MANIFEST["inputs"], ids=lambda entry: entry["file"])
def test_manifest_says_where_each_input_comes_from(entry: Mapping[str, str]) -> None:
    assert entry["file"].split("/")[0] == entry["policy_type"]
    assert SOURCES[entry["repository"]] == entry["commit"]
    assert entry["path"].startswith(("docs/", "examples/"))
    assert re.fullmatch(r"\d+(-\d+)?", entry.get("lines", "0"))
    assert entry["changes"]


def test_every_published_source_is_collected() -> None:
    paths = {(entry["repository"], entry["path"]) for entry in MANIFEST["inputs"]}
    docs = {path for repository, path in paths if repository.endswith("user-documentation")}
    library = {path for repository, path in paths if repository.endswith("example-library")}

    assert {
        "docs/snippets/approval_input.json",
        "docs/snippets/plan_input.json",
        "docs/snippets/git_push_input.json",
        "docs/concepts/policy/approval-policy.md",
        "docs/concepts/policy/terraform-plan-policy.md",
        "docs/concepts/policy/push-policy/README.md",
        "docs/vendors/terraform/infracost.md",
    } == docs
    # The library has 47 *_test.rego files under examples/{approval,plan,push} at that
    # commit, and each mocks at least one input.
    assert len(library) == 47
    assert {path.split("/")[1] for path in library} == {"approval", "plan", "push"}


def test_every_input_is_a_json_object() -> None:
    assert all(isinstance(document(name), dict) for name in INPUTS)


# --- the policies on them -----------------------------------------------------------


@pytest.fixture(scope="module")
def uploaded_engines(
    policies: Mapping[str, PolicyFile], engines: Mapping[str, Engine]
) -> Mapping[str, tuple[PolicyFile, Engine]]:
    """Every body the management stack may upload, compiled alone: each policy as it is,
    and the approval policy with self-approval switched on."""
    approval = policies["approval"]
    return {
        **{name: (policy, engines[name]) for name, policy in policies.items()},
        "approval+self_approval": (
            approval,
            Engine({approval.path.name: approval.body + SELF_APPROVAL_SUFFIX}),
        ),
    }


@pytest.mark.parametrize("name", INPUTS)
@pytest.mark.parametrize("body", ["approval", "approval+self_approval", "plan", "push"])
def test_policy_evaluates_and_fails_closed_on_a_published_input(
    uploaded_engines: Mapping[str, tuple[PolicyFile, Engine]], body: str, name: str
) -> None:
    policy, engine = uploaded_engines[body]

    decision = decide(engine, policy, document(name))  # raises on an evaluation error

    exempt = (policy.name, name) in LET_THROUGH
    assert lets_through(policy, decision) == exempt, decision


def test_what_a_policy_lets_through_is_a_published_input_of_its_own_type() -> None:
    assert all(
        POLICY_OF_DIRECTORY[name.split("/")[0]] == policy and name in INPUTS
        for policy, name in LET_THROUGH
    )
