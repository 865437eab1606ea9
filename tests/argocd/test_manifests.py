"""The manifests under argocd/: ApplicationSets valid against ArgoCD's own CRD schema, and
templates that read only what the cluster Secrets carry."""

from __future__ import annotations

import copy
import json
import re
import warnings
from pathlib import Path
from typing import Any, Final

import jsonschema
import pytest
import yaml

from lab import handoff
from lab.constructs.argocd.cluster_secret import (
    ArgocdCluster,
    ArgocdClusterProps,
    AzureWorkloadIdentityAuth,
    EksAuth,
)
from lab.manifests import check_apps_folder
from tests.helpers import REPO, new_stack

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


REGISTRAR = ARGOCD / "bootstrap" / "cluster-registrar.yaml"
PROJECT = ARGOCD / "bootstrap" / "app-project.yaml"
LAB_REPO = "https://github.com/REPLACE-WITH-OWNER/illm-k8s-lab.git"


def _registrar() -> dict[str, dict[str, Any]]:
    return {d["kind"]: d for d in _documents(REGISTRAR)}


def test_the_registrar_may_only_manage_secrets_in_the_argocd_namespace() -> None:
    kinds = _registrar()
    assert sorted(kinds) == [
        "Role",
        "RoleBinding",
        "Secret",
        "ServiceAccount",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
    ]
    namespaced = [d for k, d in kinds.items() if not k.startswith("ValidatingAdmission")]
    assert {d["metadata"]["namespace"] for d in namespaced} == {handoff.DEFAULT_NAMESPACE}
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


def test_the_admission_policy_judges_every_registrar_write() -> None:
    kinds = _registrar()
    policy = kinds["ValidatingAdmissionPolicy"]
    binding = kinds["ValidatingAdmissionPolicyBinding"]
    assert policy["apiVersion"] == binding["apiVersion"] == "admissionregistration.k8s.io/v1"
    spec = policy["spec"]
    assert spec["failurePolicy"] == "Fail"
    assert spec["matchConstraints"]["resourceRules"] == [
        {
            "apiGroups": [""],
            "apiVersions": ["v1"],
            "operations": ["CREATE", "UPDATE", "DELETE"],
            "resources": ["secrets"],
        }
    ]
    [condition] = spec["matchConditions"]
    account = kinds["ServiceAccount"]["metadata"]
    assert condition["expression"] == (
        f"request.userInfo.username == "
        f"'system:serviceaccount:{account['namespace']}:{account['name']}'"
    )
    assert binding["spec"] == {
        "policyName": policy["metadata"]["name"],
        "validationActions": ["Deny"],
        "matchResources": {
            "namespaceSelector": {
                "matchLabels": {"kubernetes.io/metadata.name": handoff.DEFAULT_NAMESPACE}
            }
        },
    }
    expressions = "\n".join(v["expression"] for v in spec["validations"])
    assert "'argocd.argoproj.io/secret-type'] == 'cluster'" in expressions
    assert "['lab', 'experiment', 'cluster']" in expressions
    assert "!string(variables.data.server).startsWith('https://kubernetes.default')" in expressions
    assert "\\" not in expressions  # CEL string literals: no escapes to misread


def _config_pattern() -> re.Pattern[str]:
    """The regular expression the admission policy holds each cluster Secret's config to."""
    [validation] = [
        v
        for v in _registrar()["ValidatingAdmissionPolicy"]["spec"]["validations"]
        if "variables.data.config" in v["expression"]
    ]
    [pattern] = re.findall(r"\.matches\('([^']*)'\)", validation["expression"])
    # "[[]" is a literal "[" in RE2 (Kubernetes' matches) as in Python, which only warns
    # that a future version might read it as a nested set.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return re.compile(pattern)


def _written_config(auth: EksAuth | AzureWorkloadIdentityAuth) -> str:
    """The config a cluster Secret carries once applied, as the construct writes it."""
    stack = new_stack()
    cluster = ArgocdCluster(
        stack,
        "Cluster",
        ArgocdClusterProps(
            name="demo-target",
            server="https://example.eks.amazonaws.com",
            ca_data="Q0E=",
            auth=auth,
        ),
    )
    return json.dumps(cluster.config, sort_keys=True)


GOOD_AUTH: Final = [
    EksAuth(cluster_name="demo-target", region="us-east-1"),
    AzureWorkloadIdentityAuth(
        client_id="11111111-2222-3333-4444-555555555555",
        tenant_id="66666666-7777-8888-9999-000000000000",
    ),
]


@pytest.mark.parametrize("auth", GOOD_AUTH, ids=["eks", "aks"])
def test_the_policy_admits_the_config_the_lab_writes(
    auth: EksAuth | AzureWorkloadIdentityAuth,
) -> None:
    assert _config_pattern().fullmatch(_written_config(auth))


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (("argocd-k8s-auth", "sh"), "another command"),
        (('"AWS_REGION": "us-east-1"', '"KUBECONFIG": "/tmp/x"'), "another variable"),
        (('"args": ["aws"', '"args": ["aws", "--role-arn", "x"'), "other arguments"),
        (('"insecure": false', '"insecure": true'), "TLS not verified"),
        (('"command"', '"comm\\u0061nd"'), "an escaped key"),
        (("{", '{"bearerToken": "t", ', 1), "a static token"),
    ],
)
def test_the_policy_refuses_any_other_config(change: tuple[Any, ...], why: str) -> None:
    written = _written_config(GOOD_AUTH[0])
    changed = written.replace(*change)
    assert changed != written, why
    assert not _config_pattern().fullmatch(changed), why


def test_the_lab_has_its_own_project_limited_to_its_repositories_and_clusters(
    appproject_schema: dict[str, Any],
) -> None:
    project = _appset(PROJECT)
    assert (project["apiVersion"], project["kind"]) == ("argoproj.io/v1alpha1", "AppProject")
    _validate(project, appproject_schema)
    spec = project["spec"]
    repos = {
        _appset(path)["spec"]["template"]["spec"]["source"]["repoURL"] for path in APPLICATIONSETS
    }
    assert (
        set(spec["sourceRepos"]) == repos == {LAB_REPO, "https://kubernetes.github.io/autoscaler"}
    )
    # ArgoCD's rule: an allow entry matches and no "!" entry rejects; the hub is rejected.
    assert {"server": "!https://kubernetes.default.svc", "namespace": "*"} in spec["destinations"]
    assert all(
        not d["server"].startswith("!") or d["namespace"] == "*" for d in spec["destinations"]
    )
    assert "*" not in spec["sourceRepos"]


def test_the_schema_refuses_a_broken_project(appproject_schema: dict[str, Any]) -> None:
    project = copy.deepcopy(_appset(PROJECT))
    project["spec"]["sourceRepos"] = "https://github.com/anyone/anything.git"
    with pytest.raises(jsonschema.ValidationError, match="is not of type 'array'"):
        _validate(project, appproject_schema)


@pytest.mark.parametrize("path", APPLICATIONSETS, ids=lambda p: p.name)
def test_no_applicationset_uses_default_or_takes_its_repository_from_a_cluster(path: Path) -> None:
    source = _appset(path)["spec"]["template"]["spec"]
    assert source["project"] == _appset(PROJECT)["metadata"]["name"]
    assert "{{" not in source["source"]["repoURL"]
    assert "{{" not in source["source"]["targetRevision"]


def test_the_template_experiment_ships_valid_manifests() -> None:
    assert check_apps_folder(REPO / "experiments" / "_template" / "target" / "argocd") == []
