"""ArgocdCluster: the cluster Secret ArgoCD reads, in ArgoCD's own field names, with no
credential in it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lab.constructs.argocd import (
    EXEC_API_VERSION,
    ArgocdCluster,
    ArgocdClusterProps,
    AzureWorkloadIdentityAuth,
    ClusterAuth,
    EksAuth,
)
from tests.helpers import new_stack, only_resource, synth

EKS = EksAuth(cluster_name="demo-loadgen", region="eu-west-1")
AKS = AzureWorkloadIdentityAuth(
    client_id="66666666-7777-8888-9999-000000000000",
    tenant_id="11111111-2222-3333-4444-555555555555",
)
CREDENTIALS = ("bearerToken", "password", "username", "keyData", "certData", "token")


def props(auth: ClusterAuth = EKS, **overrides: Any) -> ArgocdClusterProps:
    values: dict[str, Any] = {
        "name": "demo-loadgen",
        "server": "https://ABC.gr7.eu-west-1.eks.amazonaws.com",
        "ca_data": "LS0tLS1CRUdJTg==",
        "auth": auth,
        "labels": {"experiment": "demo"},
        "annotations": {"aws_region": "eu-west-1"},
        **overrides,
    }
    return ArgocdClusterProps(**values)


def secret(auth: ClusterAuth) -> dict[str, Any]:
    stack = new_stack()
    ArgocdCluster(stack, "Registration", props(auth))
    found: dict[str, Any] = only_resource(synth(stack), "kubernetes_secret_v1")
    return found


@pytest.mark.parametrize("auth", [EKS, AKS], ids=["eks", "aks"])
def test_config_uses_only_argocds_field_names(
    auth: ClusterAuth, go_json_fields: dict[str, set[str]]
) -> None:
    config = json.loads(secret(auth)["data"]["config"])
    assert set(config) <= go_json_fields["ClusterConfig"]
    assert set(config["execProviderConfig"]) <= go_json_fields["ExecProviderConfig"]
    assert set(config["tlsClientConfig"]) <= go_json_fields["TLSClientConfig"]
    assert config["tlsClientConfig"] == {"caData": "LS0tLS1CRUdJTg==", "insecure": False}


@pytest.mark.parametrize("auth", [EKS, AKS], ids=["eks", "aks"])
def test_the_secret_holds_no_credential(auth: ClusterAuth) -> None:
    body = secret(auth)
    assert set(body["data"]) == {"name", "server", "config"}
    config = json.loads(body["data"]["config"])
    assert not set(config) & set(CREDENTIALS)
    assert not set(config["tlsClientConfig"]) & set(CREDENTIALS)
    assert body["type"] == "Opaque"


def test_eks_signs_in_with_argocd_k8s_auth_and_a_region() -> None:
    config = json.loads(secret(EKS)["data"]["config"])
    assert config["execProviderConfig"] == {
        "apiVersion": EXEC_API_VERSION,
        "command": "argocd-k8s-auth",
        "args": ["aws", "--cluster-name", "demo-loadgen"],
        "env": {"AWS_REGION": "eu-west-1"},
    }
    assert EXEC_API_VERSION == "client.authentication.k8s.io/v1beta1"


def test_aks_signs_in_through_workload_identity() -> None:
    config = json.loads(secret(AKS)["data"]["config"])
    assert config["execProviderConfig"] == {
        "apiVersion": EXEC_API_VERSION,
        "command": "argocd-k8s-auth",
        "args": ["azure"],
        "env": {
            "AAD_LOGIN_METHOD": "workloadidentity",
            "AZURE_CLIENT_ID": "66666666-7777-8888-9999-000000000000",
            "AZURE_TENANT_ID": "11111111-2222-3333-4444-555555555555",
        },
    }


def test_argocd_reads_it_as_a_cluster() -> None:
    metadata = secret(EKS)["metadata"]
    assert metadata["labels"] == {
        "argocd.argoproj.io/secret-type": "cluster",
        "experiment": "demo",
    }
    assert metadata["annotations"] == {"aws_region": "eu-west-1"}
    assert (metadata["name"], metadata["namespace"]) == ("demo-loadgen", "argocd")


def test_the_secret_type_label_is_the_construct_s() -> None:
    with pytest.raises(AssertionError, match="the construct sets the secret type"):
        props(labels={"argocd.argoproj.io/secret-type": "cluster"})
