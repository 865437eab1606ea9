"""lab.yaml's argocd section: validated like the rest, and required identities per cloud."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lab.config import load_config
from lab.definition import load_definition
from lab.errors import LabDefinitionError, display_path
from tests.definition.conftest import ClusterWriter

SECTION = {
    "repo_url": "https://github.com/example/illm-k8s-lab.git",
    "aws_role_arn": "arn:aws:iam::111122223333:role/argocd-hub",
    "azure_principal_id": "11111111-2222-3333-4444-555555555555",
    "azure_client_id": "66666666-7777-8888-9999-000000000000",
    "hub_egress_cidrs": ["198.51.100.16/28"],
}


def test_defaults(lab_yaml: dict[str, Any], write_config: Callable[[dict[str, Any]], Path]) -> None:
    lab_yaml["argocd"] = {
        "repo_url": "git@github.com:example/illm-k8s-lab.git",
        "hub_egress_cidrs": ["198.51.100.16/28"],
    }
    argocd = load_config(write_config(lab_yaml)).argocd
    assert argocd is not None
    assert (argocd.namespace, argocd.revision, argocd.aws_role_arn) == ("argocd", None, None)
    del lab_yaml["argocd"]
    assert load_config(write_config(lab_yaml)).argocd is None


@pytest.mark.parametrize(
    ("change", "field", "fact"),
    [
        ({"repo_url": "github.com/example/lab"}, "argocd.repo_url", "is not valid here"),
        ({"revision": "main..feature"}, "argocd.revision", "is not valid here"),
        ({"namespace": "Argo_CD"}, "argocd.namespace", "DNS label"),
        ({"aws_role_arn": "arn:aws:iam::1:user/x"}, "argocd.aws_role_arn", "role"),
        ({"azure_client_id": "not-a-guid"}, "argocd.azure_client_id", "Entra ID client id"),
        ({"azure_client_id": None}, "argocd.azure_client_id", "together"),
        ({"azure_principal_id": None}, "argocd.azure_principal_id", "together"),
        ({"token": "abc"}, "argocd.token", "is not a known key"),
        ({"hub_egress_cidrs": None}, "argocd.hub_egress_cidrs", "required"),
        ({"hub_egress_cidrs": []}, "argocd.hub_egress_cidrs", "no cluster's API server"),
        ({"hub_egress_cidrs": ["0.0.0.0/0"]}, "argocd.hub_egress_cidrs[0]", "whole internet"),
        ({"hub_egress_cidrs": ["198.51.100.17/28"]}, "argocd.hub_egress_cidrs[0]", "host bits"),
        ({"hub_egress_cidrs": ["2001:db8::/48"]}, "argocd.hub_egress_cidrs[0]", "IPv6 block"),
        (
            {"hub_egress_cidrs": ["198.51.100.16/28", "198.51.100.16/28"]},
            "argocd.hub_egress_cidrs[1]",
            "twice",
        ),
    ],
)
def test_bad_settings_name_the_field(
    lab_yaml: dict[str, Any],
    write_config: Callable[[dict[str, Any]], Path],
    change: dict[str, Any],
    field: str,
    fact: str,
) -> None:
    section = {**SECTION, **change}
    lab_yaml["argocd"] = {key: value for key, value in section.items() if value is not None}
    path = write_config(lab_yaml)
    with pytest.raises(LabDefinitionError) as caught:
        load_config(path)
    [problem] = caught.value.problems
    assert (problem.file, problem.field) == (display_path(path), field)
    assert fact in problem.message


@pytest.mark.parametrize(
    ("missing", "fact"),
    [
        ("aws_role_arn", "experiment multi-cloud-demo has EKS clusters"),
        ("azure_principal_id", "experiment http-baseline has AKS clusters"),
    ],
)
def test_each_cloud_with_clusters_needs_argocds_identity_on_it(
    lab_yaml: dict[str, Any],
    write_config: Callable[[dict[str, Any]], Path],
    experiments_dir: Path,
    missing: str,
    fact: str,
) -> None:
    section = {k: v for k, v in SECTION.items() if k != missing}
    if missing == "azure_principal_id":
        del section["azure_client_id"]
    lab_yaml["argocd"] = section
    config = write_config(lab_yaml)
    with pytest.raises(LabDefinitionError) as caught:
        load_definition(config, experiments_dir)
    [problem] = caught.value.problems
    assert (problem.file, problem.field) == (display_path(config), f"argocd.{missing}")
    assert fact in problem.message


def test_a_cloud_without_clusters_needs_no_identity(
    lab_yaml: dict[str, Any],
    write_config: Callable[[dict[str, Any]], Path],
    tmp_path: Path,
    write_cluster: ClusterWriter,
) -> None:
    only_azure = tmp_path / "azure-only"
    (only_azure / "solo" / "a").mkdir(parents=True)
    (only_azure / "solo" / "a" / "cluster.yaml").write_text("size: small\nprovider: azure\n")
    lab_yaml["argocd"] = {k: v for k, v in SECTION.items() if k != "aws_role_arn"}
    lab = load_definition(write_config(lab_yaml), only_azure)
    assert lab.config.argocd is not None
    assert lab.config.argocd.aws_role_arn is None
