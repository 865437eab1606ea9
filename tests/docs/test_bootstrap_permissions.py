"""The permission documents in docs/bootstrap/, against what the synthesized stacks manage.

People apply these files by hand (docs/bootstrap.md, step 3), and nothing applies them in
CI, so these tests check what holds offline: the two AWS files are IAM policy documents,
every AWS resource and data source type in ``cdktf.out/`` needs only services the
permission policy grants, and the Azure script is valid bash that may assign exactly the
roles the code assigns.

The repository's ``experiments/`` belong to its users, so the AWS check reads whatever
stacks are synthesized (with or without an EKS experiment) and compares types only. A
type the table below does not know fails the test: a new resource type forces a look at
the policy.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

import pytest

from lab.config import load_config
from lab.constructs.azure.aks.access import AksRole
from lab.constructs.azure.aks.cluster import NETWORK_CONTRIBUTOR_ROLE
from lab.stacks.base import budget_props
from tests.helpers import FIXTURE_CONFIG, REPO

BOOTSTRAP: Final = REPO / "docs" / "bootstrap"
TRUST_POLICY: Final = BOOTSTRAP / "aws-integration-trust.json"
PERMISSION_POLICY: Final = BOOTSTRAP / "aws-integration-policy.json"
AZURE_SCRIPT: Final = BOOTSTRAP / "azure-integration.sh"
SYNTHESIZED: Final = REPO / "cdktf.out" / "stacks"

# The IAM service (action prefix) each AWS type of the lab calls. None: the type makes no
# AWS call (the provider computes it from its own configuration). A type the code starts
# to synthesize must be added here, and the policy must grant what it needs.
RESOURCE_SERVICES: Final[Mapping[str, str | None]] = {
    "aws_cloudwatch_log_group": "logs",
    "aws_budgets_budget": "budgets",
    "aws_ce_cost_allocation_tag": "ce",
    "aws_default_network_acl": "ec2",
    "aws_default_route_table": "ec2",
    "aws_default_security_group": "ec2",
    "aws_eip": "ec2",
    "aws_eks_access_entry": "eks",
    "aws_eks_access_policy_association": "eks",
    "aws_eks_addon": "eks",
    "aws_eks_cluster": "eks",
    "aws_eks_node_group": "eks",
    "aws_eks_pod_identity_association": "eks",
    "aws_flow_log": "ec2",
    "aws_iam_openid_connect_provider": "iam",
    "aws_iam_role": "iam",
    "aws_iam_role_policy": "iam",
    "aws_iam_role_policy_attachment": "iam",
    "aws_internet_gateway": "ec2",
    "aws_kms_alias": "kms",
    "aws_kms_key": "kms",
    "aws_launch_template": "ec2",
    "aws_nat_gateway": "ec2",
    "aws_route": "ec2",
    "aws_route_table": "ec2",
    "aws_route_table_association": "ec2",
    "aws_subnet": "ec2",
    "aws_vpc": "ec2",
}
DATA_SOURCE_SERVICES: Final[Mapping[str, str | None]] = {
    "aws_availability_zones": "ec2",
    "aws_caller_identity": "sts",
    "aws_eks_addon_version": "eks",
    "aws_iam_policy_document": None,
    "aws_partition": None,
    "aws_region": None,
}
_TABLES: Final = {"resource": RESOURCE_SERVICES, "data": DATA_SOURCE_SERVICES}

# Spacelift's AWS accounts (Spacelift's AWS integration page): spacelift.io, us.spacelift.io.
SPACELIFT_ACCOUNTS: Final = ("324880187172", "577638371743")
NETWORK_CONTRIBUTOR_GUID: Final = "4d97b98b-1d4f-4787-a291-c67834d212e7"
# IAM's size quota for a managed policy, whitespace not counted (inline ones may be larger).
MANAGED_POLICY_MAX_CHARACTERS: Final = 6144
# An AWS managed policy's ARN; synthesized ones spell the partition as an interpolation.
_AWS_MANAGED_POLICY: Final = re.compile(
    r"^arn:(?:[a-z-]+|\$\{[^}]+\}):iam::aws:policy/(?P<name>[A-Za-z0-9_/+=,.@-]+)$"
)

Statement = dict[str, Any]


# --- helpers ---------------------------------------------------------------------------


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else [value]


def grammar_problems(document: object, *, trust: bool) -> list[str]:
    """What keeps ``document`` from being an IAM policy (a trust policy when ``trust``)."""
    if not isinstance(document, dict):
        return ["the document is not a JSON object"]
    problems = []
    if document.get("Version") != "2012-10-17":
        problems.append(f"Version is {document.get('Version')!r}, not '2012-10-17'")
    statements = document.get("Statement")
    if not isinstance(statements, list) or not statements:
        return [*problems, "Statement is not a non-empty list"]
    sids = [s.get("Sid") for s in statements if isinstance(s, dict) and "Sid" in s]
    if len(sids) != len(set(sids)):
        problems.append(f"Sids repeat: {sids}")
    for index, statement in enumerate(statements):
        problems += statement_problems(statement, f"Statement[{index}]", trust=trust)
    return problems


def statement_problems(statement: object, where: str, *, trust: bool) -> list[str]:
    """What keeps one statement from being an IAM policy statement."""
    if not isinstance(statement, dict):
        return [f"{where} is not an object"]
    problems = []
    sid = statement.get("Sid", "")
    if not isinstance(sid, str) or not re.fullmatch(r"[A-Za-z0-9]*", sid):
        problems.append(f"{where}: Sid {sid!r} is not alphanumeric")
    if statement.get("Effect") not in ("Allow", "Deny"):
        problems.append(f"{where}: Effect is {statement.get('Effect')!r}")
    actions = as_list(statement.get("Action"))
    if not actions or not all(
        isinstance(a, str) and re.fullmatch(r"[a-z0-9-]+:[A-Za-z0-9*]+", a) for a in actions
    ):
        problems.append(f"{where}: Action {statement.get('Action')!r} is not service:Action")
    required, forbidden = ("Principal", "Resource") if trust else ("Resource", "Principal")
    if required not in statement:
        problems.append(f"{where} has no {required}")
    if forbidden in statement:
        problems.append(f"{where} has a {forbidden}, which this kind of policy cannot have")
    resources = as_list(statement.get("Resource", "*"))
    if not all(isinstance(r, str) and (r == "*" or r.startswith("arn:")) for r in resources):
        problems.append(f"{where}: Resource {statement.get('Resource')!r} is not ARNs or *")
    if not isinstance(statement.get("Condition", {}), dict):
        problems.append(f"{where}: Condition is not an object")
    return problems


def granted_services(policy: Mapping[str, Any]) -> set[str]:
    """The services some Allow statement of ``policy`` grants an action of."""
    return {
        action.split(":", 1)[0]
        for statement in policy["Statement"]
        if statement["Effect"] == "Allow"
        for action in as_list(statement["Action"])
    }


def synthesized_stacks(stacks_dir: Path) -> dict[str, dict[str, Any]]:
    """Every synthesized stack's Terraform JSON, by stack id."""
    return {path.parent.name: load_json(path) for path in sorted(stacks_dir.glob("*/cdk.tf.json"))}


def aws_types(stacks: Mapping[str, Mapping[str, Any]]) -> dict[tuple[str, str], list[str]]:
    """(``resource`` or ``data``, AWS type) -> the stacks that use it."""
    found: dict[tuple[str, str], list[str]] = {}
    for stack_id, doc in stacks.items():
        for kind in _TABLES:
            for block_type in doc.get(kind, {}):
                if block_type.startswith("aws_"):
                    found.setdefault((kind, block_type), []).append(stack_id)
    return found


def permission_gaps(types: Mapping[tuple[str, str], Iterable[str]], granted: set[str]) -> list[str]:
    """Each AWS type the table does not know, or whose service the policy does not grant."""
    gaps = []
    for (kind, block_type), stacks in sorted(types.items()):
        table = _TABLES[kind]
        where = f"{kind} {block_type} (in {', '.join(stacks)})"
        if block_type not in table:
            gaps.append(
                f"{where}: not in {'RESOURCE' if kind == 'resource' else 'DATA_SOURCE'}"
                "_SERVICES of tests/docs/test_bootstrap_permissions.py; add it with the IAM "
                "service it calls, and grant what it needs in "
                "docs/bootstrap/aws-integration-policy.json"
            )
        elif table[block_type] is not None and table[block_type] not in granted:
            gaps.append(
                f"{where}: docs/bootstrap/aws-integration-policy.json grants no "
                f"{table[block_type]}:* action"
            )
    return gaps


def attached_managed_policies(stacks: Mapping[str, Mapping[str, Any]]) -> set[str]:
    """The AWS managed policies (``service-role/AmazonEBSCSIDriverPolicy``) the stacks attach
    to roles, by name; any other policy ARN as it is (the permission policy allows none)."""
    names = set()
    for doc in stacks.values():
        for body in doc.get("resource", {}).get("aws_iam_role_policy_attachment", {}).values():
            match = _AWS_MANAGED_POLICY.match(body["policy_arn"])
            names.add(match["name"] if match else body["policy_arn"])
    return names


def allowed_managed_policies(policy: Mapping[str, Any]) -> set[str]:
    """The AWS managed policies ``iam:AttachRolePolicy`` is limited to, by name."""
    names = set()
    for statement in policy["Statement"]:
        if "iam:AttachRolePolicy" not in as_list(statement["Action"]):
            continue
        for arn in as_list(statement["Condition"]["ArnEquals"]["iam:PolicyARN"]):
            match = _AWS_MANAGED_POLICY.match(arn)
            assert match, f"{arn} is not an AWS managed policy ARN"
            names.add(match["name"])
    return names


def script_roles() -> dict[str, str]:
    """ASSIGNABLE_ROLES of the Azure script: role name -> role definition GUID."""
    text = AZURE_SCRIPT.read_text(encoding="utf-8")
    block = re.search(r"^ASSIGNABLE_ROLES=\(\n(.*?)^\)", text, re.M | re.S)
    assert block, "azure-integration.sh has no ASSIGNABLE_ROLES=( ... ) array"
    entries = re.findall(r"^\s*([0-9a-f-]{36}) # (.+?)\s*$", block[1], re.M)
    return {name: guid for guid, name in entries}


def run_script(**env: str) -> subprocess.CompletedProcess[str]:
    bash = shutil.which("bash")
    assert bash, "bash is not installed"
    return subprocess.run(
        [bash, str(AZURE_SCRIPT)],
        env={"PATH": os.environ.get("PATH", ""), **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )


# --- AWS -------------------------------------------------------------------------------


def test_the_trust_policy_lets_spacelift_assume_the_role_for_one_account() -> None:
    trust = load_json(TRUST_POLICY)

    assert grammar_problems(trust, trust=True) == []
    (statement,) = trust["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Principal"]["AWS"] in {
        form for account in SPACELIFT_ACCOUNTS for form in (account, f"arn:aws:iam::{account}:root")
    }
    # <account>@<integration-id>@<stack-slug>@<read|write>: any stack of one account.
    external_id = statement["Condition"]["StringLike"]["sts:ExternalId"]
    assert re.fullmatch(r"[^@*]+@\*", external_id), external_id


def test_the_permission_policy_is_an_iam_policy_that_fits_a_managed_policy() -> None:
    text = PERMISSION_POLICY.read_text(encoding="utf-8")
    policy = json.loads(text)

    assert grammar_problems(policy, trust=False) == []
    assert {s["Effect"] for s in policy["Statement"]} == {"Allow"}
    assert len(re.sub(r"\s", "", text)) <= MANAGED_POLICY_MAX_CHARACTERS


def test_the_grammar_check_notices_a_broken_policy() -> None:
    broken = {
        "Version": "2008-10-17",
        "Statement": [{"Sid": "no-dashes", "Effect": "allow", "Action": "ec2"}],
    }

    assert grammar_problems(broken, trust=False) == [
        "Version is '2008-10-17', not '2012-10-17'",
        "Statement[0]: Sid 'no-dashes' is not alphanumeric",
        "Statement[0]: Effect is 'allow'",
        "Statement[0]: Action 'ec2' is not service:Action",
        "Statement[0] has no Resource",
    ]


def test_every_aws_type_the_stacks_synthesize_is_granted_by_the_policy() -> None:
    types = aws_types(synthesized_stacks(SYNTHESIZED))
    granted = granted_services(load_json(PERMISSION_POLICY))

    assert ("resource", "aws_vpc") in types, "cdktf.out/ has no aws-foundation: run make synth"
    assert permission_gaps(types, granted) == []


def test_the_check_holds_without_an_eks_experiment(tmp_path: Path) -> None:
    # Users remove experiments; the foundation alone must pass.
    (tmp_path / "aws-foundation").mkdir()
    shutil.copy(SYNTHESIZED / "aws-foundation" / "cdk.tf.json", tmp_path / "aws-foundation")
    stacks = synthesized_stacks(tmp_path)
    granted = granted_services(load_json(PERMISSION_POLICY))

    assert not any(block_type.startswith("aws_eks_") for _, block_type in aws_types(stacks))
    assert permission_gaps(aws_types(stacks), granted) == []
    assert attached_managed_policies(stacks) <= allowed_managed_policies(
        load_json(PERMISSION_POLICY)
    )


def test_the_check_fails_on_a_type_it_does_not_know() -> None:
    stacks = {
        "exp-new-eks": {
            "resource": {"aws_sqs_queue": {"q": {}}, "aws_vpc": {}},
            "data": {"aws_region": {}},
        }
    }

    gaps = permission_gaps(aws_types(stacks), {"ec2"})

    assert len(gaps) == 1
    assert gaps[0].startswith("resource aws_sqs_queue (in exp-new-eks): not in RESOURCE_SERVICES")


def test_the_check_fails_on_a_service_the_policy_does_not_grant() -> None:
    gaps = permission_gaps({("resource", "aws_kms_key"): ["aws-foundation"]}, {"ec2"})

    assert gaps == [
        "resource aws_kms_key (in aws-foundation): docs/bootstrap/aws-integration-policy.json "
        "grants no kms:* action"
    ]


def test_the_role_may_attach_every_managed_policy_the_stacks_attach() -> None:
    stacks = synthesized_stacks(SYNTHESIZED)

    assert attached_managed_policies(stacks) <= allowed_managed_policies(
        load_json(PERMISSION_POLICY)
    )


def test_roles_are_passed_only_to_the_services_that_take_them() -> None:
    policy = load_json(PERMISSION_POLICY)
    (pass_role,) = [s for s in policy["Statement"] if "iam:PassRole" in as_list(s["Action"])]

    assert set(pass_role["Condition"]["StringEquals"]["iam:PassedToService"]) == {
        "eks.amazonaws.com",  # cluster and node roles, the VPC CNI's IRSA role
        "pods.eks.amazonaws.com",  # pod identity roles
        "vpc-flow-logs.amazonaws.com",  # the foundation's flow log role
    }


def test_the_budget_statements_grant_the_lab_s_budget_and_cost_allocation_tag_only() -> None:
    """With cost.monthly_budget_usd, aws-foundation manages one budget (Budgets' IAM actions:
    ModifyBudget covers Create/Update/DeleteBudget and their notifications and subscribers,
    ViewBudget the Describe calls, TagResource the default tags sent with CreateBudget; the
    Service Authorization Reference, "Actions, resources, and condition keys for AWS Budget
    Service") and one cost allocation tag (the provider calls UpdateCostAllocationTagsStatus and
    ListCostAllocationTags: hashicorp/terraform-provider-aws internal/service/ce/
    cost_allocation_tag.go)."""
    statements = {s["Sid"]: s for s in load_json(PERMISSION_POLICY)["Statement"]}
    budget = budget_props(load_config(FIXTURE_CONFIG))
    assert budget is not None
    assert statements["LabBudget"] == {
        "Sid": "LabBudget",
        "Effect": "Allow",
        "Action": [
            "budgets:ViewBudget",
            "budgets:ModifyBudget",
            "budgets:TagResource",
            "budgets:UntagResource",
            "budgets:ListTagsForResource",
        ],
        "Resource": f"arn:aws:budgets::*:budget/{budget.name}",
    }
    assert statements["LabCostAllocationTag"]["Action"] == [
        "ce:UpdateCostAllocationTagsStatus",
        "ce:ListCostAllocationTags",
    ]
    # No other statement grants budgets or Cost Explorer actions.
    others = [
        s for sid, s in statements.items() if sid not in ("LabBudget", "LabCostAllocationTag")
    ]
    assert not any(
        a.split(":")[0] in ("budgets", "ce") for s in others for a in as_list(s["Action"])
    )
    types = {
        ("resource", "aws_budgets_budget"): ["aws-foundation"],
        ("resource", "aws_ce_cost_allocation_tag"): ["aws-foundation"],
    }
    assert permission_gaps(types, granted_services(load_json(PERMISSION_POLICY))) == []


# --- Azure -----------------------------------------------------------------------------


def test_the_azure_script_is_valid_bash() -> None:
    bash = shutil.which("bash")
    assert bash, "bash is not installed"

    result = subprocess.run(
        [bash, "-n", str(AZURE_SCRIPT)], capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
    assert NETWORK_CONTRIBUTOR_GUID in AZURE_SCRIPT.read_text(encoding="utf-8")


def test_the_azure_script_may_assign_exactly_the_roles_the_code_assigns() -> None:
    roles = script_roles()

    assert set(roles) == {NETWORK_CONTRIBUTOR_ROLE, *(role.role_name for role in AksRole)}
    assert roles[NETWORK_CONTRIBUTOR_ROLE] == NETWORK_CONTRIBUTOR_GUID
    assert len(set(roles.values())) == len(roles)


def test_the_azure_script_refuses_its_placeholders() -> None:
    result = run_script()

    assert result.returncode == 2
    assert "Set SUBSCRIPTION_ID and SPACELIFT_SP_OBJECT_ID first" in result.stderr


@pytest.mark.parametrize("action", ["write", "delete"])
def test_the_condition_limits_creating_and_deleting_assignments_to_those_roles(
    action: str,
) -> None:
    result = run_script(
        DRY_RUN="1",
        SUBSCRIPTION_ID="11111111-2222-3333-4444-555555555555",
        SPACELIFT_SP_OBJECT_ID="66666666-7777-8888-9999-000000000000",
    )

    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stdout.splitlines() if "--condition " in line]
    condition = line.replace("\\n", "\n").replace("\\'", "'")
    source = "@Request" if action == "write" else "@Resource"
    clause = re.search(
        rf"ActionMatches\{{'Microsoft\.Authorization/roleAssignments/{action}'\}}\)\s*\)\s*OR"
        rf"\s*\(\s*{source}\[Microsoft\.Authorization/roleAssignments:RoleDefinitionId\] "
        r"ForAnyOfAnyValues:GuidEquals \{([^}]*)\}",
        condition,
    )
    assert clause, condition
    assert set(clause[1].split(", ")) == set(script_roles().values())
    assert "--role Role\\ Based\\ Access\\ Control\\ Administrator" in line
    assert "--scope /subscriptions/11111111-2222-3333-4444-555555555555" in line
    assert "--condition-version 2.0" in line
