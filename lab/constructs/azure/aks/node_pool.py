"""AKS node pools: the cluster's system pool (a block of the cluster) and extra user pools."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from cdktn import TerraformResourceLifecycle
from cdktn_provider_azurerm.kubernetes_cluster_node_pool import (
    KubernetesClusterNodePool,
    KubernetesClusterNodePoolUpgradeSettings,
)
from constructs import Construct

from lab.experiments import NodePoolSpec
from lab.rules import AKS_SPOT_LABEL_KEY, AKS_SPOT_TAINT, AKS_SPOT_VALUE

MAX_PODS: Final = 110
"""Pods per node: the upstream Kubernetes default, plenty for the lab's VM sizes (checkov
CKV_AZURE_168 wants at least 50)."""
OS_SKU: Final = "AzureLinux"
"""Microsoft's minimal container host: fewer packages than Ubuntu, so fewer CVEs to patch."""

MAX_SURGE: Final = "10%"
"""Extra nodes during an upgrade: one for every lab-sized pool, which keeps upgrades cheap."""
DRAIN_TIMEOUT_MINUTES: Final = 30

SPOT_TAINT: Final = AKS_SPOT_TAINT
"""The taint AKS puts on every Spot node. azurerm reads it back, so a Spot pool declares it
(the provider's node pool docs), or every plan would try to remove it."""
SPOT_LABELS: Final = {AKS_SPOT_LABEL_KEY: AKS_SPOT_VALUE}
"""The label AKS puts on every Spot node. azurerm 4.55.0 sets ``node_labels`` from what the API
returns (``kubernetes_cluster_node_pool_resource.go``, read: ``d.Set("node_labels",
props.NodeLabels)``), so a Spot pool declares it, as the provider's own acceptance test does
(``kubernetes_cluster_node_pool_resource_test.go``, ``spotConfig``; hashicorp/
terraform-provider-azurerm v4.55.0 = 37bf7f03b661), or every plan and drift check shows an
update."""


def pool_settings(pool: NodePoolSpec, *, subnet_id: str, kubernetes_version: str) -> dict[str, Any]:
    """What the system pool block and a user pool resource share: the pool's size, labels and
    taints, and the hardening of every node."""
    return {
        "name": pool.name,
        "vm_size": pool.machine_type,
        "node_count": pool.node_count,
        "auto_scaling_enabled": pool.autoscaling,
        "min_count": pool.min_nodes if pool.autoscaling else None,
        "max_count": pool.max_nodes if pool.autoscaling else None,
        "max_pods": MAX_PODS,
        "vnet_subnet_id": subnet_id,
        # Without it AKS upgrades only the control plane when lab.yaml's minor changes.
        "orchestrator_version": kubernetes_version,
        "os_sku": OS_SKU,
        # Managed, not ephemeral: whether an ephemeral OS disk fits depends on each VM size's
        # cache or temp disk, and vm_size is the user's to choose (CKV_AZURE_226).
        "os_disk_type": "Managed",
        # Temp disks, caches and flows to storage are encrypted on the host (CKV_AZURE_227).
        "host_encryption_enabled": True,
        # Nodes are reachable only through the VNet (CKV_AZURE_143).
        "node_public_ip_enabled": False,
        "node_labels": node_labels(pool) or None,
    }


def node_labels(pool: NodePoolSpec) -> dict[str, str]:
    """The pool's labels as AKS returns them: a Spot pool's with AKS's Spot label."""
    return {**SPOT_LABELS, **dict(pool.labels)} if pool.spot else dict(pool.labels)


def node_taints(pool: NodePoolSpec) -> list[str]:
    """The pool's taints as AKS takes them, the Spot taint first for a Spot pool."""
    taints = [SPOT_TAINT, *pool.taints] if pool.spot else list(pool.taints)
    return [taint.kubernetes for taint in dict.fromkeys(taints)]


@dataclass(frozen=True, kw_only=True)
class NodePoolProps:
    pool: NodePoolSpec
    kubernetes_cluster_id: str
    kubernetes_version: str
    """The nodes' Kubernetes minor: the cluster's, so nodes upgrade with it."""
    subnet_id: str
    """The node subnet: the system pool's."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Azure tags of the pool (and its VM scale set). Default: none."""


class NodePool(Construct):
    """A user node pool of an AKS cluster, as secure as the system pool: host encryption, no
    public IPs, managed OS disks. Its resource is ``Default``."""

    def __init__(self, scope: Construct, id: str, props: NodePoolProps) -> None:
        super().__init__(scope, id)
        pool = props.pool
        self.pool = pool
        self.resource = KubernetesClusterNodePool(
            self,
            "Default",
            **pool_settings(
                pool, subnet_id=props.subnet_id, kubernetes_version=props.kubernetes_version
            ),
            kubernetes_cluster_id=props.kubernetes_cluster_id,
            mode="User",
            priority="Spot" if pool.spot else "Regular",
            # Evicted Spot nodes are deleted: deallocated ones would keep paying for disks.
            eviction_policy="Delete" if pool.spot else None,
            # -1: pay up to the on-demand price, so nodes are evicted for capacity, not price.
            spot_max_price=-1 if pool.spot else None,
            node_taints=node_taints(pool) or None,
            # azurerm 4.55 requires max_surge or max_unavailable in this block and the API
            # refuses both for Spot pools, so a Spot pool has none (fixed in azurerm 4.65).
            upgrade_settings=(
                None
                if pool.spot
                else KubernetesClusterNodePoolUpgradeSettings(
                    max_surge=MAX_SURGE,
                    drain_timeout_in_minutes=DRAIN_TIMEOUT_MINUTES,
                )
            ),
            # Once the autoscaler owns the node count, Terraform must not scale the pool back.
            lifecycle=(
                TerraformResourceLifecycle(ignore_changes=["node_count"])
                if pool.autoscaling
                else None
            ),
            tags=dict(props.tags),
        )
        self.name: str = self.resource.name
