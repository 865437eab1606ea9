"""lab.yaml: the shipped file is valid, and every kind of bad value is named precisely."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import pytest

from lab.config import NatMode, load_config
from lab.errors import LabDefinitionError, Problem, display_path
from tests.helpers import FIXTURE_CONFIG

Mutation = Callable[[dict[str, Any]], None]


def test_shipped_config_is_valid() -> None:
    config = load_config(FIXTURE_CONFIG)
    assert config.name == "illm-k8s-lab"
    assert config.spacelift.branch == "main"
    assert config.spacelift.opentofu_version == "1.11.14"
    assert config.limits.max_nodes_per_cluster == 10
    assert config.aws.nat_mode is NatMode.SINGLE
    assert config.azure.vnet.aks_subnet == "snet-aks-nodes"
    assert config.spacelift.aws_integration is None


def test_defaults_apply_when_keys_are_omitted(
    lab_yaml: dict[str, Any], write_config: Callable[[dict[str, Any]], Path]
) -> None:
    del lab_yaml["limits"], lab_yaml["aws"]["nat_mode"], lab_yaml["aws"]["az_count"]
    del lab_yaml["spacelift"]["drift_detection"], lab_yaml["spacelift"]["branch"]
    config = load_config(write_config(lab_yaml))
    assert config.limits.max_nodes_per_cluster == 10
    assert config.aws.nat_mode is NatMode.SINGLE
    assert config.aws.az_count == 3
    assert config.spacelift.branch == "main"
    assert config.spacelift.drift_detection.schedule == ("0 6 * * 1-5",)


def _set(path: str, value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for key in parents:
            data = data[key]
        data[last] = value

    return mutate


def _delete(path: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for key in parents:
            data = data[key]
        del data[last]

    return mutate


_GUID: Final = "8f3c2a9e-1b4d-4e6f-9a0b-2c5d7e8f1a3b"
_AWS_ROLES: Final = {
    "read_role_arn": "arn:aws:iam::111122223333:role/lab-read",
    "foundation_role_arn": "arn:aws:iam::111122223333:role/lab-foundation",
    "experiment_role_arn": "arn:aws:iam::111122223333:role/lab-experiment",
}

BAD_CONFIGS: list[tuple[str, Mutation, str, str]] = [
    (
        "unknown top-level key",
        _set("colour", "blue"),
        "colour",
        "is not a known key "
        "(allowed: argocd, aws, azure, cost, expiry, limits, name, spacelift, tags)",
    ),
    (
        "unknown nested key",
        _set("aws.eks.endpoint", "public"),
        "aws.eks.endpoint",
        "is not a known key (allowed: admin_principal_arns, kubernetes_version, "
        "public_access_cidrs)",
    ),
    (
        "missing required key",
        _delete("spacelift.repository"),
        "spacelift.repository",
        "is required but missing",
    ),
    (
        "branch that is not a git revision",
        _set("spacelift.branch", "main feature"),
        "spacelift.branch",
        "'main feature' is not valid here; expected something like main",
    ),
    (
        "wrong type",
        _set("aws.az_count", "three"),
        "aws.az_count",
        "input should be a valid integer (got 'three')",
    ),
    (
        "number given as a string",
        _set("limits.max_nodes_per_cluster", "10"),
        "limits.max_nodes_per_cluster",
        "input should be a valid integer (got '10')",
    ),
    (
        "value outside an enum",
        _set("aws.nat_mode", "double"),
        "aws.nat_mode",
        "input should be 'none', 'single' or 'one_per_az' (got 'double')",
    ),
    (
        "subnet outside the VNet",
        _set("azure.vnet.subnets", [{"name": "snet-aks-nodes", "address_prefix": "10.99.0.0/20"}]),
        "azure.vnet.subnets[0].address_prefix",
        "10.99.0.0/20 lies outside the VNet address space (10.40.0.0/16); pick a prefix inside it",
    ),
    (
        "overlapping subnets",
        _set(
            "azure.vnet.subnets",
            [
                {"name": "snet-aks-nodes", "address_prefix": "10.40.0.0/20"},
                {"name": "snet-other", "address_prefix": "10.40.8.0/24"},
            ],
        ),
        "azure.vnet.subnets[1].address_prefix",
        "10.40.8.0/24 overlaps subnet 'snet-aks-nodes' (10.40.0.0/20); "
        "subnets of one VNet must not overlap",
    ),
    (
        "AKS subnet that does not exist",
        _set("azure.vnet.aks_subnet", "snet-nodes"),
        "azure.vnet.aks_subnet",
        "'snet-nodes' is not one of the subnets (snet-aks-nodes, snet-private-endpoints); "
        "name the subnet AKS nodes should join",
    ),
    (
        "API server open to the internet (AKS)",
        _set("azure.aks.authorized_ip_ranges", ["0.0.0.0/0"]),
        "azure.aks.authorized_ip_ranges[0]",
        "0.0.0.0/0 would open the Kubernetes API server to the whole internet; "
        "list the egress CIDRs of your office, VPN or CI runners instead",
    ),
    (
        "API server open to the internet (EKS)",
        _set("aws.eks.public_access_cidrs", ["203.0.113.0/24", "0.0.0.0/0"]),
        "aws.eks.public_access_cidrs[1]",
        "0.0.0.0/0 would open the Kubernetes API server to the whole internet; "
        "list the egress CIDRs of your office, VPN or CI runners instead",
    ),
    (
        "IPv6 on an IPv4 EKS cluster's public endpoint",
        _set("aws.eks.public_access_cidrs", ["2001:db8::/32"]),
        "aws.eks.public_access_cidrs[0]",
        "'2001:db8::/32' is an IPv6 block, and EKS refuses IPv6 blocks in the public access "
        "CIDRs of an IPv4 cluster (the lab's are); list the IPv4 egress instead",
    ),
    (
        "AKS without authorized ranges or private cluster",
        _set("azure.aks.authorized_ip_ranges", []),
        "azure.aks.authorized_ip_ranges",
        "list the CIDRs allowed to reach the API server, or set private_cluster: true",
    ),
    (
        "private AKS cluster with authorized ranges",
        _set("azure.aks.private_cluster", True),
        "azure.aks.authorized_ip_ranges",
        "a private cluster has no public API server to restrict; "
        "remove the ranges or set private_cluster: false",
    ),
    (
        "CIDR with host bits",
        _set("aws.vpc_cidr", "10.50.1.0/16"),
        "aws.vpc_cidr",
        "'10.50.1.0/16' has host bits set; did you mean '10.50.0.0/16'?",
    ),
    (
        "not a CIDR",
        _set("azure.vnet.address_space", ["10.40.0.0"]),
        "azure.vnet.address_space[0]",
        "'10.40.0.0' has no prefix length; write a CIDR such as '10.40.0.0/16', "
        "or '10.40.0.0/32' for one address",
    ),
    (
        "public VPC range",
        _set("aws.vpc_cidr", "8.8.0.0/16"),
        "aws.vpc_cidr",
        "8.8.0.0/16 is not a private (RFC 1918) range; use a block inside 10.0.0.0/8, "
        "172.16.0.0/12 or 192.168.0.0/16",
    ),
    (
        "private but not RFC 1918 VPC range",
        _set("aws.vpc_cidr", "198.18.0.0/16"),
        "aws.vpc_cidr",
        "198.18.0.0/16 is not a private (RFC 1918) range; use a block inside 10.0.0.0/8, "
        "172.16.0.0/12 or 192.168.0.0/16",
    ),
    (
        "services open to the internet",
        _set("azure.aks.service_source_ranges", ["203.0.113.0/24", "Internet"]),
        "azure.aks.service_source_ranges[1]",
        "'Internet' would open the services to the whole internet; list the CIDRs that need "
        "to reach them (your office or VPN)",
    ),
    (
        "service port out of range",
        _set("azure.aks.service_ports", [443, 70000]),
        "azure.aks.service_ports[1]",
        "70000 is not a TCP port (1-65535)",
    ),
    (
        "Kubernetes version with a patch",
        _set("aws.eks.kubernetes_version", "1.36.2"),
        "aws.eks.kubernetes_version",
        "'1.36.2' pins a patch release; give the minor version only, '1.36' (the cloud picks "
        "and upgrades the patch)",
    ),
    (
        "malformed cron schedule",
        _set("spacelift.drift_detection.schedule", ["daily"]),
        "spacelift.drift_detection.schedule",
        "'daily' is not a five-field cron expression (minute hour day-of-month month day-of-week)",
    ),
    (
        "no EKS admin",
        _set("aws.eks.admin_principal_arns", []),
        "aws.eks.admin_principal_arns",
        "tuple should have at least 1 item after validation, not 0 (got [])",
    ),
    (
        "malformed admin ARN",
        _set("aws.eks.admin_principal_arns", ["arn:aws:iam::1234:role/admin"]),
        "aws.eks.admin_principal_arns[0]",
        "'arn:aws:iam::1234:role/admin' is not an IAM role or user ARN; use the form "
        "'arn:aws:iam::123456789012:role/<name>'",
    ),
    (
        "integration session too short for EKS",
        _set(
            "spacelift.aws_integration",
            {**_AWS_ROLES, "duration_seconds": 900},
        ),
        "spacelift.aws_integration.duration_seconds",
        "input should be greater than or equal to 3600 (got 900)",
    ),
    (
        "one AWS role for every phase (the old form)",
        _set(
            "spacelift.aws_integration",
            {"role_arn": "arn:aws:iam::111122223333:role/spacelift"},
        ),
        "spacelift.aws_integration.role_arn",
        "one role for every phase let previews write; give three roles instead, "
        "read_role_arn, foundation_role_arn and experiment_role_arn (docs/bootstrap.md, "
        "step 3)",
    ),
    (
        "previews with the foundation's write role",
        _set(
            "spacelift.aws_integration",
            {**_AWS_ROLES, "read_role_arn": _AWS_ROLES["foundation_role_arn"]},
        ),
        "spacelift.aws_integration.read_role_arn",
        "'arn:aws:iam::111122223333:role/lab-foundation' is also foundation_role_arn; each "
        "phase and kind of stack needs its own role, or a preview could write, or an "
        "experiment change the foundation",
    ),
    (
        "experiments with the foundation's write role",
        _set(
            "spacelift.aws_integration",
            {**_AWS_ROLES, "experiment_role_arn": _AWS_ROLES["foundation_role_arn"]},
        ),
        "spacelift.aws_integration.foundation_role_arn",
        "'arn:aws:iam::111122223333:role/lab-foundation' is also experiment_role_arn; each "
        "phase and kind of stack needs its own role, or a preview could write, or an "
        "experiment change the foundation",
    ),
    (
        "an Azure tenant id that is not a GUID",
        _set(
            "spacelift.azure_integration",
            {"tenant_id": "contoso.onmicrosoft.com", "subscription_id": _GUID},
        ),
        "spacelift.azure_integration.tenant_id",
        "'contoso.onmicrosoft.com' is not an Entra ID tenant id; write the id as a lowercase "
        "GUID like '00000000-0000-0000-0000-000000000000'",
    ),
    (
        "an Azure subscription id in capitals",
        _set(
            "spacelift.azure_integration",
            {"tenant_id": _GUID, "subscription_id": _GUID.upper()},
        ),
        "spacelift.azure_integration.subscription_id",
        f"{_GUID.upper()!r} is not an Azure subscription id; write the id as a lowercase GUID "
        "like '00000000-0000-0000-0000-000000000000'",
    ),
    (
        "one person named twice among the approvers",
        _set(
            "spacelift.approvers",
            [
                {"login": "alice@example.com"},
                {"login": "bob@example.com", "vcs_login": "Alice@example.com"},
            ],
        ),
        "spacelift.approvers[1]",
        "'Alice@example.com' is also approvers[0]; each login names one person (logins "
        "compare case-insensitively)",
    ),
    (
        "reserved label",
        _set("spacelift.labels", ["autoattach:azure"]),
        "spacelift.labels[0]",
        "'autoattach:azure' cannot be used; labels are non-empty, have no commas and do not "
        "start with 'autoattach:' (the app manages attachments)",
    ),
    (
        "project name that is not a DNS label",
        _set("name", "ILLM Lab"),
        "name",
        "'ILLM Lab' is not a lowercase DNS label of at most 24 characters (a-z, 0-9 and '-', "
        "starting and ending with a letter or digit); it prefixes resource names",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "field", "message"),
    [pytest.param(m, f, msg, id=name) for name, m, f, msg in BAD_CONFIGS],
)
def test_bad_config_names_file_and_field(
    lab_yaml: dict[str, Any],
    write_config: Callable[[dict[str, Any]], Path],
    mutate: Mutation,
    field: str,
    message: str,
) -> None:
    mutate(lab_yaml)
    path = write_config(lab_yaml)
    with pytest.raises(LabDefinitionError) as caught:
        load_config(path)
    assert caught.value.problems == (Problem.at(path, field, message),)


def test_every_problem_is_reported_at_once(
    lab_yaml: dict[str, Any], write_config: Callable[[dict[str, Any]], Path]
) -> None:
    lab_yaml["aws"]["az_count"] = 9
    lab_yaml["azure"]["location"] = "East US"
    del lab_yaml["spacelift"]["opentofu_version"]
    path = write_config(lab_yaml)
    with pytest.raises(LabDefinitionError) as caught:
        load_config(path)
    assert [p.field for p in caught.value.problems] == [
        "aws.az_count",
        "azure.location",
        "spacelift.opentofu_version",
    ]
    assert str(caught.value).startswith("3 problems in the lab definition:")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name: [unclosed\n",
            "is not valid YAML at line 2, column 1: expected ',' or ']', but got '<stream end>'",
        ),
        ("", "is empty; it must be a mapping of keys to values"),
        ("- a\n- b\n", "must be a mapping of keys to values, not a list"),
        ("just text\n", "must be a mapping of keys to values, not a str"),
    ],
    ids=["invalid-yaml", "empty", "list", "scalar"],
)
def test_unreadable_config_is_reported_for_the_whole_file(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "lab.yaml"
    path.write_text(text)
    with pytest.raises(LabDefinitionError) as caught:
        load_config(path)
    assert caught.value.problems == (Problem.at(path, "", message),)


def test_missing_config_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(LabDefinitionError) as caught:
        load_config(path)
    assert caught.value.problems == (
        Problem.at(path, "", "cannot be read: No such file or directory"),
    )


def test_duplicate_keys_are_refused_with_their_path_and_lines(tmp_path: Path) -> None:
    text = FIXTURE_CONFIG.read_text()
    text = text.replace("  az_count: 3\n", "  az_count: 3\n  az_count: 2\n")
    text = text.replace("  branch: main\n", "  branch: main\n  branch: dev\n", 1)
    path = tmp_path / "lab.yaml"
    path.write_text(text)
    with pytest.raises(LabDefinitionError) as caught:
        load_config(path)
    lines = text.splitlines()
    first_az = lines.index("  az_count: 3") + 1
    first_branch = lines.index("  branch: main") + 1
    assert caught.value.problems == tuple(
        sorted(
            [
                Problem.at(
                    path,
                    "aws.az_count",
                    f"is given twice (lines {first_az} and {first_az + 1}); YAML keeps only the "
                    "last one, so remove the one you do not mean",
                ),
                Problem.at(
                    path,
                    "spacelift.branch",
                    f"is given twice (lines {first_branch} and {first_branch + 1}); YAML keeps "
                    "only the last one, so remove the one you do not mean",
                ),
            ]
        )
    )


def test_an_ipv6_subnet_is_refused_like_the_construct_refuses_it(
    lab_yaml: dict[str, Any], write_config: Callable[[dict[str, Any]], Path]
) -> None:
    lab_yaml["azure"]["vnet"]["address_space"].append("fd00::/48")
    with pytest.raises(LabDefinitionError) as caught:
        load_config(write_config(lab_yaml))
    [problem] = caught.value.problems
    assert problem.field == "azure.vnet.address_space[1]"
    assert "is not an IPv4 CIDR block" in problem.message


def test_drift_detection_needs_a_private_worker_pool(
    lab_yaml: dict[str, Any], write_config: Callable[[dict[str, Any]], Path]
) -> None:
    del lab_yaml["spacelift"]["worker_pool_id"]
    path = write_config(lab_yaml)
    with pytest.raises(LabDefinitionError) as caught:
        load_config(path)
    assert caught.value.problems == (
        Problem.at(
            path,
            "spacelift.worker_pool_id",
            "drift_detection.enabled needs a private worker pool, and none is set; Spacelift "
            "runs drift detection only on private workers (a schedule on public workers never "
            "fires). Set worker_pool_id, or set drift_detection.enabled: false",
        ),
    )
    lab_yaml["spacelift"]["drift_detection"]["enabled"] = False
    assert load_config(write_config(lab_yaml)).spacelift.worker_pool_id is None


def test_a_worker_pool_id_is_a_spacelift_ulid(
    lab_yaml: dict[str, Any], write_config: Callable[[dict[str, Any]], Path]
) -> None:
    lab_yaml["spacelift"]["worker_pool_id"] = "my-pool"
    with pytest.raises(LabDefinitionError) as caught:
        load_config(write_config(lab_yaml))
    [problem] = caught.value.problems
    assert problem.field == "spacelift.worker_pool_id"
    assert "expected something like 01HV8Z3K4M5N6P7Q8R9S0T1V2W" in problem.message


def test_the_cost_section_is_optional_and_validated(
    lab_yaml: dict[str, Any], write_config: Callable[[dict[str, Any]], Path]
) -> None:
    del lab_yaml["cost"]
    assert load_config(write_config(lab_yaml)).cost is None
    lab_yaml["cost"] = {"max_monthly_usd": 150}
    cost = load_config(write_config(lab_yaml)).cost
    assert cost is not None
    assert (cost.max_monthly_usd, cost.warn_increase_percent) == (150, 25)
    assert (cost.monthly_budget_usd, cost.alert_emails) == (None, ())
    for bad, field in (
        ({"max_monthly_usd": 0}, "cost.max_monthly_usd"),
        ({"max_monthly_usd": "150"}, "cost.max_monthly_usd"),
        ({"max_monthly_usd": 150, "warn_increase_percent": -1}, "cost.warn_increase_percent"),
        ({"max_monthly_usd": 150, "currency": "EUR"}, "cost.currency"),
        ({}, "cost"),
        ({"warn_increase_percent": 10}, "cost"),
    ):
        lab_yaml["cost"] = bad
        with pytest.raises(LabDefinitionError) as caught:
            load_config(write_config(lab_yaml))
        assert [p.field for p in caught.value.problems] == [field]


def test_budgets_alone_need_no_infracost_cap(
    lab_yaml: dict[str, Any], write_config: Callable[[dict[str, Any]], Path]
) -> None:
    lab_yaml["cost"] = {"monthly_budget_usd": 80, "alert_emails": ["me@my-lab.org"]}
    cost = load_config(write_config(lab_yaml)).cost
    assert cost is not None
    assert cost.max_monthly_usd is None
    assert (cost.monthly_budget_usd, cost.alert_emails, cost.budget_tag) == (
        80,
        ("me@my-lab.org",),
        "project",
    )


@pytest.mark.parametrize(
    ("cost", "field", "fact"),
    [
        (
            {"monthly_budget_usd": 0, "alert_emails": ["me@my-lab.org"]},
            "cost.monthly_budget_usd",
            "the smallest budget Azure accepts",
        ),
        (
            {"monthly_budget_usd": -10, "alert_emails": ["me@my-lab.org"]},
            "cost.monthly_budget_usd",
            "below 1",
        ),
        ({"monthly_budget_usd": 100}, "cost.alert_emails", "at least one address"),
        (
            {"monthly_budget_usd": 100, "alert_emails": ["me@my-lab.org", "me-at-my-lab.org"]},
            "cost.alert_emails[1]",
            "'me-at-my-lab.org' is not an e-mail address",
        ),
        (
            {"monthly_budget_usd": 100, "alert_emails": "me@my-lab.org"},
            "cost.alert_emails",
            "valid array",
        ),
        (
            {"max_monthly_usd": 50, "alert_emails": ["me@my-lab.org"]},
            "cost.alert_emails",
            "need monthly_budget_usd",
        ),
        (
            {"monthly_budget_usd": 100, "alert_emails": ["me@my-lab.org"], "budget_tag": "team"},
            "cost.budget_tag",
            "'team' is not a key of lab.yaml tags",
        ),
    ],
)
def test_bad_budget_settings_name_the_field(
    lab_yaml: dict[str, Any],
    write_config: Callable[[dict[str, Any]], Path],
    cost: dict[str, Any],
    field: str,
    fact: str,
) -> None:
    lab_yaml["cost"] = cost
    with pytest.raises(LabDefinitionError) as caught:
        load_config(write_config(lab_yaml))
    [problem] = caught.value.problems
    assert problem.field == field
    assert fact in problem.message


@pytest.mark.parametrize(
    "label", ["experiment", "infracost", "max-nodes-per-cluster:50", "max-monthly-usd:1"]
)
def test_labels_the_policies_read_are_not_the_users(
    lab_yaml: dict[str, Any], write_config: Callable[[dict[str, Any]], Path], label: str
) -> None:
    lab_yaml["spacelift"]["labels"] = ["team-a", label]
    with pytest.raises(LabDefinitionError) as caught:
        load_config(write_config(lab_yaml))
    [problem] = caught.value.problems
    assert problem.field == "spacelift.labels[1]"
    assert "one of the labels the policies read" in problem.message


def test_an_aks_admin_group_is_required(
    lab_yaml: dict[str, Any], write_config: Callable[[dict[str, Any]], Path]
) -> None:
    lab_yaml["azure"]["aks"]["admin_group_object_ids"] = []
    path = write_config(lab_yaml)
    with pytest.raises(LabDefinitionError) as caught:
        load_config(path)
    [problem] = caught.value.problems
    assert (problem.file, problem.field) == (display_path(path), "azure.aks.admin_group_object_ids")
    assert "list at least one Entra ID group's object id" in problem.message
    del lab_yaml["azure"]["aks"]["admin_group_object_ids"]
    with pytest.raises(LabDefinitionError) as caught:
        load_config(write_config(lab_yaml))
    assert [p.field for p in caught.value.problems] == ["azure.aks.admin_group_object_ids"]


def test_a_bad_drift_schedule_is_reported_with_the_section_s_other_problems(
    lab_yaml: dict[str, Any], write_config: Callable[[dict[str, Any]], Path]
) -> None:
    """Every problem at once: the schedule's own check does not wait for the rest of the
    spacelift section to be valid."""
    lab_yaml["spacelift"]["repository"] = "owner/name"
    lab_yaml["spacelift"]["drift_detection"]["schedule"] = ["0 6 * *"]
    with pytest.raises(LabDefinitionError) as caught:
        load_config(write_config(lab_yaml))
    assert sorted(problem.field for problem in caught.value.problems) == [
        "spacelift.drift_detection.schedule",
        "spacelift.repository",
    ]


def test_an_unknown_spacelift_key_is_not_offered_the_retired_one(
    lab_yaml: dict[str, Any], write_config: Callable[[dict[str, Any]], Path]
) -> None:
    lab_yaml["spacelift"]["bogus"] = 1
    with pytest.raises(LabDefinitionError) as caught:
        load_config(write_config(lab_yaml))
    [problem] = caught.value.problems
    assert problem.field == "spacelift.bogus"
    assert "approvers, aws_integration, azure_integration, branch" in problem.message
    assert "root_role_attachment_id" not in problem.message
