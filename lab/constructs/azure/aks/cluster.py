"""An AKS cluster that is secure without any argument, and grows by composition.

:class:`AksCluster` creates:

* a user-assigned managed identity for the control plane, with ``Network Contributor`` on the
  node subnet (a cluster in a subnet it does not own needs it for load balancers and routes);
* the ``azurerm_kubernetes_cluster``: Entra ID sign-in with Azure RBAC and no local accounts,
  OIDC issuer and workload identity, Azure CNI overlay with the Cilium data plane and network
  policy, an API server reachable only from authorized IP ranges (or only from the VNet when
  private), the Azure Policy, Key Vault secrets provider and Container Insights add-ons, image
  cleaner, run command off, automatic Kubernetes patch and node image upgrades inside a weekly
  maintenance window, egress through the foundation's NAT gateway, and the system node pool in
  the foundation's AKS subnet with host encryption and no public IPs;
* Container Insights' data collection rule and association (:mod:`.monitoring`).

More pools and access come from :meth:`AksCluster.add_node_pool` and
:meth:`AksCluster.grant_access`. Kubeconfigs and client certificates are never exposed: local
accounts are off, people sign in through Entra ID (``kubelogin``), so there is no credential
worth exporting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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
    KubernetesClusterNetworkProfile,
    KubernetesClusterOmsAgent,
)
from cdktn_provider_azurerm.role_assignment import RoleAssignment
from cdktn_provider_azurerm.user_assigned_identity import UserAssignedIdentity
from constructs import Construct

from lab.constructs.azure.aks.access import AksRole, ClusterAccess, PrincipalType
from lab.constructs.azure.aks.monitoring import enable_container_insights, send_control_plane_logs
from lab.constructs.azure.aks.node_pool import (
    DRAIN_TIMEOUT_MINUTES,
    MAX_SURGE,
    NodePool,
    NodePoolProps,
    pool_settings,
)
from lab.experiments import NodePoolSpec
from lab.rules.names import AKS_ROTATION_POOL

# --------------------------------------------------------------------------------------------------
# Settings no lab.yaml or cluster.yaml key changes
# --------------------------------------------------------------------------------------------------

POD_CIDR: Final = "10.244.0.0/16"
"""Overlay pod range. Pods never take VNet addresses, so it only has to miss the VNet, its peers
and the service range; 10.244/16 is the well-known Kubernetes pod range, far from 10.0.x VNets."""
SERVICE_CIDR: Final = "10.96.0.0/16"
"""ClusterIP range. AKS's own default, 10.0.0.0/16, is the most common VNet range of all."""
DNS_SERVICE_IP: Final = "10.96.0.10"
"""CoreDNS service address: the conventional .10 of the service range."""
OUTBOUND_TYPE: Final = "userAssignedNATGateway"
"""Nodes leave through the NAT gateway the foundation associated with the node subnet: fixed
egress addresses that other clouds and services can admit."""

SKU_TIER: Final = "Free"
"""No uptime SLA and a smaller control plane, at no charge: the lab's cost choice (fails
CKV_AZURE_170, which wants Standard)."""
UPGRADE_CHANNEL: Final = "patch"
"""AKS moves the cluster to the newest patch of lab.yaml's minor, never to another minor. A
cluster nobody upgrades falls out of support (CKV_AZURE_171 wants a channel)."""
NODE_OS_UPGRADE_CHANNEL: Final = "NodeImage"
"""Weekly reimage to the newest node image: OS, kernel and container runtime updates (``None``
and ``Unmanaged`` would leave the nodes unpatched or unrebooted)."""
MAINTENANCE_DAY: Final = "Sunday"
MAINTENANCE_START_TIME: Final = "22:00"
MAINTENANCE_DURATION_HOURS: Final = 4
"""Sunday 22:00 UTC, four hours (the shortest window AKS accepts): when both kinds of automatic
upgrade may restart nodes."""

SECRET_ROTATION_INTERVAL: Final = "2m"
"""How often the Key Vault CSI driver re-reads mounted secrets (its documented default)."""
IMAGE_CLEANER_INTERVAL_HOURS: Final = 48
"""How often image cleaner (Eraser) removes unused, vulnerable images from the nodes."""

NETWORK_CONTRIBUTOR_ROLE: Final = "Network Contributor"


# --------------------------------------------------------------------------------------------------
# Props
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AksClusterProps:
    """Inputs of :class:`AksCluster`: the cluster's name and default pool from its
    ``cluster.yaml``, the rest from ``lab.yaml`` and the foundation. Validated where they are
    read (``lab.experiments``, ``lab.config``)."""

    name: str
    """Cluster name, also its DNS prefix and the prefix of its child resources' names: a
    lowercase DNS label. Required."""
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
    channel keeps it current. Required."""
    default_pool: NodePoolSpec
    """The system pool, which workloads share with the system add-ons. Its VM size must support
    encryption at host; it takes neither Spot nor taints. Required."""
    authorized_ip_ranges: Sequence[str]
    """CIDRs allowed to reach the public API server (office, VPN, CI runners, the ArgoCD hub).
    Required and non-empty unless ``private_cluster``, empty if it is."""
    egress_cidrs: Sequence[str]
    """The CIDRs the nodes leave from (the NAT gateway's public IP prefix), admitted by the API
    server besides ``authorized_ip_ranges``: AKS adds only a Standard load balancer's outbound
    IPs by itself (MicrosoftDocs/azure-aks-docs@239ab41,
    articles/aks/api-server-authorized-ip-ranges.md), and nodes that cannot reach the API server
    never join. Ignored by a private cluster. A token list (the foundation's output). Required."""
    private_cluster: bool = False
    """Give the API server a private endpoint in the VNet (with an AKS-managed private DNS zone)
    and no public address; only machines in or peered with the VNet reach it. Default: False."""
    admin_group_object_ids: Sequence[str]
    """Entra ID groups (object ids) bound to cluster-admin. Required, at least one: with local
    accounts off, nobody else can use the Kubernetes API (more access comes from
    :meth:`AksCluster.grant_access`). May be tokens."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags for every resource created, the nodes included. Default: {}."""


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

        self.resource = KubernetesCluster(
            self,
            "Cluster",
            name=props.name,
            location=props.location,
            resource_group_name=props.resource_group_name,
            dns_prefix=props.name,
            kubernetes_version=props.kubernetes_version,
            sku_tier=SKU_TIER,
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
                pod_cidr=POD_CIDR,
                service_cidr=SERVICE_CIDR,
                dns_service_ip=DNS_SERVICE_IP,
                load_balancer_sku="standard",
                outbound_type=OUTBOUND_TYPE,
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
            # No Microsoft Defender sensor: the Defender for Containers plan bills per vCore.
            image_cleaner_enabled=True,
            image_cleaner_interval_hours=IMAGE_CLEANER_INTERVAL_HOURS,
            automatic_upgrade_channel=UPGRADE_CHANNEL,
            node_os_upgrade_channel=NODE_OS_UPGRADE_CHANNEL,
            maintenance_window_auto_upgrade=_weekly(KubernetesClusterMaintenanceWindowAutoUpgrade),
            maintenance_window_node_os=_weekly(KubernetesClusterMaintenanceWindowNodeOs),
            # Once the autoscaler owns the node count, Terraform must not scale the pool back.
            lifecycle=(
                TerraformResourceLifecycle(ignore_changes=["default_node_pool[0].node_count"])
                if props.default_pool.autoscaling
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
        send_control_plane_logs(
            self, cluster_id=self.resource.id, workspace_id=props.log_analytics_workspace_id
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

    def add_node_pool(self, id: str, pool: NodePoolSpec) -> NodePool:
        """A user node pool beside the system pool, in the same subnet, on the cluster's
        Kubernetes version and with the cluster's tags. Creates ``<id>NodePool``."""
        return NodePool(
            self,
            f"{id}NodePool",
            NodePoolProps(
                pool=pool,
                kubernetes_cluster_id=self.resource.id,
                kubernetes_version=self.props.kubernetes_version,
                subnet_id=self.props.subnet_id,
                tags=self.props.tags,
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
    pool = props.default_pool
    # azurerm 4 has no taints on the default pool, and AKS no Spot system pools.
    assert not pool.spot and not pool.taints, "the system pool takes neither Spot nor taints"
    return KubernetesClusterDefaultNodePool(
        **pool_settings(
            pool, subnet_id=props.subnet_id, kubernetes_version=props.kubernetes_version
        ),
        temporary_name_for_rotation=AKS_ROTATION_POOL,
        type="VirtualMachineScaleSets",  # the only type that autoscales (CKV_AZURE_169)
        upgrade_settings=KubernetesClusterDefaultNodePoolUpgradeSettings(
            max_surge=MAX_SURGE,
            drain_timeout_in_minutes=DRAIN_TIMEOUT_MINUTES,
        ),
        tags=tags,
    )


_Schedule = TypeVar(
    "_Schedule",
    KubernetesClusterMaintenanceWindowAutoUpgrade,
    KubernetesClusterMaintenanceWindowNodeOs,
)


def _weekly(block: type[_Schedule]) -> _Schedule:
    """One of the two maintenance schedule blocks (they share a shape): the lab's window."""
    return block(
        frequency="Weekly",
        interval=1,
        day_of_week=MAINTENANCE_DAY,
        start_time=MAINTENANCE_START_TIME,
        duration=MAINTENANCE_DURATION_HOURS,
        utc_offset="+00:00",
    )


def _authorized_ranges(props: AksClusterProps) -> list[str]:
    """``authorized_ip_ranges`` and then ``egress_cidrs``, known only at apply."""
    return Token.as_list(Fn.concat([list(props.authorized_ip_ranges), props.egress_cidrs]))
