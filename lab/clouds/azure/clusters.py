"""The AKS half of an experiment stack: a resource group and a Log Analytics workspace per
experiment, and one AKS cluster per ``cluster.yaml`` with ``provider: azure``, inside the
foundation's VNet.

The clusters leave through the foundation's NAT gateway. In an experiment with clusters on
other clouds, a rule in the AKS subnet's NSG admits their egress to the service ports, so
they can reach the AKS clusters' LoadBalancer Services.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from cdktn import Fn, Token
from cdktn_provider_azurerm.log_analytics_workspace import LogAnalyticsWorkspace
from cdktn_provider_azurerm.provider import AzurermProvider, AzurermProviderFeatures
from cdktn_provider_azurerm.resource_group import ResourceGroup

from lab import handoff
from lab.clouds import cloud_unit
from lab.clouds.azure.values import (
    AKS_SUBNET_ID,
    AKS_SUBNET_NSG_NAME,
    LOCATION,
    RESOURCE_GROUP_NAME,
)
from lab.constructs.azure.aks import AksCluster, AksClusterProps, AksRole, PrincipalType
from lab.constructs.azure.ingress import ServiceIngress, ServiceIngressProps
from lab.contract import EGRESS_CIDRS, peer_egress_variable
from lab.definition import LabDefinition
from lab.experiments import ClusterSpec
from lab.rules import construct_key
from lab.stacks.base import api_allowlist

if TYPE_CHECKING:
    from lab.stacks.argocd_hub import HubRegistration
    from lab.stacks.experiment import ExperimentStack

LOG_RETENTION_DAYS: Final = 30
"""Container Insights retention: the free period of a pay-as-you-go workspace."""


class AksClusters:
    """Adds AKS clusters to an experiment stack (:class:`lab.stacks.experiment.ClusterBuilder`)."""

    def __init__(self, stack: ExperimentStack, lab: LabDefinition) -> None:
        self.stack = stack
        self.lab = lab
        self.aks = lab.config.azure.aks
        self._tenant: str | None = None
        definition = stack.definition
        AzurermProvider(stack, "azurerm", features=[AzurermProviderFeatures()])
        self.location = stack.inputs[LOCATION.name]
        self.group = ResourceGroup(
            stack,
            "ResourceGroup",
            name=f"rg-{definition.id}",
            location=self.location,
            tags=stack.tags,
        )
        self.workspace = LogAnalyticsWorkspace(
            stack,
            "LogAnalyticsWorkspace",
            name=f"log-{definition.id}",
            location=self.location,
            resource_group_name=self.group.name,
            sku="PerGB2018",
            retention_in_days=LOG_RETENTION_DAYS,
            # Entra ID only: the clusters' monitoring agents authenticate with managed identity.
            # (azurerm 4.x deprecates local_authentication_disabled for this field.)
            local_authentication_enabled=False,
            tags=stack.tags,
        )
        if definition.service_rule_priority is not None:
            self._admit_peers()

    def add_cluster(self, cluster: ClusterSpec, hub: HubRegistration | None) -> AksCluster:
        aks = self.aks
        built = AksCluster(
            self.stack,
            cluster.name,
            AksClusterProps(
                name=cluster.full_name,
                resource_group_name=self.group.name,
                location=self.location,
                subnet_id=self.stack.inputs[AKS_SUBNET_ID.name],
                log_analytics_workspace_id=self.workspace.id,
                kubernetes_version=aks.kubernetes_version,
                default_pool=cluster.default_pool,
                # A private cluster has no public allowlist: the hub must reach it
                # through the VNet (docs/argocd.md).
                authorized_ip_ranges=(
                    ()
                    if aks.private_cluster
                    else api_allowlist(aks.authorized_ip_ranges, self.lab.config)
                ),
                # The nodes reach the API server through the foundation's NAT gateway.
                egress_cidrs=self.stack.inputs[EGRESS_CIDRS.name],
                private_cluster=aks.private_cluster,
                admin_group_object_ids=aks.admin_group_object_ids,
                tags={**self.stack.tags, "cluster": cluster.name},
            ),
        )
        for pool in cluster.node_pools:
            built.add_node_pool(construct_key(pool.name), pool)
        if hub is not None:
            self._register(hub, cluster, built)
        return built

    def _register(self, hub: HubRegistration, cluster: ClusterSpec, built: AksCluster) -> None:
        """The Azure Kubernetes Service RBAC Cluster Admin role for ``argocd.azure_principal_id``
        on the cluster (ArgoCD installs cluster-wide objects), and a Secret that signs in as
        ``argocd.azure_client_id`` through workload identity."""
        # Loads the kubernetes provider: only a lab with ArgoCD pays for it.
        from lab.constructs.argocd import AzureWorkloadIdentityAuth

        access = built.grant_access(
            hub.required(hub.settings.azure_principal_id),
            AksRole.CLUSTER_ADMIN,
            principal_type=PrincipalType.SERVICE_PRINCIPAL,
        )
        hub.register(
            cluster,
            version=self.aks.kubernetes_version,
            server=built.endpoint,
            ca_data=built.ca_certificate,
            auth=AzureWorkloadIdentityAuth(
                client_id=hub.required(hub.settings.azure_client_id),
                tenant_id=self._tenant_id(),
            ),
            annotations={
                handoff.AZURE_LOCATION: self.location,
                handoff.AZURE_RESOURCE_GROUP: self.group.name,
            },
            depends_on=[access.resource],
        )

    def _tenant_id(self) -> str:
        """The tenant the stack's own Azure credentials belong to: the clusters' tenant."""
        if self._tenant is None:
            from cdktn_provider_azurerm.data_azurerm_client_config import (
                DataAzurermClientConfig,
            )

            self._tenant = DataAzurermClientConfig(self.stack, "ClientConfig").tenant_id
        return self._tenant

    def _admit_peers(self) -> None:
        """A rule in the AKS subnet's NSG admitting the peers' egress to the service ports."""
        definition = self.stack.definition
        inputs = self.stack.inputs
        assert definition.service_rule_priority is not None
        peers = definition.peers
        egress = [inputs[peer_egress_variable(peer)] for peer in peers]
        ServiceIngress(
            self.stack,
            "AllowServicesFromPeerCloud",
            ServiceIngressProps(
                name=f"{definition.id}-from-{'-'.join(peers)}",
                network_security_group_name=inputs[AKS_SUBNET_NSG_NAME.name],
                resource_group_name=inputs[RESOURCE_GROUP_NAME.name],
                priority=definition.service_rule_priority,
                sources=egress[0] if len(egress) == 1 else Token.as_list(Fn.concat(egress)),
                ports=self.aks.service_ports,
                description=(
                    f"Experiment {definition.experiment}: its "
                    f"{', '.join(cloud_unit(peer).service_name for peer in peers)} clusters reach "
                    "its LoadBalancer Services here."
                ),
            ),
        )
