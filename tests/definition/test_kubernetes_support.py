"""Kubernetes versions in lab.yaml against each cloud's standard-support calendar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from lab.definition import load_definition
from lab.errors import LabDefinitionError, display_path
from tests.definition.conftest import ClusterWriter


def test_the_fixture_versions_are_in_support_without_warnings(
    lab_yaml: dict[str, Any],
    write_config: Callable[[dict[str, Any]], Path],
    experiments_dir: Path,
) -> None:
    lab = load_definition(write_config(lab_yaml), experiments_dir)
    assert lab.warnings == ()


@pytest.mark.parametrize(
    ("field", "fact"),
    [
        ("azure.aks.kubernetes_version", "1.34 left AKS standard support on 2026-12-01"),
        ("aws.eks.kubernetes_version", "1.34 left EKS standard support on 2026-12-02"),
    ],
)
def test_a_version_out_of_support_is_refused_naming_the_field(
    lab_yaml: dict[str, Any],
    write_config: Callable[[dict[str, Any]], Path],
    experiments_dir: Path,
    field: str,
    fact: str,
) -> None:
    cloud, service, _ = field.split(".")
    lab_yaml[cloud][service]["kubernetes_version"] = "1.34"
    config = write_config(lab_yaml)
    with pytest.raises(LabDefinitionError) as caught:
        load_definition(config, experiments_dir)
    [problem] = caught.value.problems
    assert (problem.file, problem.field) == (display_path(config), field)
    assert fact in problem.message


def test_support_that_ends_before_an_experiment_expires_is_a_warning(
    lab_yaml: dict[str, Any],
    write_config: Callable[[dict[str, Any]], Path],
    experiments_dir: Path,
    write_cluster: ClusterWriter,
) -> None:
    lab_yaml["azure"]["aks"]["kubernetes_version"] = "1.35"
    write_cluster("spike", "a", "size: small\nprovider: azure\nexpires: 2027-04-30\n")
    write_cluster("spike", "b", "size: small\nprovider: aws\nexpires: 2027-04-30\n")
    config = write_config(lab_yaml)
    lab = load_definition(config, experiments_dir)
    [warning] = lab.warnings
    assert (warning.file, warning.field) == (display_path(config), "azure.aks.kubernetes_version")
    assert warning.message.startswith(
        "AKS standard support for 1.35 ends on 2027-04-01 (its last day is 2027-03-31), before "
        "experiment spike expires (2027-04-30)"
    )


def test_support_ending_within_sixty_days_is_a_warning(
    lab_yaml: dict[str, Any],
    write_config: Callable[[dict[str, Any]], Path],
    experiments_dir: Path,
) -> None:
    lab_yaml["aws"]["eks"]["kubernetes_version"] = "1.35"
    lab = load_definition(write_config(lab_yaml), experiments_dir, today=date(2027, 2, 1))
    [warning] = lab.warnings
    assert warning.field == "aws.eks.kubernetes_version"
    assert "ends on 2027-03-27 (its last day is 2027-03-26), in 54 days" in warning.message
    assert "plan a downgrade" in warning.message
