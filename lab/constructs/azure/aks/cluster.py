"""An AKS cluster that is secure without any argument, and grows by composition.

:class:`AksCluster` creates:

* a user-assigned managed identity for the control plane, with ``Network Contributor`` on the
  node subnet (a cluster in a subnet it does not own needs it for load balancers and routes);
* the ``azurerm_kubernetes_cluster``: Entra ID sign-in with Azure RBAC and no local accounts,
  OIDC issuer and workload identity, Azure CNI overlay with the Cilium data plane and network
  policy, an API server reachable only from authorized IP ranges (or only from the VNet when
  private), the Azure Policy, Key Vault secrets provider and Container Insights add-ons, image
  cleaner, run command off, automatic Kubernetes patch and node image upgrades inside a weekly
  maintenance window, and the system node pool in the foundation's AKS subnet with host
  encryption and no public IPs;
* Container Insights' data collection rule and association (:mod:`.monitoring`).

More pools and access come from :meth:`AksCluster.add_node_pool` and
:meth:`AksCluster.grant_access`. Kubeconfigs and client certificates are never exposed: local
accounts are off, people sign in through Entra ID (``kubelogin``), so there is no credential
worth exporting.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final, TypeVar

from cdktn import Fn, TerraformResourceLifecycle, Token
from cdktn_provider_azurerm.kubernetes_cluster import (
    KubernetesCluster,
    KubernetesClusterApiServerAccessProfile,
    KubernetesClusterAzureActiveDirectoryRoleBasedAccessControl,
    KubernetesClusterDefaultNodePool,
    KubernetesClusterDefaultNodePoolUpgradeSettings,
    KubernetesClusterIdentity,
    KubernetesClusterKeyVaultSecretsProvider,
    KubernetesClusterMaintenanceWindowAutoUpgrade,
    KubernetesClusterMaintenanceWindowNodeOs,
    KubernetesClusterMicrosoftDefender,
    KubernetesClusterNetworkProfile,
    KubernetesClusterOmsAgent,
)
from cdktn_provider_azurerm.role_assignment import RoleAssignment
from cdktn_provider_azurerm.user_assigned_identity import UserAssignedIdentity
from constructs import Construct

from lab.constructs.azure.aks.access import AksRole, ClusterAccess, PrincipalType
from lab.constructs.azure.aks.monitoring import (
    DEFAULT_CONTROL_PLANE_LOGS,
    ControlPlaneLog,
    enable_container_insights,
    send_control_plane_logs,
)
from lab.constructs.azure.aks.node_pool import (
    DEFAULT_MAX_PODS,
    DEFAULT_MAX_SURGE,
    DRAIN_TIMEOUT_MINUTES,
    ROTATION_POOL_NAME,
    SYSTEM_POOL_NAME,
    NodeOsSku,
    NodePool,
    NodePoolOptions,
    NodePoolProps,
    check_pool_settings,
    pool_bounds,
)
from lab.constructs.tokens import unresolved
from lab.rules import (
    NodeBounds,
    check_dns_label,
    check_kubernetes_minor,
    check_object_id,
    parse_cidr,
)

# --------------------------------------------------------------------------------------------------
# Defaults and limits
# --------------------------------------------------------------------------------------------------

MAX_NAME_LENGTH: Final = 54
"""The cluster name is its DNS prefix, which AKS limits to 54 characters."""

DEFAULT_POD_CIDR: Final = "10.244.0.0/16"
"""Overlay pod range. Pods never take VNet addresses, so it only has to miss the VNet, its peers
and the service range; 10.244/16 is the well-known Kubernetes pod range, far from 10.0.x VNets."""
DEFAULT_SERVICE_CIDR: Final = "10.96.0.0/16"
"""ClusterIP range. AKS's own default, 10.0.0.0/16, is the most common VNet range of all."""
DEFAULT_DNS_SERVICE_IP: Final = "10.96.0.10"
"""CoreDNS service address: the conventional .10 of the service range."""

DEFAULT_MAINTENANCE_START_TIME: Final = "22:00"
DEFAULT_MAINTENANCE_DURATION_HOURS: Final = 4
DEFAULT_MAINTENANCE_UTC_OFFSET: Final = "+00:00"
MIN_MAINTENANCE_DURATION_HOURS: Final = 4
"""AKS refuses auto-upgrade windows shorter than four hours."""
MAX_MAINTENANCE_DURATION_HOURS: Final = 24

SECRET_ROTATION_INTERVAL: Final = "2m"
"""How often the Key Vault CSI driver re-reads mounted secrets (its documented default)."""
IMAGE_CLEANER_INTERVAL_HOURS: Final = 48
"""How often image cleaner (Eraser) removes unused, vulnerable images from the nodes."""

NETWORK_CONTRIBUTOR_ROLE: Final = "Network Contributor"

_MIN_SERVICE_CIDR_PREFIX: Final = 12  # AKS rejects service ranges larger than a /12
# Ranges AKS keeps for itself and refuses as pod or service ranges.
_AKS_RESERVED_RANGES: Final = tuple(
    ipaddress.IPv4Network(cidr)
    for cidr in ("169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24")
)
_TIME_PATTERN: Final = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_UTC_OFFSET_PATTERN: Final = re.compile(r"^[+-](0\d|1[0-4]):[0-5]\d$")
_SUBNET_ID_PATTERN: Final = re.compile(
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network"
    r"/virtualNetworks/[^/]+/subnets/[^/]+$",
    re.IGNORECASE,
)
_WORKSPACE_ID_PATTERN: Final = re.compile(
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.OperationalInsights"
    r"/workspaces/[^/]+$",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------------------------------
# Closed sets
# --------------------------------------------------------------------------------------------------


class UpgradeChannel(StrEnum):
    """How AKS moves the Kubernetes version forward on its own (``automatic_upgrade_channel``).

    ``none`` is left out on purpose: a lab cluster nobody upgrades falls out of support
    (CKV_AZURE_171). ``node-image`` is left out too: ``NodeOsUpgradeChannel`` replaces it.
    """

    PATCH = "patch"
    """Newest patch of the minor in ``kubernetes_version``; the minor moves only with lab.yaml."""
    STABLE = "stable"
    """Newest patch of the second-newest minor. Moves the minor without a change in lab.yaml."""
    RAPID = "rapid"
    """Newest patch of the newest minor. Moves the minor without a change in lab.yaml."""


class NodeOsUpgradeChannel(StrEnum):
    """How node operating systems get their updates (``node_os_upgrade_channel``).

    ``None`` and ``Unmanaged`` are left out on purpose: nodes would go unpatched, or be patched
    without the reboots that make kernel fixes take effect.
    """

    NODE_IMAGE = "NodeImage"
    """Weekly reimage to the newest node image: OS, kernel and container runtime updates."""
    SECURITY_PATCH = "SecurityPatch"
    """Security patches only, applied to the node image with fewer reimages."""


class SkuTier(StrEnum):
    """The control plane's service tier (``sku_tier``)."""

    FREE = "Free"
    """No financially backed SLA and a smaller control plane, at no charge. The lab's choice."""
    STANDARD = "Standard"
    """Uptime SLA and a control plane that scales, charged per cluster-hour (CKV_AZURE_170)."""


class OutboundType(StrEnum):
    """How nodes reach the internet (``network_profile.outbound_type``)."""

    LOAD_BALANCER = "loadBalancer"
    """Outbound rules of the cluster's standard load balancer; works in any subnet."""
    USER_ASSIGNED_NAT_GATEWAY = "userAssignedNATGateway"
    """A NAT gateway that the foundation already associated with the node subnet."""
    USER_DEFINED_ROUTING = "userDefinedRouting"
    """A route table on the node subnet sends egress to a firewall or appliance. The control plane
    identity then also needs Network Contributor on that route table, which is not granted here."""


class WeekDay(StrEnum):
    """Day of the week, spelled as AKS maintenance windows spell it."""

    MONDAY = "Monday"
    """Monday."""
    TUESDAY = "Tuesday"
    """Tuesday."""
    WEDNESDAY = "Wednesday"
    """Wednesday."""
    THURSDAY = "Thursday"
    """Thursday."""
    FRIDAY = "Friday"
    """Friday."""
    SATURDAY = "Saturday"
    """Saturday."""
    SUNDAY = "Sunday"
    """Sunday."""


# --------------------------------------------------------------------------------------------------
# Props
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MaintenanceWindow:
    """A weekly window in which AKS may upgrade Kubernetes and node images, restarting nodes."""

    day_of_week: WeekDay = WeekDay.SUNDAY
    """Day the window opens. Default: WeekDay.SUNDAY."""
    start_time: str = DEFAULT_MAINTENANCE_START_TIME
    """Opening time, ``HH:MM`` (24-hour) in ``utc_offset``. Default: "22:00"."""
    duration_hours: int = DEFAULT_MAINTENANCE_DURATION_HOURS
    """Length in hours, 4 to 24 (AKS needs at least 4). Default: 4."""
    utc_offset: str = DEFAULT_MAINTENANCE_UTC_OFFSET
    """Time zone of ``start_time``, ``+HH:MM`` or ``-HH:MM``. Default: "+00:00" (UTC)."""

    def __post_init__(self) -> None:
        if not _TIME_PATTERN.match(self.start_time):
            raise ValueError(
                f"maintenance_window.start_time: {self.start_time!r} is not a 24-hour HH:MM "
                "time; write it like '22:00'"
            )
        hours = (MIN_MAINTENANCE_DURATION_HOURS, MAX_MAINTENANCE_DURATION_HOURS)
        if not hours[0] <= self.duration_hours <= hours[1]:
            raise ValueError(
                f"maintenance_window.duration_hours: {self.duration_hours} is outside "
                f"{hours[0]}-{hours[1]}; AKS needs at least {hours[0]} hours for an upgrade"
            )
        if not _UTC_OFFSET_PATTERN.match(self.utc_offset):
            raise ValueError(
                f"maintenance_window.utc_offset: {self.utc_offset!r} is not an offset; write it "
                "like '+00:00' or '-05:00'"
            )


@dataclass(frozen=True, kw_only=True)
class AksClusterProps:
    """Inputs of :class:`AksCluster`. Values that are unresolved tokens skip validation."""

    name: str
    """Cluster name, also its DNS prefix and the prefix of its child resources' names: a
    lowercase DNS label of at most 54 characters (the DNS prefix limit). Required."""
    resource_group_name: str
    """Resource group of the cluster, its identity and its data collection rule. Required."""
    location: str
    """Azure region, e.g. "westeurope". Required."""
    subnet_id: str
    """Resource id of the foundation's AKS node subnet; the control plane identity gets Network
    Contributor on it. Required."""
    log_analytics_workspace_id: str
    """Resource id of the Log Analytics workspace that Container Insights writes to. It must be
    in ``location``: the data collection rule is created there. Required."""
    kubernetes_version: str
    """Kubernetes minor version, e.g. "1.35": AKS installs its newest patch and the upgrade
    channel keeps it current. A patch version is rejected, the channel would move past it.
    Required."""
    vm_size: str
    """Node VM size, e.g. "Standard_D2s_v3"; it must support encryption at host. Required."""
    node_count: int
    """Number of nodes; with autoscaling, the initial number (the autoscaler's later changes are
    kept). Required."""
    authorized_ip_ranges: Sequence[str]
    """CIDRs allowed to reach the public API server (office, VPN, CI runners). Required and
    non-empty unless ``private_cluster``, empty if it is. Any /0 is rejected: the API server is
    never open to the internet."""
    egress_cidrs: Sequence[str] = ()
    """The CIDRs the nodes leave from (the NAT gateway's public IP prefix), admitted by the API
    server besides ``authorized_ip_ranges``: AKS adds only a Standard load balancer's outbound
    IPs by itself (MicrosoftDocs/azure-aks-docs@239ab41,
    articles/aks/api-server-authorized-ip-ranges.md), and nodes that cannot reach the API server
    never join. Required, non-empty, with a NAT gateway or user-defined routing and a public API
    server; ignored by a private cluster. May be a token (the foundation's output). Default: ()."""
    min_nodes: int | None = None
    """Autoscaler lower bound of the system pool. Default: ``node_count``. The pool autoscales
    when the bounds differ, as on EKS."""
    max_nodes: int | None = None
    """Autoscaler upper bound, the pool's cost ceiling. Default: ``node_count``."""
    private_cluster: bool = False
    """Give the API server a private endpoint in the VNet (with an AKS-managed private DNS zone)
    and no public address; only machines in or peered with the VNet reach it. Default: False."""
    admin_group_object_ids: Sequence[str]
    """Entra ID groups (object ids) bound to cluster-admin. Required, at least one: with local
    accounts off, nobody else can use the Kubernetes API (more access comes from
    :meth:`AksCluster.grant_access`). May be tokens."""
    sku_tier: SkuTier = SkuTier.FREE
    """Control plane tier. Default: SkuTier.FREE (no uptime SLA, the lab's cost choice; fails
    CKV_AZURE_170)."""
    upgrade_channel: UpgradeChannel = UpgradeChannel.PATCH
    """Automatic Kubernetes upgrades. Default: UpgradeChannel.PATCH (stays on lab.yaml's
    minor)."""
    node_os_upgrade_channel: NodeOsUpgradeChannel = NodeOsUpgradeChannel.NODE_IMAGE
    """Automatic node OS updates. Default: NodeOsUpgradeChannel.NODE_IMAGE."""
    maintenance_window: MaintenanceWindow = field(default_factory=MaintenanceWindow)
    """When both kinds of automatic upgrade may run. Default: MaintenanceWindow() (weekly,
    Sunday 22:00 UTC, 4 hours)."""
    max_pods: int = DEFAULT_MAX_PODS
    """Pods per node, 50 to 250. Default: 110."""
    pod_cidr: str = DEFAULT_POD_CIDR
    """Overlay pod range; must not overlap the VNet, its peers or ``service_cidr``.
    Default: "10.244.0.0/16"."""
    service_cidr: str = DEFAULT_SERVICE_CIDR
    """ClusterIP range, a /12 or smaller; must not overlap the VNet or its peers.
    Default: "10.96.0.0/16"."""
    dns_service_ip: str = DEFAULT_DNS_SERVICE_IP
    """CoreDNS service address, inside ``service_cidr``. Default: "10.96.0.10"."""
    outbound_type: OutboundType = OutboundType.LOAD_BALANCER
    """How nodes reach the internet. Default: OutboundType.LOAD_BALANCER."""
    os_sku: NodeOsSku = NodeOsSku.AZURE_LINUX
    """Node operating system. Default: NodeOsSku.AZURE_LINUX."""
    zones: Sequence[str] = ()
    """Availability zones ("1", "2", "3") to spread the nodes over; the region and VM size must
    offer them. Default: () (no zone pinning)."""
    control_plane_logs: Sequence[ControlPlaneLog] = DEFAULT_CONTROL_PLANE_LOGS
    """Control plane log categories sent to the workspace. Default: API server, admin audit,
    guard (Entra ID), controller manager, scheduler and cluster autoscaler. Empty sends
    none."""
    defender_enabled: bool = False
    """Run the Microsoft Defender for Containers sensor, reporting to the workspace. Billed per
    vCore by the Defender for Containers plan, hence opt-in. Default: False."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags for every resource created, the nodes included. Default: {}."""

    def __post_init__(self) -> None:
        _validate_identifiers(self)
        _validate_version(self.kubernetes_version)
        check_pool_settings(vm_size=self.vm_size, max_pods=self.max_pods, zones=self.zones)
        self.bounds  # noqa: B018 (validates the system pool's size)
        _validate_api_server_access(self.authorized_ip_ranges, private=self.private_cluster)
        _validate_egress(self)
        _validate_admin_groups(self.admin_group_object_ids)
        _validate_network(self)

    @property
    def bounds(self) -> NodeBounds:
        """The system pool's size."""
        return pool_bounds(self.node_count, self.min_nodes, self.max_nodes, floor=1)

    @property
    def autoscaling(self) -> bool:
        """Whether the system pool's node count may move between its bounds."""
        return self.bounds.autoscaling


# --------------------------------------------------------------------------------------------------
# Construct
# --------------------------------------------------------------------------------------------------


class AksCluster(Construct):
    """An AKS cluster with secure defaults, sized by the caller, in the foundation's AKS subnet.

    Prerequisite, once per subscription: host encryption needs the ``EncryptionAtHost`` feature
    (``az feature register --namespace Microsoft.Compute --name EncryptionAtHost``, then
    ``az provider register --namespace Microsoft.Compute``); cluster creation fails without it.

    Hard-coded, because the safe value is the only sensible one here: managed identity, Azure
    RBAC on Entra ID, no local accounts, OIDC issuer and workload identity, Azure CNI overlay
    with Cilium, the Azure Policy add-on, the Key Vault secrets provider with rotation,
    Container Insights, control plane logs, image cleaner, no run command, host encryption,
    no node public IPs.
    """

    def __init__(self, scope: Construct, id: str, props: AksClusterProps) -> None:
        super().__init__(scope, id)
        self.props = props
        tags = dict(props.tags)

        identity = UserAssignedIdentity(
            self,
            "ControlPlaneIdentity",
            name=f"{props.name}-control-plane",
            location=props.location,
            resource_group_name=props.resource_group_name,
            tags=tags,
        )
        # A cluster in a subnet it does not own must join its load balancers and route tables to
        # the subnet. The role has to exist before the cluster does: see depends_on below.
        subnet_role = RoleAssignment(
            self,
            "SubnetNetworkContributor",
            scope=props.subnet_id,
            role_definition_name=NETWORK_CONTRIBUTOR_ROLE,
            principal_id=identity.principal_id,
            # A new identity may not have replicated through Entra ID yet; with the principal type
            # given, neither ARM nor the provider look it up.
            principal_type="ServicePrincipal",
            skip_service_principal_aad_check=True,
            description=f"Lets AKS cluster {props.name} manage its resources in the node subnet.",
        )

        window = props.maintenance_window
        self.resource = KubernetesCluster(
            self,
            "Cluster",
            name=props.name,
            location=props.location,
            resource_group_name=props.resource_group_name,
            dns_prefix=props.name,
            kubernetes_version=props.kubernetes_version,
            sku_tier=props.sku_tier.value,
            identity=KubernetesClusterIdentity(type="UserAssigned", identity_ids=[identity.id]),
            # Sign-in only through Entra ID, authorization through Azure RBAC: no static admin
            # credential exists (CKV_AZURE_5, CKV_AZURE_141).
            role_based_access_control_enabled=True,
            local_account_disabled=True,
            azure_active_directory_role_based_access_control=(
                KubernetesClusterAzureActiveDirectoryRoleBasedAccessControl(
                    azure_rbac_enabled=True,
                    admin_group_object_ids=list(props.admin_group_object_ids),
                )
            ),
            # Pods get Entra ID tokens through federated service accounts, not stored secrets.
            oidc_issuer_enabled=True,
            workload_identity_enabled=True,
            # A private endpoint or an allow-list, never an open API server (CKV_AZURE_6).
            private_cluster_enabled=props.private_cluster,
            # No public DNS record that points at the private endpoint.
            private_cluster_public_fqdn_enabled=False if props.private_cluster else None,
            # AKS creates and links the private DNS zone, so its identity needs no DNS role.
            private_dns_zone_id="System" if props.private_cluster else None,
            api_server_access_profile=(
                None
                if props.private_cluster
                else KubernetesClusterApiServerAccessProfile(
                    authorized_ip_ranges=_authorized_ranges(props)
                )
            ),
            # Commands sent through the ARM API would bypass the API server allow-list.
            run_command_enabled=False,
            network_profile=KubernetesClusterNetworkProfile(
                # Azure CNI overlay: pods take addresses from pod_cidr, not from the VNet
                # (CKV2_AZURE_29).
                network_plugin="azure",
                network_plugin_mode="overlay",
                # Cilium forwards traffic and enforces NetworkPolicy (CKV_AZURE_7); with the
                # Cilium data plane AKS accepts no other policy engine.
                network_data_plane="cilium",
                network_policy="cilium",
                pod_cidr=props.pod_cidr,
                service_cidr=props.service_cidr,
                dns_service_ip=props.dns_service_ip,
                load_balancer_sku="standard",
                outbound_type=props.outbound_type.value,
            ),
            default_node_pool=_system_node_pool(props, tags),
            azure_policy_enabled=True,
            key_vault_secrets_provider=KubernetesClusterKeyVaultSecretsProvider(
                secret_rotation_enabled=True,
                secret_rotation_interval=SECRET_ROTATION_INTERVAL,
            ),
            oms_agent=KubernetesClusterOmsAgent(
                log_analytics_workspace_id=props.log_analytics_workspace_id,
                # The agent signs in with a managed identity, not the workspace's shared key.
                msi_auth_for_monitoring_enabled=True,
            ),
            microsoft_defender=(
                KubernetesClusterMicrosoftDefender(
                    log_analytics_workspace_id=props.log_analytics_workspace_id
                )
                if props.defender_enabled
                else None
            ),
            image_cleaner_enabled=True,
            image_cleaner_interval_hours=IMAGE_CLEANER_INTERVAL_HOURS,
            automatic_upgrade_channel=props.upgrade_channel.value,
            node_os_upgrade_channel=props.node_os_upgrade_channel.value,
            maintenance_window_auto_upgrade=_weekly(
                KubernetesClusterMaintenanceWindowAutoUpgrade, window
            ),
            maintenance_window_node_os=_weekly(KubernetesClusterMaintenanceWindowNodeOs, window),
            # Once the autoscaler owns the node count, Terraform must not scale the pool back.
            lifecycle=(
                TerraformResourceLifecycle(ignore_changes=["default_node_pool[0].node_count"])
                if props.autoscaling
                else None
            ),
            tags=tags,
            depends_on=[subnet_role],
        )

        self.node.default_child = self.resource
        enable_container_insights(
            self,
            cluster_name=props.name,
            cluster_id=self.resource.id,
            location=props.location,
            resource_group_name=props.resource_group_name,
            workspace_id=props.log_analytics_workspace_id,
            tags=tags,
        )
        if props.control_plane_logs:
            send_control_plane_logs(
                self,
                cluster_id=self.resource.id,
                workspace_id=props.log_analytics_workspace_id,
                categories=props.control_plane_logs,
            )

        self.cluster_name: str = self.resource.name
        """Name of the cluster."""
        self.cluster_id: str = self.resource.id
        """Resource id of the cluster."""
        self.fqdn: str = self.resource.private_fqdn if props.private_cluster else self.resource.fqdn
        """API server host name: the private FQDN of a private cluster, else the public one."""
        self.endpoint: str = f"https://{self.fqdn}:443"
        """API server URL."""
        self.oidc_issuer_url: str = self.resource.oidc_issuer_url
        """Issuer URL that Entra ID workload identity federations trust."""
        self.kubelet_identity_object_id: str = self.resource.kubelet_identity.object_id
        """Object id of the AKS-managed kubelet identity (grant it AcrPull on registries)."""
        self.node_resource_group: str = self.resource.node_resource_group
        """Resource group in which AKS manages the nodes, load balancers and disks."""
        self.control_plane_identity_principal_id: str = identity.principal_id
        """Principal id of the control plane identity, for further role assignments."""
        self.ca_certificate: str = self.resource.kube_config.get(0).cluster_ca_certificate
        """The cluster CA certificate, base64-encoded PEM (public, not a credential)."""
        self._access_count = 0

    # --- composition ---------------------------------------------------------------------

    def add_node_pool(self, id: str, options: NodePoolOptions) -> NodePool:
        """A user node pool beside the system pool, in the same subnet and on the cluster's
        Kubernetes version. Creates ``<id>NodePool``."""
        return NodePool(
            self,
            f"{id}NodePool",
            NodePoolProps(
                options=options,
                kubernetes_cluster_id=self.resource.id,
                kubernetes_version=self.props.kubernetes_version,
                subnet_id=self.props.subnet_id,
            ),
        )

    def grant_access(
        self,
        principal_id: str,
        role: AksRole,
        *,
        namespace: str | None = None,
        principal_type: PrincipalType | None = None,
    ) -> ClusterAccess:
        """Give an Entra ID principal (user, group or identity, by object id) ``role`` on the
        cluster, or in one namespace. Creates ``<Role>Access-<n>``."""
        self._access_count += 1
        return ClusterAccess(
            self,
            f"{role.key}Access-{self._access_count}",
            cluster_id=self.resource.id,
            cluster_name=self.props.name,
            principal_id=principal_id,
            role=role,
            namespace=namespace,
            principal_type=principal_type,
        )


# --------------------------------------------------------------------------------------------------
# Resource blocks
# --------------------------------------------------------------------------------------------------


def _system_node_pool(
    props: AksClusterProps, tags: dict[str, str]
) -> KubernetesClusterDefaultNodePool:
    """The system pool. Workloads share it with the system add-ons, so that a preset's node
    count is the cluster's node count (the lab's cost choice; fails CKV_AZURE_232); extra pools
    come from :meth:`AksCluster.add_node_pool`."""
    bounds = props.bounds
    return KubernetesClusterDefaultNodePool(
        name=SYSTEM_POOL_NAME,
        temporary_name_for_rotation=ROTATION_POOL_NAME,
        type="VirtualMachineScaleSets",  # the only type that autoscales (CKV_AZURE_169)
        vm_size=props.vm_size,
        node_count=props.node_count,
        auto_scaling_enabled=bounds.autoscaling,
        min_count=bounds.minimum if bounds.autoscaling else None,
        max_count=bounds.maximum if bounds.autoscaling else None,
        max_pods=props.max_pods,
        vnet_subnet_id=props.subnet_id,
        zones=list(props.zones) or None,
        # Without it AKS upgrades only the control plane when lab.yaml's minor changes.
        orchestrator_version=props.kubernetes_version,
        os_sku=props.os_sku.value,
        # Managed, not ephemeral: whether an ephemeral OS disk fits depends on each VM size's
        # cache or temp disk, and vm_size is the user's to choose (CKV_AZURE_226).
        os_disk_type="Managed",
        # Temp disks, caches and flows to storage are encrypted on the host (CKV_AZURE_227).
        host_encryption_enabled=True,
        # Nodes are reachable only through the VNet (CKV_AZURE_143).
        node_public_ip_enabled=False,
        upgrade_settings=KubernetesClusterDefaultNodePoolUpgradeSettings(
            max_surge=DEFAULT_MAX_SURGE,
            drain_timeout_in_minutes=DRAIN_TIMEOUT_MINUTES,
        ),
        tags=tags,
    )


_Schedule = TypeVar(
    "_Schedule",
    KubernetesClusterMaintenanceWindowAutoUpgrade,
    KubernetesClusterMaintenanceWindowNodeOs,
)


def _weekly(block: type[_Schedule], window: MaintenanceWindow) -> _Schedule:
    """One of the two maintenance schedule blocks (they share a shape), every week."""
    return block(
        frequency="Weekly",
        interval=1,
        day_of_week=window.day_of_week.value,
        start_time=window.start_time,
        duration=window.duration_hours,
        utc_offset=window.utc_offset,
    )


# --------------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------------


def _validate_identifiers(props: AksClusterProps) -> None:
    if not unresolved(props.name):
        check_dns_label(
            props.name, field="name", max_length=MAX_NAME_LENGTH, purpose="it is the DNS prefix"
        )
    if not props.resource_group_name:
        raise ValueError(
            "resource_group_name: empty; pass the name of the resource group the cluster goes in"
        )
    if not props.location:
        raise ValueError("location: empty; pass an Azure region such as 'eastus'")
    if not unresolved(props.subnet_id) and not _SUBNET_ID_PATTERN.match(props.subnet_id):
        raise ValueError(
            f"subnet_id: {props.subnet_id!r} is not a subnet resource id; pass the foundation's "
            "AKS subnet id (/subscriptions/.../virtualNetworks/<vnet>/subnets/<subnet>)"
        )
    workspace_id = props.log_analytics_workspace_id
    if not unresolved(workspace_id) and not _WORKSPACE_ID_PATTERN.match(workspace_id):
        raise ValueError(
            f"log_analytics_workspace_id: {workspace_id!r} is not a Log Analytics workspace "
            "resource id; pass the workspace's id attribute"
        )


def _validate_version(version: str) -> None:
    if unresolved(version):
        return
    # Whether the minor is in support depends on the day: the lab definition checks it
    # against lab.rules.AKS_SUPPORT.
    check_kubernetes_minor(version)


def _authorized_ranges(props: AksClusterProps) -> list[str]:
    """``authorized_ip_ranges`` and then ``egress_cidrs``, each once."""
    if unresolved(props.egress_cidrs):
        return Token.as_list(Fn.concat([list(props.authorized_ip_ranges), props.egress_cidrs]))
    return list(dict.fromkeys([*props.authorized_ip_ranges, *props.egress_cidrs]))


def _validate_egress(props: AksClusterProps) -> None:
    if props.private_cluster or props.outbound_type is OutboundType.LOAD_BALANCER:
        return
    if unresolved(props.egress_cidrs):
        return
    if not props.egress_cidrs:
        raise ValueError(
            f"egress_cidrs: empty with outbound_type {props.outbound_type.value} and a public API "
            "server; AKS admits only a load balancer's outbound IPs by itself, so the nodes could "
            "not reach the API server: pass the NAT gateway's (or firewall's) public CIDRs"
        )
    for cidr in props.egress_cidrs:
        if not unresolved(cidr):
            parse_cidr(cidr, field="egress_cidrs", example="203.0.113.0/28", reject_internet=True)


def _validate_api_server_access(ranges: Sequence[str], *, private: bool) -> None:
    if unresolved(ranges):
        return
    if private:
        if ranges:
            raise ValueError(
                "authorized_ip_ranges: a private cluster has no public endpoint to restrict; "
                "pass authorized_ip_ranges=() with private_cluster=True"
            )
        return
    if not ranges:
        raise ValueError(
            "authorized_ip_ranges: empty, which would open the API server to the internet; list "
            "the CIDRs of your office or VPN (lab.yaml), or set private_cluster=True"
        )
    for cidr in ranges:
        if not unresolved(cidr):
            parse_cidr(
                cidr, field="authorized_ip_ranges", example="203.0.113.0/24", reject_internet=True
            )


def _validate_admin_groups(group_ids: Sequence[str]) -> None:
    if unresolved(group_ids):
        return
    if not group_ids:
        raise ValueError(
            "admin_group_object_ids: empty, but with local accounts off and Azure RBAC on nobody "
            "could use the Kubernetes API; list at least one Entra ID group's object id"
        )
    for group_id in group_ids:
        if unresolved(group_id):
            continue
        check_object_id(group_id, field="admin_group_object_ids", what="Entra ID group")


def _validate_network(props: AksClusterProps) -> None:
    pods = _overlay_range("pod_cidr", props.pod_cidr)
    services = _overlay_range("service_cidr", props.service_cidr)
    if services is not None and services.prefixlen < _MIN_SERVICE_CIDR_PREFIX:
        raise ValueError(
            f"service_cidr: {services} is larger than AKS allows; use a "
            f"/{_MIN_SERVICE_CIDR_PREFIX} or smaller, e.g. '{DEFAULT_SERVICE_CIDR}'"
        )
    if pods is not None and services is not None and pods.overlaps(services):
        raise ValueError(
            f"pod_cidr and service_cidr: {pods} overlaps {services}; give them disjoint ranges"
        )
    if services is None or unresolved(props.dns_service_ip):
        return
    suggestion = services.network_address + 10
    try:
        dns_ip = ipaddress.IPv4Address(props.dns_service_ip)
    except ValueError:
        raise ValueError(
            f"dns_service_ip: {props.dns_service_ip!r} is not an IPv4 address; use an address "
            f"inside service_cidr, e.g. '{suggestion}'"
        ) from None
    # The network address is unusable and the first host is the kubernetes API service.
    if dns_ip not in services or int(dns_ip) - int(services.network_address) < 2:
        raise ValueError(
            f"dns_service_ip: {dns_ip} is not a free address of service_cidr {services}; use "
            f"e.g. '{suggestion}'"
        )


def _overlay_range(field_name: str, cidr: str) -> ipaddress.IPv4Network | None:
    """A pod or service range as a network (None for a token); rejects what AKS rejects."""
    if unresolved(cidr):
        return None
    try:
        network = ipaddress.IPv4Network(cidr)
    except ValueError:
        raise ValueError(
            f"{field_name}: {cidr!r} is not an IPv4 network in CIDR form; write it like "
            "'10.244.0.0/16'"
        ) from None
    for reserved in _AKS_RESERVED_RANGES:
        if network.overlaps(reserved):
            raise ValueError(
                f"{field_name}: {network} overlaps {reserved}, which AKS reserves; pick another "
                "range"
            )
    return network
