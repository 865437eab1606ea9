"""Reading the policies: lab.policies (what synth uploads) and lab.commands.policy_docs (the
reference ``lab docs`` renders from the annotations OPA returns)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from lab.commands.policy_docs import (
    DECISION_RULES,
    DocumentedRule,
    PolicyDocsError,
    PolicyReference,
    _ask_opa,
    policy_reference,
    render_policies_markdown,
    trace_cache_dir,
)
from lab.policies import PolicyFile, load_policies, load_policy
from lab.rules.policies import PolicyType

VALID = """\
# METADATA
# title: Example guardrails
# description: >-
#   Checks an example
#   over two lines.
# custom:
#   spacelift:
#     type: PLAN
#     autoattach: ["foundation", "experiment"]
package spacelift

import rego.v1

# A helper needs no METADATA.
forbidden := {"aws_vpc"}

# METADATA
# title: No VPCs
# description: The plan creates a VPC.
# custom:
#   outcome: deny
deny contains change.address if {
	some change in input.terraform.resource_changes
	change.type in forbidden
}

# METADATA
# title: Always | careful
# description: Every run.
# custom:
#   outcome: warn
warn contains "careful" if true
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


TESTS = """\
package spacelift_test

import rego.v1

import data.spacelift

test_a_vpc_is_denied if {
	spacelift.deny == {"aws_vpc.main"} with input as {"terraform": {"resource_changes": [
		{"address": "aws_vpc.main", "type": "aws_vpc"},
	]}}
}

test_every_run_is_warned if "careful" in spacelift.warn
"""
"""Rego tests that reach both of VALID's decision rules."""


def test_policy_is_read_from_its_package_metadata(tmp_path: Path) -> None:
    path = write(tmp_path, "example.rego", VALID)

    assert load_policy(path) == PolicyFile(
        name="example",
        path=path,
        type=PolicyType.PLAN,
        description="Checks an example over two lines.",
        autoattach_labels=("foundation", "experiment"),
        body=VALID,
    )


def test_body_keeps_the_files_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "example.rego"
    path.write_bytes(VALID.replace("\n", "\r\n").encode())

    policy = load_policy(path)

    assert policy.body == VALID.replace("\n", "\r\n")
    assert policy.type is PolicyType.PLAN


def test_policies_are_every_non_test_file_sorted_by_name(tmp_path: Path) -> None:
    for name in ("plan.rego", "approval.rego", "approval_test.rego", "notes.md"):
        write(tmp_path, name, VALID)

    assert [policy.name for policy in load_policies(tmp_path)] == ["approval", "plan"]


def test_empty_directory_has_no_policies(tmp_path: Path) -> None:
    assert load_policies(tmp_path) == ()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param(
            VALID[: VALID.index("package")],
            "",
            "the package statement has no METADATA annotation",
            id="no-package-metadata",
        ),
        pytest.param(
            "# description: >-\n#   Checks an example\n#   over two lines.\n",
            "",
            "line 1: METADATA description: missing or empty",
            id="no-description",
        ),
        pytest.param(
            "#     type: PLAN\n",
            "",
            "METADATA custom.spacelift.type: missing; give one of APPROVAL, GIT_PUSH, LOGIN, ",
            id="no-type",
        ),
        pytest.param(
            "type: PLAN",
            "type: TERRAFORM_PLAN",
            "custom.spacelift.type: 'TERRAFORM_PLAN' is not a policy type",
            id="unknown-type",
        ),
        pytest.param(
            '#     autoattach: ["foundation", "experiment"]\n',
            "",
            "custom.spacelift.autoattach: PLAN policies attach to nothing without labels",
            id="no-labels",
        ),
        pytest.param(
            '["foundation", "experiment"]',
            "foundation",
            "custom.spacelift.autoattach: must be a list of stack labels",
            id="labels-not-a-list",
        ),
        pytest.param(
            "type: PLAN", "type: LOGIN", "LOGIN policies are account-wide", id="login-attached"
        ),
        pytest.param(
            "package spacelift\n", "package lab\n", "must be `package spacelift`", id="package"
        ),
        pytest.param(
            "# title: Example guardrails",
            "# title: [Example",
            "line 1: METADATA is not valid YAML",
            id="yaml",
        ),
    ],
)
def test_invalid_package_metadata_names_the_file_and_the_field(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert VALID.count(old) == 1, old
    path = write(tmp_path, "example.rego", VALID.replace(old, new))

    with pytest.raises(ValueError, match="^" + str(path).replace("\\", "\\\\")) as raised:
        load_policy(path)

    assert message in str(raised.value)


def test_policy_types_know_the_rules_spacelift_reads() -> None:
    assert {"approve", "reject"} <= DECISION_RULES[PolicyType.APPROVAL]
    assert "warn" not in DECISION_RULES[PolicyType.APPROVAL]
    assert {"deny", "warn"} <= DECISION_RULES[PolicyType.PLAN]
    assert {"track", "propose", "ignore", "cancel"} <= DECISION_RULES[PolicyType.GIT_PUSH]
    assert [kind for kind in PolicyType if not kind.attaches_to_stacks] == [
        PolicyType.NOTIFICATION,
        PolicyType.LOGIN,
    ]


# --- the reference lab docs renders, from OPA -------------------------------------------


def reference(tmp_path: Path, text: str = VALID, tests: str = TESTS) -> PolicyReference:
    return policy_reference(load_policy(write(tmp_path, "example.rego", text)), tests)


def test_opa_gives_the_package_and_every_decision_rule(tmp_path: Path) -> None:
    found = reference(tmp_path)

    assert (found.title, found.description) == (
        "Example guardrails",
        "Checks an example over two lines.",
    )
    assert found.rules == (
        DocumentedRule("deny", 22, "No VPCs", "The plan creates a VPC.", "deny"),
        DocumentedRule("warn", 32, "Always | careful", "Every run.", "warn"),
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param(
            "# title: Example guardrails\n", "", "the package: title is missing", id="no-title"
        ),
        pytest.param(
            "# description: The plan creates a VPC.",
            "# descripton: The plan creates a VPC.",
            # OPA drops keys it does not know; the description is then missing.
            "`deny` (line 22): description is missing",
            id="misspelt-key",
        ),
        pytest.param(
            "#   outcome: deny\n",
            "#   result: deny\n",
            "`deny` (line 22): custom must hold just outcome",
            id="no-outcome",
        ),
        pytest.param(
            "warn contains",
            "helper contains",
            "`helper` (line 32) is not a rule Spacelift reads from PLAN policies",
            id="helper-annotated",
        ),
        pytest.param(
            "import rego.v1\n\n# A helper",
            "# METADATA\n# title: x\nimport rego.v1\n\n# A helper",
            "example.rego: OPA: ",
            id="on-import",
        ),
    ],
)
def test_the_reference_refuses_what_does_not_document_the_policy(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    tests = TESTS
    assert VALID.count(old) == 1, old
    text = VALID.replace(old, new)
    if new == "helper contains":
        tests = TESTS.replace("spacelift.warn", "spacelift.helper")

    with pytest.raises(PolicyDocsError, match=r"^policies/example\.rego: ") as raised:
        reference(tmp_path, text, tests)

    assert message in str(raised.value)


def test_the_reference_holds_the_rules_the_tests_reach(tmp_path: Path) -> None:
    # What test_policy_files asserts of the real policies: every decision rule is reached.
    untested = TESTS.replace('test_every_run_is_warned if "careful" in spacelift.warn\n', "")

    assert [rule.name for rule in reference(tmp_path, VALID, untested).rules] == ["deny"]


def test_the_reference_refuses_a_package_annotation_read_otherwise_than_by_opa(
    tmp_path: Path,
) -> None:
    policy = load_policy(write(tmp_path, "example.rego", VALID))

    with pytest.raises(PolicyDocsError, match="reads the package's METADATA differently"):
        policy_reference(replace(policy, type=PolicyType.APPROVAL), TESTS)


def test_markdown_lists_policies_by_name_with_a_row_per_rule(tmp_path: Path) -> None:
    plan = reference(tmp_path)
    login = PolicyReference(
        replace(
            plan.policy,
            name="login",
            path=tmp_path / "login.rego",
            type=PolicyType.LOGIN,
            autoattach_labels=(),
        ),
        "Who logs in",
        "Only the team.",
        (DocumentedRule("allow", 5, "Team members", "The login is\nin the team.", "allow"),),
    )
    everywhere = replace(
        plan,
        policy=replace(
            plan.policy, name="approval", path=tmp_path / "approval.rego", autoattach_labels=("*",)
        ),
    )

    markdown = render_policies_markdown([plan, login, everywhere])

    assert markdown == render_policies_markdown([everywhere, login, plan])
    assert markdown.endswith("\n")
    assert markdown.splitlines()[8:11] == [
        "| `policies/approval.rego` | `PLAN` | every stack (`autoattach:*`) | Example guardrails |",
        "| `policies/example.rego` | `PLAN` | stacks labelled `foundation`, `experiment` "
        "(`autoattach:foundation`, `autoattach:experiment`) | Example guardrails |",
        "| `policies/login.rego` | `LOGIN` | the whole account | Who logs in |",
    ]
    assert "| `allow`: Team members | The login is in the team. | allow |" in markdown
    assert "| `warn`: Always \\| careful | Every run. | warn |" in markdown
    assert markdown.count("| `deny`: No VPCs | The plan creates a VPC. | deny |") == 2


# --- what OPA answered, kept on disk ---------------------------------------------------


@pytest.fixture
def trace_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache directory, and no answer kept in this process."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _ask_opa.cache_clear()
    yield trace_cache_dir()
    _ask_opa.cache_clear()


def without_opa(monkeypatch: pytest.MonkeyPatch) -> None:
    """Importing the engine fails from here on; only the disk cache can answer."""
    _ask_opa.cache_clear()
    monkeypatch.setitem(sys.modules, "opa_bindings", None)


def test_a_policy_traced_once_is_read_back_without_opa(
    tmp_path: Path, trace_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    traced = reference(tmp_path)
    assert len(list(trace_cache.glob("*.json"))) == 1
    without_opa(monkeypatch)
    assert reference(tmp_path) == traced


def test_a_changed_policy_or_test_is_traced_again(
    tmp_path: Path, trace_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference(tmp_path)
    without_opa(monkeypatch)
    for text, tests in ((VALID.replace("No VPCs", "No networks"), TESTS), (VALID, TESTS + "\n")):
        with pytest.raises(PolicyDocsError, match="OPA, which is not installed"):
            reference(tmp_path, text, tests)


def test_an_unreadable_cache_entry_is_a_miss(
    tmp_path: Path, trace_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    traced = reference(tmp_path)
    (entry,) = trace_cache.glob("*.json")
    entry.write_text("{not json", encoding="utf-8")
    _ask_opa.cache_clear()
    assert reference(tmp_path) == traced  # OPA traced it again
    assert json.loads(entry.read_text(encoding="utf-8"))["chain"]  # and the entry is whole


def test_a_cache_that_cannot_be_written_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache directory would be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    _ask_opa.cache_clear()
    assert reference(tmp_path).title == "Example guardrails"
    _ask_opa.cache_clear()
