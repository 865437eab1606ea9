"""ArgoCD: how the lab registers a cluster with the hub (its cluster Secret)."""

from lab.constructs.argocd.cluster_secret import (
    CLUSTER_SECRET_LABEL,
    EXEC_API_VERSION,
    ArgocdCluster,
    ArgocdClusterProps,
    AzureWorkloadIdentityAuth,
    ClusterAuth,
    EksAuth,
)

__all__ = [
    "CLUSTER_SECRET_LABEL",
    "EXEC_API_VERSION",
    "ArgocdCluster",
    "ArgocdClusterProps",
    "AzureWorkloadIdentityAuth",
    "ClusterAuth",
    "EksAuth",
]
