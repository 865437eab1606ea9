"""AKS: the cluster and what it is composed of, one concept per module.

* :mod:`.cluster`: :class:`AksCluster`, its props and the settings of its control plane, and
  the composition methods (``add_node_pool``, ``grant_access``).
* :mod:`.node_pool`: the system pool's settings and extra user pools (Spot included).
* :mod:`.access`: Azure RBAC role assignments on the cluster.
* :mod:`.monitoring`: Container Insights and control plane logs.
"""

from lab.constructs.azure.aks.access import AksRole, ClusterAccess, PrincipalType
from lab.constructs.azure.aks.cluster import (
    DNS_SERVICE_IP,
    POD_CIDR,
    SERVICE_CIDR,
    AksCluster,
    AksClusterProps,
)
from lab.constructs.azure.aks.monitoring import (
    CONTAINER_INSIGHTS_EXTENSION_NAME,
    CONTAINER_INSIGHTS_STREAMS,
    CONTROL_PLANE_LOGS,
    ControlPlaneLog,
)
from lab.constructs.azure.aks.node_pool import MAX_PODS, SPOT_TAINT, NodePool

__all__ = [
    "CONTAINER_INSIGHTS_EXTENSION_NAME",
    "CONTAINER_INSIGHTS_STREAMS",
    "CONTROL_PLANE_LOGS",
    "DNS_SERVICE_IP",
    "MAX_PODS",
    "POD_CIDR",
    "SERVICE_CIDR",
    "SPOT_TAINT",
    "AksCluster",
    "AksClusterProps",
    "AksRole",
    "ClusterAccess",
    "ControlPlaneLog",
    "NodePool",
    "PrincipalType",
]
