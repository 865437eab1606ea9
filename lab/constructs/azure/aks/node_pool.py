"""AKS node pools: the cluster's system pool (a block of the cluster) and extra user pools."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from cdktn import TerraformResourceLifecycle
from cdktn_provider_azurerm.kubernetes_cluster_node_pool import (
    KubernetesClusterNodePool,
    KubernetesClusterNodePoolUpgradeSettings,
)
from constructs import Construct

from lab.constructs.tokens import unresolved
from lab.rules import (
    AKS_SPOT_LABEL_KEY,
    AKS_SPOT_VALUE,
    NodeBounds,
    Taint,
    check_azure_vm_size,
    check_node_labels,
    check_node_pool_name,
    check_node_taints,
    node_bound_violations,
    parse_taint,
)

DEFAULT_MAX_PODS: Final = 110
"""Pods per node: the upstream Kubernetes default, plenty for the lab's VM sizes."""
MIN_MAX_PODS: Final = 50
"""Fewer pods per node starve the system add-ons on small pools (checkov CKV_AZURE_168)."""
MAX_MAX_PODS: Final = 250
"""The most Azure CNI overlay allows per node."""

SYSTEM_POOL_NAME: Final = "system"
ROTATION_POOL_NAME: Final = "systemrotate"
"""Temporary pool AKS moves the nodes to when a change (VM size, OS SKU, zones...) would otherwise
recreate the default pool, and with it the cluster. At most 12 lowercase alphanumerics."""
DEFAULT_MAX_SURGE: Final = "10%"
"""Extra nodes during an upgrade: one for every lab-sized pool, which keeps upgrades cheap."""
DRAIN_TIMEOUT_MINUTES: Final = 30

SPOT_TAINT: Final = parse_taint(f"{AKS_SPOT_LABEL_KEY}={AKS_SPOT_VALUE}:NoSchedule", field="")
"""The taint AKS puts on every Spot node. azurerm reads it back, so a Spot pool declares it
(the provider's node pool docs), or every plan would try to remove it."""
SPOT_LABELS: Final = {AKS_SPOT_LABEL_KEY: AKS_SPOT_VALUE}
"""The label AKS puts on every Spot node. azurerm 4.55.0 sets ``node_labels`` from what the API
returns (``kubernetes_cluster_node_pool_resource.go``, read: ``d.Set("node_labels",
props.NodeLabels)``), so a Spot pool declares it, as the provider's own acceptance test does
(``kubernetes_cluster_node_pool_resource_test.go``, ``spotConfig``; hashicorp/
terraform-provider-azurerm v4.55.0 = 37bf7f03b661), or every plan and drift check shows an
update."""
AVAILABILITY_ZONES: Final = ("1", "2", "3")


class NodeOsSku(StrEnum):
    """The node operating system (``os_sku``)."""

    AZURE_LINUX = "AzureLinux"
    """Microsoft's minimal container host: fewer packages, so fewer CVEs to patch."""
    UBUNTU = "Ubuntu"
    """Ubuntu LTS, the AKS default image."""


def check_pool_settings(*, vm_size: str, max_pods: int, zones: Sequence[str]) -> None:
    """What the system pool and user pools share: a VM size, pods per node, zones."""
    if not unresolved(vm_size):
        check_azure_vm_size(vm_size, field="vm_size")
    if not unresolved(max_pods) and not MIN_MAX_PODS <= max_pods <= MAX_MAX_PODS:
        raise ValueError(
            f"max_pods: {max_pods} is outside {MIN_MAX_PODS}-{MAX_MAX_PODS}; fewer than "
            f"{MIN_MAX_PODS} starve the system add-ons, more than {MAX_MAX_PODS} exceed what "
            "Azure CNI overlay allows"
        )
    if unresolved(zones):
        return
    for zone in zones:
        if zone not in AVAILABILITY_ZONES:
            raise ValueError(
                f"zones: {zone!r} is not an availability zone; use some of "
                f"{', '.join(repr(z) for z in AVAILABILITY_ZONES)}"
            )
    if len(set(zones)) != len(zones):
        raise ValueError(f"zones: {list(zones)} lists a zone twice; list each zone once")


def pool_bounds(
    count: int, min_nodes: int | None, max_nodes: int | None, *, floor: int
) -> NodeBounds:
    """The pool's size; tokens skip the check."""
    if any(unresolved(value) for value in (count, min_nodes, max_nodes)):
        return NodeBounds(count, min_nodes or count, max_nodes or count)
    violations = node_bound_violations(count, min_nodes, max_nodes, floor=floor)
    if violations:
        raise violations[0]
    return NodeBounds(
        count, count if min_nodes is None else min_nodes, count if max_nodes is None else max_nodes
    )


@dataclass(frozen=True, kw_only=True)
class NodePoolOptions:
    """A user node pool beside the system pool (:meth:`AksCluster.add_node_pool`)."""

    name: str
    """The pool's name in AKS: lowercase letters and digits, at most 12. Required."""
    vm_size: str
    """Node VM size, e.g. "Standard_D8s_v3"; it must support encryption at host. Required."""
    node_count: int
    """Nodes at creation; a fixed pool keeps it. May be 0. Required."""
    min_nodes: int | None = None
    """Autoscaler lower bound (0 lets the pool empty). Default: ``node_count``."""
    max_nodes: int | None = None
    """Autoscaler upper bound, the pool's cost ceiling. Default: ``node_count``."""
    spot: bool = False
    """Default: false. True buys Spot capacity: a large discount, and Azure may evict the nodes
    at any time (they are deleted, not deallocated, so they cost nothing once evicted). AKS
    taints Spot nodes with ``kubernetes.azure.com/scalesetpriority=spot:NoSchedule``."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Kubernetes labels on every node. Default: none."""
    taints: Sequence[Taint] = ()
    """Kubernetes taints on every node (the Spot taint is added for you). Default: none."""
    max_pods: int = DEFAULT_MAX_PODS
    """Pods per node, 50 to 250. Default: 110."""
    zones: Sequence[str] = ()
    """Availability zones. Default: () (no zone pinning)."""
    os_sku: NodeOsSku = NodeOsSku.AZURE_LINUX
    """Default: NodeOsSku.AZURE_LINUX."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Azure tags of the pool (and its VM scale set). Default: none."""

    def __post_init__(self) -> None:
        check_node_pool_name(self.name, field="name")
        if self.name in (SYSTEM_POOL_NAME, ROTATION_POOL_NAME):
            raise ValueError(
                f"name: {self.name!r} is the system pool's (or its rotation pool's); choose "
                "another name"
            )
        check_pool_settings(vm_size=self.vm_size, max_pods=self.max_pods, zones=self.zones)
        pool_bounds(self.node_count, self.min_nodes, self.max_nodes, floor=0)
        check_node_labels(dict(self.labels), cloud="azure", spot=self.spot, field="labels")
        check_node_taints(self.taints, cloud="azure", spot=self.spot, field="taints")

    @property
    def bounds(self) -> NodeBounds:
        return pool_bounds(self.node_count, self.min_nodes, self.max_nodes, floor=0)

    @property
    def node_labels(self) -> dict[str, str]:
        """The labels as AKS returns them: a Spot pool's with AKS's Spot label."""
        return {**SPOT_LABELS, **self.labels} if self.spot else dict(self.labels)

    @property
    def node_taints(self) -> list[str]:
        """The taints as AKS takes them, the Spot taint first for a Spot pool."""
        taints = [SPOT_TAINT, *self.taints] if self.spot else list(self.taints)
        return [taint.kubernetes for taint in dict.fromkeys(taints)]


@dataclass(frozen=True, kw_only=True)
class NodePoolProps:
    options: NodePoolOptions
    kubernetes_cluster_id: str
    kubernetes_version: str
    """The nodes' Kubernetes minor: the cluster's, so nodes upgrade with it."""
    subnet_id: str
    """The node subnet: the system pool's."""


class NodePool(Construct):
    """A user node pool of an AKS cluster, as secure as the system pool: host encryption, no
    public IPs, managed OS disks. Its resource is ``Default``."""

    def __init__(self, scope: Construct, id: str, props: NodePoolProps) -> None:
        super().__init__(scope, id)
        options = props.options
        bounds = options.bounds
        self.options = options
        self.resource = KubernetesClusterNodePool(
            self,
            "Default",
            name=options.name,
            kubernetes_cluster_id=props.kubernetes_cluster_id,
            mode="User",
            vm_size=options.vm_size,
            node_count=bounds.count,
            auto_scaling_enabled=bounds.autoscaling,
            min_count=bounds.minimum if bounds.autoscaling else None,
            max_count=bounds.maximum if bounds.autoscaling else None,
            max_pods=options.max_pods,
            vnet_subnet_id=props.subnet_id,
            zones=list(options.zones) or None,
            orchestrator_version=props.kubernetes_version,
            os_sku=options.os_sku.value,
            os_disk_type="Managed",
            host_encryption_enabled=True,
            node_public_ip_enabled=False,
            priority="Spot" if options.spot else "Regular",
            # Evicted Spot nodes are deleted: deallocated ones would keep paying for disks.
            eviction_policy="Delete" if options.spot else None,
            # -1: pay up to the on-demand price, so nodes are evicted for capacity, not price.
            spot_max_price=-1 if options.spot else None,
            node_labels=options.node_labels or None,
            node_taints=options.node_taints or None,
            # azurerm 4.55 requires max_surge or max_unavailable in this block and the API
            # refuses both for Spot pools, so a Spot pool has none (fixed in azurerm 4.65).
            upgrade_settings=(
                None
                if options.spot
                else KubernetesClusterNodePoolUpgradeSettings(
                    max_surge=DEFAULT_MAX_SURGE,
                    drain_timeout_in_minutes=DRAIN_TIMEOUT_MINUTES,
                )
            ),
            # Once the autoscaler owns the node count, Terraform must not scale the pool back.
            lifecycle=(
                TerraformResourceLifecycle(ignore_changes=["node_count"])
                if bounds.autoscaling
                else None
            ),
            tags=dict(options.tags),
        )
        self.name: str = self.resource.name
