"""The manifests under argocd/: ApplicationSets valid against ArgoCD's own CRD schema, and
templates that read only what the cluster Secrets carry."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from lab import handoff
from lab.manifests import check_apps_folder
from tests.helpers import REPO

ARGOCD = REPO / "argocd"
APPLICATIONSETS = sorted((ARGOCD / "applicationsets").glob("*.yaml"))
_TEMPLATE_KEY = re.compile(r"\.metadata\.(labels|annotations)\.(\w+)")


def _documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def _appset(path: Path) -> dict[str, Any]:
    [document] = _documents(path)
    return document


def _validate(document: dict[str, Any], schema: dict[str, Any]) -> None:
    jsonschema.Draft7Validator(schema).validate(document)


def test_the_lab_ships_three_applicationsets() -> None:
    assert [p.name for p in APPLICATIONSETS] == [
        "cluster-autoscaler.yaml",
        "experiments.yaml",
        "storage-classes.yaml",
    ]


@pytest.mark.parametrize("path", APPLICATIONSETS, ids=lambda p: p.name)
def test_each_applicationset_is_valid_against_argocds_crd_schema(
    path: Path, applicationset_schema: dict[str, Any]
) -> None:
    appset = _appset(path)
    assert (appset["apiVersion"], appset["kind"]) == ("argoproj.io/v1alpha1", "ApplicationSet")
    assert appset["metadata"]["namespace"] == handoff.DEFAULT_NAMESPACE
    _validate(appset, applicationset_schema)
    spec = appset["spec"]
    # Go templates that fail on a missing key rather than deploying an empty value.
    assert spec["goTemplate"] is True
    assert spec["goTemplateOptions"] == ["missingkey=error"]
    [generator] = spec["generators"]
    assert set(generator) == {"clusters"}
    template = spec["template"]["spec"]
    assert template["destination"]["server"] == "{{.server}}"
    assert template["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True}


def test_the_schema_refuses_what_argocd_would(applicationset_schema: dict[str, Any]) -> None:
    """The check can fail: broken ApplicationSets are refused by the vendored schema."""
    appset = _appset(ARGOCD / "applicationsets" / "experiments.yaml")
    without_template = copy.deepcopy(appset)
    del without_template["spec"]["template"]
    with pytest.raises(jsonschema.ValidationError, match="'template' is a required property"):
        _validate(without_template, applicationset_schema)
    wrong_values = copy.deepcopy(appset)
    wrong_values["spec"]["generators"][0]["clusters"]["values"] = {"replicas": 2}
    with pytest.raises(jsonschema.ValidationError, match="is not of type 'string'"):
        _validate(wrong_values, applicationset_schema)
    wrong_sync = copy.deepcopy(appset)
    wrong_sync["spec"]["template"]["spec"]["syncPolicy"]["automated"]["prune"] = "yes"
    with pytest.raises(jsonschema.ValidationError):
        _validate(wrong_sync, applicationset_schema)


@pytest.mark.parametrize("path", APPLICATIONSETS, ids=lambda p: p.name)
def test_templates_read_only_what_the_cluster_secrets_carry(path: Path) -> None:
    text = path.read_text()
    used = _TEMPLATE_KEY.findall(text)
    assert used, "an ApplicationSet that reads nothing from its clusters"
    for kind, key in used:
        known = handoff.LABEL_KEYS if kind == "labels" else handoff.ANNOTATION_KEYS
        assert key in known, f"{path.name} reads {kind}.{key}, which no cluster Secret has"
    selector = _appset(path)["spec"]["generators"][0]["clusters"]["selector"]
    keys = set(selector.get("matchLabels", {})) | {
        e["key"] for e in selector.get("matchExpressions", [])
    }
    assert keys <= handoff.LABEL_KEYS


def test_each_addon_goes_where_it_belongs() -> None:
    selectors = {
        path.stem: _appset(path)["spec"]["generators"][0]["clusters"]["selector"]
        for path in APPLICATIONSETS
    }
    assert selectors["cluster-autoscaler"] == {
        "matchLabels": {"cloud": "aws", handoff.ENABLE_CLUSTER_AUTOSCALER: "true"}
    }
    assert selectors["experiments"] == {"matchLabels": {handoff.ENABLE_EXPERIMENT_APPS: "true"}}
    # Every cluster the lab registered (a non-empty selector also leaves out the hub itself).
    assert selectors["storage-classes"] == {
        "matchExpressions": [{"key": handoff.EXPERIMENT, "operator": "Exists"}]
    }


def test_the_autoscaler_runs_as_the_identity_the_stack_created() -> None:
    spec = _appset(ARGOCD / "applicationsets" / "cluster-autoscaler.yaml")["spec"]["template"]
    source = spec["spec"]["source"]
    assert (source["repoURL"], source["chart"], source["targetRevision"]) == (
        "https://kubernetes.github.io/autoscaler",
        "cluster-autoscaler",
        "9.59.0",
    )
    values = source["helm"]["valuesObject"]
    assert values["rbac"]["serviceAccount"]["name"] == (
        "{{.metadata.annotations.cluster_autoscaler_service_account}}"
    )
    assert spec["spec"]["destination"]["namespace"] == (
        "{{.metadata.annotations.cluster_autoscaler_namespace}}"
    )
    assert values["autoDiscovery"]["clusterName"] == "{{.metadata.annotations.aws_cluster_name}}"
    assert values["awsRegion"] == "{{.metadata.annotations.aws_region}}"
    # Pod Identity: no role annotation on the service account.
    assert "annotations" not in values["rbac"]["serviceAccount"]


@pytest.mark.parametrize(
    ("cloud", "provisioner", "encryption"),
    [("aws", "ebs.csi.aws.com", {"encrypted": "true"}), ("azure", "disk.csi.azure.com", {})],
)
def test_each_cloud_gets_one_default_storage_class(
    cloud: str, provisioner: str, encryption: dict[str, str]
) -> None:
    folder = ARGOCD / "addons" / "storage-classes" / cloud
    assert check_apps_folder(folder) == []
    [storage_class] = [d for p in folder.glob("*.yaml") for d in _documents(p)]
    assert storage_class["kind"] == "StorageClass"
    annotations = storage_class["metadata"]["annotations"]
    assert annotations == {"storageclass.kubernetes.io/is-default-class": "true"}
    assert storage_class["provisioner"] == provisioner
    assert encryption.items() <= storage_class["parameters"].items()
    assert storage_class["volumeBindingMode"] == "WaitForFirstConsumer"


def test_the_registrar_may_only_manage_secrets_in_the_argocd_namespace() -> None:
    documents = _documents(ARGOCD / "bootstrap" / "cluster-registrar.yaml")
    kinds = {d["kind"]: d for d in documents}
    assert sorted(kinds) == ["Role", "RoleBinding", "Secret", "ServiceAccount"]
    assert {d["metadata"]["namespace"] for d in documents} == {handoff.DEFAULT_NAMESPACE}
    [rule] = kinds["Role"]["rules"]
    assert rule == {
        "apiGroups": [""],
        "resources": ["secrets"],
        "verbs": ["create", "get", "update", "patch", "delete"],
    }
    assert kinds["RoleBinding"]["roleRef"]["kind"] == "Role"  # never a ClusterRole
    assert kinds["ServiceAccount"]["automountServiceAccountToken"] is False
    token = kinds["Secret"]
    assert token["type"] == "kubernetes.io/service-account-token"
    assert "data" not in token and "stringData" not in token  # the control plane fills it


def test_the_template_experiment_ships_valid_manifests() -> None:
    assert check_apps_folder(REPO / "experiments" / "_template" / "target" / "argocd") == []
