"""AKS: the cluster and what it is composed of, one concept per module.

* :mod:`.cluster`: :class:`AksCluster`, its props and the settings of its control plane, and
  the composition methods (``add_node_pool``, ``grant_access``).
* :mod:`.node_pool`: the system pool block and extra user pools (Spot included).
* :mod:`.access`: Azure RBAC role assignments on the cluster.
* :mod:`.monitoring`: Container Insights and control plane logs.
"""

from lab.constructs.azure.aks.access import AksRole, ClusterAccess, PrincipalType
from lab.constructs.azure.aks.cluster import (
    DEFAULT_DNS_SERVICE_IP,
    DEFAULT_POD_CIDR,
    DEFAULT_SERVICE_CIDR,
    AksCluster,
    AksClusterProps,
    MaintenanceWindow,
    NodeOsUpgradeChannel,
    OutboundType,
    SkuTier,
    UpgradeChannel,
    WeekDay,
)
from lab.constructs.azure.aks.monitoring import (
    CONTAINER_INSIGHTS_EXTENSION_NAME,
    CONTAINER_INSIGHTS_STREAMS,
    DEFAULT_CONTROL_PLANE_LOGS,
    ControlPlaneLog,
)
from lab.constructs.azure.aks.node_pool import (
    DEFAULT_MAX_PODS,
    MAX_MAX_PODS,
    MIN_MAX_PODS,
    SPOT_TAINT,
    NodeOsSku,
    NodePool,
    NodePoolOptions,
)

__all__ = [
    "CONTAINER_INSIGHTS_EXTENSION_NAME",
    "CONTAINER_INSIGHTS_STREAMS",
    "DEFAULT_CONTROL_PLANE_LOGS",
    "DEFAULT_DNS_SERVICE_IP",
    "DEFAULT_MAX_PODS",
    "DEFAULT_POD_CIDR",
    "DEFAULT_SERVICE_CIDR",
    "MAX_MAX_PODS",
    "MIN_MAX_PODS",
    "SPOT_TAINT",
    "AksCluster",
    "AksClusterProps",
    "AksRole",
    "ClusterAccess",
    "ControlPlaneLog",
    "MaintenanceWindow",
    "NodeOsSku",
    "NodeOsUpgradeChannel",
    "NodePool",
    "NodePoolOptions",
    "OutboundType",
    "PrincipalType",
    "SkuTier",
    "UpgradeChannel",
    "WeekDay",
]
