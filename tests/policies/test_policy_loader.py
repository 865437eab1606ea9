"""lab.policies: reading a policy's METADATA, its errors, and the generated Markdown."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from lab.policies import (
    PolicyFile,
    PolicyRule,
    PolicyType,
    load_policies,
    load_policy,
    render_policies_markdown,
)

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


def test_policy_is_read_from_its_metadata(tmp_path: Path) -> None:
    path = write(tmp_path, "example.rego", VALID)

    assert load_policy(path) == PolicyFile(
        name="example",
        path=path,
        type=PolicyType.PLAN,
        title="Example guardrails",
        description="Checks an example over two lines.",
        autoattach_labels=("foundation", "experiment"),
        body=VALID,
        rules=(
            PolicyRule("deny", "No VPCs", "The plan creates a VPC.", "deny", line=22),
            PolicyRule("warn", "Always | careful", "Every run.", "warn", line=32),
        ),
    )


def test_body_keeps_the_files_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "example.rego"
    path.write_bytes(VALID.replace("\n", "\r\n").encode())

    policy = load_policy(path)

    assert policy.body == VALID.replace("\n", "\r\n")
    assert [rule.name for rule in policy.rules] == ["deny", "warn"]


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
            "# title: Example guardrails\n", "", "line 1: METADATA title is missing", id="no-title"
        ),
        pytest.param(
            "# description: >-\n#   Checks an example\n#   over two lines.\n",
            "",
            "line 1: METADATA description is missing",
            id="no-description",
        ),
        pytest.param(
            "#     type: PLAN\n",
            "",
            "METADATA custom.spacelift.type is missing (one of APPROVAL, GIT_PUSH, LOGIN, ",
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
            "# custom:\n#   spacelift:\n",
            "# custom:\n#   spacelift_type: PLAN\n#   spacelift:\n",
            "METADATA custom.spacelift_type: unknown key (allowed: spacelift)",
            id="unknown-custom-key",
        ),
        pytest.param(
            "#     type: PLAN\n",
            "#     type: PLAN\n#     labels: [x]\n",
            "METADATA custom.spacelift.labels: unknown key (allowed: autoattach, type)",
            id="unknown-spacelift-key",
        ),
        pytest.param(
            "# description: The plan creates a VPC.",
            "# descripton: The plan creates a VPC.",
            "line 17: METADATA descripton: not an OPA annotation key",
            id="misspelt-key",
        ),
        pytest.param(
            "#   outcome: deny\n",
            "#   result: deny\n",
            "line 17: METADATA custom.result: unknown key (allowed: outcome)",
            id="unknown-rule-custom-key",
        ),
        pytest.param(
            "# custom:\n#   outcome: deny\n",
            "# custom: {}\n",
            "line 17: METADATA custom.outcome is missing; say what Spacelift does when `deny` "
            "fires",
            id="no-outcome",
        ),
        pytest.param(
            "#   outcome: deny\n",
            "#   outcome: ' '\n",
            "line 17: METADATA custom.outcome is missing; say what Spacelift does when `deny` "
            "fires",
            id="blank-outcome",
        ),
        pytest.param(
            "#   outcome: deny\n",
            "",
            "line 17: METADATA custom is missing or not a mapping",
            id="outcome-line-deleted",
        ),
        pytest.param(
            "deny contains change.address if {",
            "approve contains change.address if {",
            "`approve` is not a rule Spacelift reads from PLAN policies, so it would be ignored",
            id="rule-of-another-type",
        ),
        pytest.param(
            "package spacelift\n", "package lab\n", "must be `package spacelift`", id="package"
        ),
        pytest.param(
            "# title: No VPCs",
            "# title: [No VPCs",
            "line 17: METADATA is not valid YAML",
            id="yaml",
        ),
        pytest.param(
            "import rego.v1\n",
            "# METADATA\n# title: x\nimport rego.v1\n",
            "line 12: METADATA cannot annotate an import",
            id="on-import",
        ),
        pytest.param(
            "# A helper needs no METADATA.\n",
            "# METADATA\n# title: Helper\n",
            "line 14: `forbidden` is not a rule Spacelift reads from PLAN policies",
            id="helper-annotated",
        ),
        pytest.param(
            "# METADATA\n# title: Always",
            "# METADATA\n# title: Twice\n\n# METADATA\n# title: Always",
            "line 30: a second METADATA block for line 35; merge them",
            id="two-blocks",
        ),
        pytest.param(
            "# METADATA\n# title: No VPCs",
            "# METADATA\n# scope: document\n# title: No VPCs",
            "METADATA scope: 'document' is not supported here; use 'rule'",
            id="document-scope",
        ),
        pytest.param(
            'warn contains "careful" if true\n',
            'warn contains "careful" if true\n\n# METADATA\n# title: Dangling\n',
            "the METADATA block is not followed by a package or rule",
            id="dangling",
        ),
    ],
)
def test_invalid_metadata_names_the_file_and_the_field(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert VALID.count(old) == 1, old
    path = write(tmp_path, "example.rego", VALID.replace(old, new))

    with pytest.raises(ValueError, match="^" + str(path).replace("\\", "\\\\")) as raised:
        load_policy(path)

    assert message in str(raised.value)


def test_policy_documenting_no_rule_is_rejected(tmp_path: Path) -> None:
    text = VALID.replace("# METADATA\n# title: No VPCs", "# No VPCs").replace(
        "# METADATA\n# title: Always", "# Always"
    )
    path = write(tmp_path, "example.rego", text)

    with pytest.raises(ValueError, match="no rule has a METADATA annotation; document each"):
        load_policy(path)


def test_login_policy_cannot_be_attached(tmp_path: Path) -> None:
    text = VALID.replace("type: PLAN", "type: LOGIN")
    path = write(tmp_path, "example.rego", text)

    with pytest.raises(ValueError, match="LOGIN policies are account-wide"):
        load_policy(path)


def test_policy_types_know_the_rules_spacelift_reads() -> None:
    assert {"approve", "reject"} <= PolicyType.APPROVAL.decision_rules
    assert "warn" not in PolicyType.APPROVAL.decision_rules
    assert {"deny", "warn"} <= PolicyType.PLAN.decision_rules
    assert {"track", "propose", "ignore", "cancel"} <= PolicyType.GIT_PUSH.decision_rules
    assert [kind for kind in PolicyType if not kind.attaches_to_stacks] == [
        PolicyType.NOTIFICATION,
        PolicyType.LOGIN,
    ]


def test_markdown_lists_policies_by_name_with_a_row_per_rule(tmp_path: Path) -> None:
    plan = load_policy(write(tmp_path, "plan.rego", VALID))
    login = replace(
        plan,
        name="login",
        path=tmp_path / "login.rego",
        type=PolicyType.LOGIN,
        title="Who logs in",
        description="Only the team.",
        autoattach_labels=(),
        rules=(PolicyRule("allow", "Team members", "The login is\nin the team.", "allow", 5),),
    )
    everywhere = replace(
        plan, name="approval", path=tmp_path / "approval.rego", autoattach_labels=("*",)
    )

    markdown = render_policies_markdown([plan, login, everywhere])

    assert markdown == render_policies_markdown([everywhere, login, plan])
    assert markdown.endswith("\n")
    assert markdown.splitlines()[8:11] == [
        "| `policies/approval.rego` | `PLAN` | every stack (`autoattach:*`) | Example guardrails |",
        "| `policies/login.rego` | `LOGIN` | the whole account | Who logs in |",
        "| `policies/plan.rego` | `PLAN` | stacks labelled `foundation`, `experiment` "
        "(`autoattach:foundation`, `autoattach:experiment`) | Example guardrails |",
    ]
    assert "| `allow`: Team members | The login is in the team. | allow |" in markdown
    assert "| `warn`: Always \\| careful | Every run. | warn |" in markdown
    assert markdown.count("| `deny`: No VPCs | The plan creates a VPC. | deny |") == 2
