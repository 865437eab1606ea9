"""The hand-off to ArgoCD: what each cluster Secret tells the ApplicationSets in ``argocd/``.

Spacelift provisions a cluster; its experiment stack registers it with the lab's ArgoCD
(:mod:`lab.stacks.argocd_hub`) under the labels and annotations below, the GitOps Bridge
convention: ApplicationSet cluster generators select clusters by label and fill their
templates from annotations (labels cannot hold URLs or ARNs). The names are a contract
with ``argocd/applicationsets/*.yaml``, and a test checks that every key those templates use
is one written here. Pure Python: reading it loads no provider.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from lab.config import LabConfig
from lab.experiments import ClusterSpec

ADDONS_PATH: Final = "argocd/addons"
"""Where the addons' manifests and values live in the repository."""
DEFAULT_NAMESPACE: Final = "argocd"

# Labels: what the ApplicationSets select on.
LAB: Final = "lab"
EXPERIMENT: Final = "experiment"
CLUSTER: Final = "cluster"
CLOUD: Final = "cloud"
KUBERNETES_VERSION: Final = "kubernetes_version"
ENABLE_EXPERIMENT_APPS: Final = "enable_experiment_apps"
"""Set when the cluster folder has an ``argocd/`` folder for ArgoCD to deploy."""
ENABLE_CLUSTER_AUTOSCALER: Final = "enable_cluster_autoscaler"
"""Set on EKS clusters, whose autoscaler ArgoCD deploys (AKS runs its own)."""

# Annotations: what the templates read.
CLUSTER_NAME: Final = "cluster_name"
"""The cluster's name in its cloud."""
ADDONS_REPO_URL: Final = "addons_repo_url"
ADDONS_REPO_REVISION: Final = "addons_repo_revision"
ADDONS_REPO_PATH: Final = "addons_repo_path"
WORKLOAD_REPO_URL: Final = "workload_repo_url"
WORKLOAD_REPO_REVISION: Final = "workload_repo_revision"
WORKLOAD_REPO_PATH: Final = "workload_repo_path"
AWS_REGION: Final = "aws_region"
AWS_CLUSTER_NAME: Final = "aws_cluster_name"
CLUSTER_AUTOSCALER_ROLE_ARN: Final = "cluster_autoscaler_iam_role_arn"
CLUSTER_AUTOSCALER_NAMESPACE: Final = "cluster_autoscaler_namespace"
CLUSTER_AUTOSCALER_SERVICE_ACCOUNT: Final = "cluster_autoscaler_service_account"
EBS_CSI_DRIVER_ROLE_ARN: Final = "ebs_csi_driver_iam_role_arn"
AZURE_LOCATION: Final = "azure_location"
AZURE_RESOURCE_GROUP: Final = "azure_resource_group"

ANNOTATION_KEYS: Final = frozenset(
    {
        CLUSTER_NAME,
        ADDONS_REPO_URL,
        ADDONS_REPO_REVISION,
        ADDONS_REPO_PATH,
        WORKLOAD_REPO_URL,
        WORKLOAD_REPO_REVISION,
        WORKLOAD_REPO_PATH,
        AWS_REGION,
        AWS_CLUSTER_NAME,
        CLUSTER_AUTOSCALER_ROLE_ARN,
        CLUSTER_AUTOSCALER_NAMESPACE,
        CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
        EBS_CSI_DRIVER_ROLE_ARN,
        AZURE_LOCATION,
        AZURE_RESOURCE_GROUP,
    }
)
LABEL_KEYS: Final = frozenset(
    {
        LAB,
        EXPERIMENT,
        CLUSTER,
        CLOUD,
        KUBERNETES_VERSION,
        ENABLE_EXPERIMENT_APPS,
        ENABLE_CLUSTER_AUTOSCALER,
    }
)


def cluster_labels(config: LabConfig, cluster: ClusterSpec, *, version: str) -> dict[str, str]:
    """Who the cluster is: lab, experiment, cluster folder, cloud, Kubernetes minor, and
    which ApplicationSets apply to it."""
    labels = {
        LAB: config.name,
        EXPERIMENT: cluster.experiment,
        CLUSTER: cluster.name,
        CLOUD: cluster.cloud.value,
        KUBERNETES_VERSION: version,
    }
    if cluster.has_apps:
        labels[ENABLE_EXPERIMENT_APPS] = "true"
    return labels


def cluster_annotations(
    config: LabConfig, cluster: ClusterSpec, cloud_specific: Mapping[str, str]
) -> dict[str, str]:
    """Where ArgoCD reads the addons and the experiment's manifests from, and what the
    addons need to know about the cluster (``cloud_specific``: region, identities...)."""
    settings = config.argocd
    assert settings is not None, "argocd: the hand-off needs lab.yaml's argocd section"
    revision = settings.revision or config.spacelift.branch
    return {
        CLUSTER_NAME: cluster.full_name,
        ADDONS_REPO_URL: settings.repo_url,
        ADDONS_REPO_REVISION: revision,
        ADDONS_REPO_PATH: ADDONS_PATH,
        WORKLOAD_REPO_URL: settings.repo_url,
        WORKLOAD_REPO_REVISION: revision,
        WORKLOAD_REPO_PATH: cluster.apps_path,
        **cloud_specific,
    }
