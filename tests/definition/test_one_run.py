"""Every problem in one run: with lab.yaml broken, the checks that need it still run on
whatever parsed, and the run says which checks it could not run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from lab.definition import load_definition
from lab.errors import LabDefinitionError, Problem

TODAY = date(2026, 12, 6)
Writer = Callable[[dict[str, Any]], Path]


def _failure(config: Path, experiments_dir: Path) -> LabDefinitionError:
    with pytest.raises(LabDefinitionError) as caught:
        load_definition(config, experiments_dir, today=TODAY)
    return caught.value


def _fields(error: LabDefinitionError) -> list[tuple[str, str]]:
    return [(Path(p.file).name, p.field) for p in error.problems]


def test_a_second_lab_yaml_problem_is_found_beside_the_first(
    lab_yaml: dict[str, Any], write_config: Writer, experiments_dir: Path
) -> None:
    """An unknown key used to hide an out-of-support Kubernetes version until it was fixed."""
    lab_yaml["colour"] = "red"
    lab_yaml["aws"]["eks"]["kubernetes_version"] = "1.20"
    error = _failure(write_config(lab_yaml), experiments_dir)
    assert _fields(error) == [("lab.yaml", "aws.eks.kubernetes_version"), ("lab.yaml", "colour")]
    assert error.skipped == ()


def test_with_lab_yaml_valid_the_same_version_is_the_only_problem(
    lab_yaml: dict[str, Any], write_config: Writer, experiments_dir: Path
) -> None:
    lab_yaml["aws"]["eks"]["kubernetes_version"] = "1.20"
    error = _failure(write_config(lab_yaml), experiments_dir)
    assert _fields(error) == [("lab.yaml", "aws.eks.kubernetes_version")]


def test_argocd_identities_are_checked_while_another_section_is_broken(
    lab_yaml: dict[str, Any], write_config: Writer, experiments_dir: Path
) -> None:
    lab_yaml["argocd"] = {
        "repo_url": "https://github.com/owner/illm-k8s-lab.git",
        "hub_egress_cidrs": ["20.51.100.16/28"],
    }
    lab_yaml["aws"]["nat_mode"] = "double"
    error = _failure(write_config(lab_yaml), experiments_dir)
    assert ("lab.yaml", "argocd.aws_role_arn") in _fields(error)
    assert ("lab.yaml", "aws.nat_mode") in _fields(error)


def test_a_check_whose_input_is_broken_is_named_as_not_run(
    lab_yaml: dict[str, Any], write_config: Writer, experiments_dir: Path
) -> None:
    lab_yaml["azure"]["aks"]["kubernetes_version"] = 1.3
    lab_yaml["limits"]["max_nodes_per_cluster"] = "ten"
    config = write_config(lab_yaml)
    error = _failure(config, experiments_dir)
    assert _fields(error) == [
        ("lab.yaml", "azure.aks.kubernetes_version"),
        ("lab.yaml", "limits.max_nodes_per_cluster"),
    ]
    assert error.skipped == (
        "node counts against limits.max_nodes_per_cluster (checked against the default cap "
        f"of 10 until {Problem.at(config, '', '').file} is fixed)",
        f"AKS support of azure.aks.kubernetes_version (fix {Problem.at(config, '', '').file} "
        "first)",
    )
    assert str(error).endswith(
        f"not checked until their input is fixed:\n  {error.skipped[0]}\n  {error.skipped[1]}"
    )


def test_an_unparseable_lab_yaml_skips_every_check_that_reads_it(
    tmp_path: Path, experiments_dir: Path
) -> None:
    config = tmp_path / "lab.yaml"
    config.write_text("name: [unclosed\n")
    error = _failure(config, experiments_dir)
    assert [p.field for p in error.problems] == [""]
    assert [check.split(" (")[0] for check in error.skipped] == [
        "node counts against limits.max_nodes_per_cluster",
        "AKS support of azure.aks.kubernetes_version",
        "EKS support of aws.eks.kubernetes_version",
        "ArgoCD's identities in argocd: against the experiments' clouds",
    ]
