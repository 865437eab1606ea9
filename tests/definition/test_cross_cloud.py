"""Experiments on both clouds: each side receives the other's egress, through Spacelift."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lab.definition import load_definition
from lab.errors import LabDefinitionError, display_path
from tests.definition.conftest import ClusterWriter


def _inputs(stack: Any) -> list[tuple[str, str, str]]:
    return [(i.upstream, i.value.name, i.variable) for i in stack.inputs]


def test_one_cloud_experiments_read_only_their_foundation(
    lab_yaml: dict[str, Any],
    write_config: Callable[[dict[str, Any]], Path],
    experiments_dir: Path,
) -> None:
    lab = load_definition(write_config(lab_yaml), experiments_dir)
    baseline = lab.get("exp-http-baseline-aks")
    assert baseline.depends_on == ("azure-foundation",)
    assert _inputs(baseline) == [
        ("azure-foundation", "location", "location"),
        ("azure-foundation", "aks_subnet_id", "aks_subnet_id"),
        # Its own egress, for the API server's allowlist (not for Services).
        ("azure-foundation", "egress_cidrs", "egress_cidrs"),
    ]
    assert baseline.service_rule_priority is None


def test_without_aws_nat_there_is_no_aws_egress_to_admit(
    lab_yaml: dict[str, Any],
    write_config: Callable[[dict[str, Any]], Path],
    experiments_dir: Path,
) -> None:
    """With nat_mode none the EKS nodes have no fixed way out, so the AKS stack neither
    waits for the AWS foundation nor creates a rule; the EKS side still learns Azure's."""
    lab_yaml["aws"]["nat_mode"] = "none"
    lab = load_definition(write_config(lab_yaml), experiments_dir)
    aks = lab.get("exp-multi-cloud-demo-aks")
    assert aks.depends_on == ("azure-foundation",)
    assert [variable for *_, variable in _inputs(aks)] == [
        "location",
        "aks_subnet_id",
        "egress_cidrs",
    ]
    assert aks.service_rule_priority is None
    eks = lab.get("exp-multi-cloud-demo-eks")
    assert _inputs(eks)[-1] == ("azure-foundation", "egress_cidrs", "azure_egress_cidrs")


def test_two_experiments_whose_rules_would_share_a_priority_are_refused(
    lab_yaml: dict[str, Any],
    write_config: Callable[[dict[str, Any]], Path],
    experiments_dir: Path,
    write_cluster: ClusterWriter,
) -> None:
    # Both names give priority 1366 (tests/rules/test_ingress.py).
    for name in ("expaai", "expacj"):
        write_cluster(name, "a", "size: small\nprovider: azure\n")
        write_cluster(name, "b", "size: small\nprovider: aws\n")
    with pytest.raises(LabDefinitionError) as caught:
        load_definition(write_config(lab_yaml), experiments_dir)
    [problem] = caught.value.problems
    assert problem.file == display_path(experiments_dir / "expacj")
    assert "priority 1366" in problem.message
    assert "'expaai' already holds" in problem.message
    assert "rename one of the two folders" in problem.message


def test_the_same_names_on_one_cloud_need_no_rule_and_pass(
    lab_yaml: dict[str, Any],
    write_config: Callable[[dict[str, Any]], Path],
    experiments_dir: Path,
    write_cluster: ClusterWriter,
) -> None:
    write_cluster("expaai", "a", "size: small\nprovider: azure\n")
    write_cluster("expaai", "b", "size: small\nprovider: aws\n")
    write_cluster("expacj", "a", "size: small\nprovider: azure\n")
    lab = load_definition(write_config(lab_yaml), experiments_dir)
    assert lab.get("exp-expaai-aks").service_rule_priority == 1366
    assert lab.get("exp-expacj-aks").service_rule_priority is None
