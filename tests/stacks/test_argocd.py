"""The hand-off to ArgoCD through the synthesized stacks: with lab.yaml's argocd section,
every experiment cluster gets ArgoCD's access and a cluster Secret in the hub; without it,
nothing of it exists and the kubernetes provider is never loaded."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from lab.definition import LabDefinition, load_definition
from lab.handoff import cluster_annotations
from lab.stacks.argocd_hub import HubRegistration
from lab.stacks.spacelift_root import ARGOCD_HUB_CONTEXT
from tests.helpers import FIXTURE_CONFIG, FIXTURE_EXPERIMENTS, REPO
from tests.stacks.conftest import SynthTree, synth_tree

ARGOCD = {
    "repo_url": "https://github.com/example/illm-k8s-lab.git",
    "aws_role_arn": "arn:aws:iam::111122223333:role/argocd-hub",
    "azure_principal_id": "11111111-2222-3333-4444-555555555555",
    "azure_client_id": "66666666-7777-8888-9999-000000000000",
    "hub_egress_cidrs": ["198.51.100.16/28"],
}
SECRET = "kubernetes_secret_v1"


def write_lab(root: Path, argocd: dict[str, Any] | None) -> tuple[Path, Path]:
    """The fixture lab under ``root``, with ``argocd`` as its argocd section, and an
    argocd/ folder for multi-cloud-demo/target."""
    config: dict[str, Any] = yaml.safe_load(FIXTURE_CONFIG.read_text())
    if argocd is not None:
        config["argocd"] = argocd
    (root / "lab.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    experiments = root / "experiments"
    shutil.copytree(FIXTURE_EXPERIMENTS, experiments)
    apps = experiments / "multi-cloud-demo" / "target" / "argocd"
    apps.mkdir()
    (apps / "app.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n")
    return root / "lab.yaml", experiments


@pytest.fixture(scope="module")
def handed_off(tmp_path_factory: pytest.TempPathFactory) -> tuple[LabDefinition, SynthTree]:
    root = tmp_path_factory.mktemp("argocd")
    lab = load_definition(*write_lab(root, ARGOCD))
    return lab, synth_tree(lab, root / "cdktf.out")


def _secrets(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The cluster Secrets of a stack by ArgoCD cluster name."""
    return {body["metadata"]["name"]: body for body in doc["resource"][SECRET].values()}


def test_every_experiment_cluster_is_registered_once(
    handed_off: tuple[LabDefinition, SynthTree],
) -> None:
    lab, tree = handed_off
    registered = {
        name for stack in lab.stacks if stack.experiment for name in _secrets(tree[stack.id])
    }
    assert registered == {
        "http-baseline-loadgen",
        "http-baseline-target",
        "multi-cloud-demo-loadgen",
        "multi-cloud-demo-target",
    }
    for stack_id in ("spacelift-root", "azure-foundation", "aws-foundation"):
        assert SECRET not in tree[stack_id].get("resource", {})


def test_the_hub_provider_takes_its_connection_from_the_environment(
    handed_off: tuple[LabDefinition, SynthTree],
) -> None:
    _, tree = handed_off
    for stack_id in ("exp-http-baseline-aks", "exp-multi-cloud-demo-eks"):
        doc = tree[stack_id]
        assert doc["provider"]["kubernetes"] == [{}]  # no host, token or CA in the JSON
        assert doc["terraform"]["required_providers"]["kubernetes"] == {
            # kubernetes 3.x (cdktn's binding names the full source); see pyproject.toml.
            "source": "hashicorp/kubernetes",
            "version": "3.4.0",
        }


def test_eks_registration_carries_the_addons_identities_after_argocds_access(
    handed_off: tuple[LabDefinition, SynthTree],
) -> None:
    _, tree = handed_off
    doc = tree["exp-multi-cloud-demo-eks"]
    body = _secrets(doc)["multi-cloud-demo-loadgen"]
    [cluster] = doc["resource"]["aws_eks_cluster"]
    assert body["data"]["server"] == f"${{aws_eks_cluster.{cluster}.endpoint}}"
    config = json.loads(body["data"]["config"])
    assert config["tlsClientConfig"]["caData"] == (
        f"${{aws_eks_cluster.{cluster}.certificate_authority[0].data}}"
    )
    assert config["execProviderConfig"]["args"] == [
        "aws",
        "--cluster-name",
        "multi-cloud-demo-loadgen",
    ]
    labels = body["metadata"]["labels"]
    assert labels == {
        "argocd.argoproj.io/secret-type": "cluster",
        "lab": "illm-k8s-lab",
        "experiment": "multi-cloud-demo",
        "cluster": "loadgen",
        "cloud": "aws",
        "kubernetes_version": "1.36",
        "enable_cluster_autoscaler": "true",
    }
    annotations = body["metadata"]["annotations"]
    roles = doc["resource"]["aws_iam_role"]
    autoscaler = next(k for k, v in roles.items() if v["name"].endswith("-cluster-autoscaler"))
    ebs = next(k for k, v in roles.items() if v["name"].endswith("-ebs-csi-controller-sa"))
    assert annotations["cluster_autoscaler_iam_role_arn"] == f"${{aws_iam_role.{autoscaler}.arn}}"
    assert annotations["ebs_csi_driver_iam_role_arn"] == f"${{aws_iam_role.{ebs}.arn}}"
    assert (annotations["aws_region"], annotations["aws_cluster_name"]) == (
        "us-east-1",
        "multi-cloud-demo-loadgen",
    )
    assert annotations["workload_repo_path"] == "experiments/multi-cloud-demo/loadgen/argocd"
    assert annotations["addons_repo_revision"] == "main"  # the tracked branch by default
    # ArgoCD's role gets cluster admin, and the Secret waits for it (and goes first).
    entries = doc["resource"]["aws_eks_access_entry"]
    [argocd_entry] = [k for k, v in entries.items() if v["principal_arn"] == ARGOCD["aws_role_arn"]]
    associations = doc["resource"]["aws_eks_access_policy_association"]
    [argocd_policy] = [
        k
        for k, v in associations.items()
        if v["principal_arn"].endswith(f"{argocd_entry}.principal_arn}}")
    ]
    assert associations[argocd_policy]["policy_arn"].endswith("/AmazonEKSClusterAdminPolicy")
    assert body["depends_on"] == [
        f"aws_eks_access_entry.{argocd_entry}",
        f"aws_eks_access_policy_association.{argocd_policy}",
    ]


def test_aks_registration_signs_in_with_workload_identity_after_its_role(
    handed_off: tuple[LabDefinition, SynthTree],
) -> None:
    _, tree = handed_off
    doc = tree["exp-multi-cloud-demo-aks"]
    body = _secrets(doc)["multi-cloud-demo-target"]
    env = json.loads(body["data"]["config"])["execProviderConfig"]["env"]
    assert env == {
        "AAD_LOGIN_METHOD": "workloadidentity",
        "AZURE_CLIENT_ID": ARGOCD["azure_client_id"],
        "AZURE_TENANT_ID": "${data.azurerm_client_config.ClientConfig.tenant_id}",
    }
    assert body["metadata"]["labels"]["enable_experiment_apps"] == "true"  # it has argocd/
    assert "enable_cluster_autoscaler" not in body["metadata"]["labels"]  # AKS scales itself
    assignments = doc["resource"]["azurerm_role_assignment"]
    [argocd_role] = [
        k for k, v in assignments.items() if v["principal_id"] == ARGOCD["azure_principal_id"]
    ]
    assignment = assignments[argocd_role]
    assert assignment["role_definition_name"] == "Azure Kubernetes Service RBAC Cluster Admin"
    [cluster] = doc["resource"]["azurerm_kubernetes_cluster"]
    assert assignment["scope"] == f"${{azurerm_kubernetes_cluster.{cluster}.id}}"
    assert assignment["principal_type"] == "ServicePrincipal"
    assert body["depends_on"] == [f"azurerm_role_assignment.{argocd_role}"]


def test_no_credential_reaches_the_json(handed_off: tuple[LabDefinition, SynthTree]) -> None:
    _, tree = handed_off
    for stack_id, doc in tree.items():
        for body in doc.get("resource", {}).get(SECRET, {}).values():
            config = json.loads(body["data"]["config"])
            assert not {"bearerToken", "password", "username"} & set(config), stack_id
            assert not {"keyData", "certData"} & set(config["tlsClientConfig"]), stack_id
        text = json.dumps(doc)
        assert "kube_admin_config" not in text
        assert "client_key" not in text


def test_spacelift_root_attaches_the_hub_context_to_every_experiment(
    handed_off: tuple[LabDefinition, SynthTree],
) -> None:
    _, tree = handed_off
    resources = tree["spacelift-root"]["resource"]
    context = resources["spacelift_context"][ARGOCD_HUB_CONTEXT]
    # By name to the lab's experiment stacks, not by a label any stack could carry.
    assert "labels" not in context
    assert "KUBE_TOKEN" in context["description"]
    stacks = resources["spacelift_stack"]
    hub_attached = {
        a["stack_id"]
        for a in resources["spacelift_context_attachment"].values()
        if a["context_id"] == f"${{spacelift_context.{ARGOCD_HUB_CONTEXT}.id}}"
    }
    experiments = {f"${{spacelift_stack.{k}.id}}" for k in stacks if k.startswith("exp-")}
    assert experiments
    assert hub_attached == experiments
    # Nothing of the hub's connection is a variable in code: it is added by hand.
    variables = tree["spacelift-root"]["resource"].get("spacelift_environment_variable", {})
    assert not [v for v in variables.values() if v["name"].startswith("KUBE_")]


def test_an_admin_who_is_also_argocds_role_keeps_one_access_entry(tmp_path: Path) -> None:
    config: dict[str, Any] = yaml.safe_load(FIXTURE_CONFIG.read_text())
    admin = config["aws"]["eks"]["admin_principal_arns"][0]
    config_path, experiments = write_lab(tmp_path, {**ARGOCD, "aws_role_arn": admin})
    tree = synth_tree(load_definition(config_path, experiments), tmp_path / "out")
    entries = tree["exp-multi-cloud-demo-eks"]["resource"]["aws_eks_access_entry"]
    assert [v["principal_arn"] for v in entries.values()] == [admin]


def test_without_the_section_nothing_of_it_is_synthesized(tmp_path: Path) -> None:
    """No provider, no Secret, no access for ArgoCD. (That the kubernetes provider is then
    never even loaded is tests/speed/test_provider_use.py's.)"""
    if yaml.safe_load((REPO / "lab.yaml").read_text()).get("argocd") is None:
        for path in (REPO / "cdktf.out" / "stacks").glob("*/cdk.tf.json"):
            providers = json.loads(path.read_text())["terraform"].get("required_providers", {})
            assert "kubernetes" not in providers, path
    tree = synth_tree(load_definition(*write_lab(tmp_path, None)), tmp_path / "out")
    for stack_id, doc in tree.items():
        assert "kubernetes" not in doc["terraform"].get("required_providers", {}), stack_id
        assert SECRET not in doc.get("resource", {}), stack_id
        assert ARGOCD_HUB_CONTEXT not in doc.get("resource", {}).get("spacelift_context", {})
    entries = tree["exp-multi-cloud-demo-eks"]["resource"]["aws_eks_access_entry"]
    assert len(entries) == 1  # the lab's admin only


def test_every_public_api_server_admits_the_hub(
    handed_off: tuple[LabDefinition, SynthTree],
) -> None:
    """The hub signs in to each API server: each allowlist lists its egress once, after the
    lab's own ranges (and, on AKS, before the nodes' egress from the foundation)."""
    lab, tree = handed_off
    aks = tree["exp-http-baseline-aks"]["resource"]["azurerm_kubernetes_cluster"]
    expected = [*lab.config.azure.aks.authorized_ip_ranges, *ARGOCD["hub_egress_cidrs"]]
    for cluster in aks.values():
        assert cluster["api_server_access_profile"]["authorized_ip_ranges"] == (
            f"${{concat({json.dumps(expected)}, jsondecode(var.egress_cidrs))}}"
        )
    eks = tree["exp-multi-cloud-demo-eks"]["resource"]["aws_eks_cluster"]
    for cluster in eks.values():
        assert cluster["vpc_config"]["public_access_cidrs"] == [
            *lab.config.aws.eks.public_access_cidrs,
            *ARGOCD["hub_egress_cidrs"],
        ]


def test_a_private_endpoint_stays_private_with_a_hub(tmp_path: Path) -> None:
    """No public endpoint is opened for the hub: it must reach a private one through the
    network (docs/argocd.md)."""
    config_path, experiments = write_lab(tmp_path, ARGOCD)
    config: dict[str, Any] = yaml.safe_load(config_path.read_text())
    config["aws"]["eks"]["public_access_cidrs"] = []
    config["azure"]["aks"]["private_cluster"] = True
    config["azure"]["aks"]["authorized_ip_ranges"] = []
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    tree = synth_tree(load_definition(config_path, experiments), tmp_path / "out")
    for cluster in tree["exp-multi-cloud-demo-eks"]["resource"]["aws_eks_cluster"].values():
        vpc = cluster["vpc_config"]
        assert (vpc["endpoint_public_access"], "public_access_cidrs" in vpc) == (False, False)
    for cluster in tree["exp-http-baseline-aks"]["resource"]["azurerm_kubernetes_cluster"].values():
        assert "api_server_access_profile" not in cluster


def test_registration_asserts_what_the_definition_guarantees() -> None:
    """The lab definition refuses a lab whose clusters lack what the hand-off needs; a caller
    that skips it stops at an assertion rather than synthesizing a half registration."""
    lab = load_definition(FIXTURE_CONFIG, FIXTURE_EXPERIMENTS)
    assert lab.config.argocd is None
    cluster = lab.experiments[0].clusters[0]
    with pytest.raises(AssertionError, match=r"hand-off needs lab\.yaml's argocd section"):
        cluster_annotations(lab.config, cluster, {})
    with pytest.raises(AssertionError, match="identity the lab definition requires is missing"):
        HubRegistration.required(None)
    assert HubRegistration.required("arn:aws:iam::111122223333:role/argocd-hub")
