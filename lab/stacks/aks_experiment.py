"""``exp-<experiment>-aks``: one experiment's AKS clusters, inside the foundation's VNet."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from cdktn_provider_azurerm.log_analytics_workspace import LogAnalyticsWorkspace
from cdktn_provider_azurerm.provider import AzurermProvider, AzurermProviderFeatures
from cdktn_provider_azurerm.resource_group import ResourceGroup
from constructs import Construct

from lab.constructs.azure.aks import AksCluster, AksClusterProps
from lab.constructs.azure.ingress import ServiceIngress, ServiceIngressProps
from lab.contract import (
    AKS_SUBNET_ID,
    AKS_SUBNET_NSG_NAME,
    EGRESS_CIDRS,
    LOCATION,
    PEER_EGRESS_VARIABLE,
    RESOURCE_GROUP_NAME,
)
from lab.definition import LabDefinition, StackDefinition
from lab.rules import construct_key
from lab.stacks.base import LabStack, export_cluster, import_inputs

if TYPE_CHECKING:
    from lab.stacks.argocd_hub import HubRegistration

LOG_RETENTION_DAYS: Final = 30
"""Container Insights retention: the free period of a pay-as-you-go workspace."""


class AksExperimentStack(LabStack):
    """A resource group and a Log Analytics workspace per experiment, and one AKS cluster
    per ``cluster.yaml`` with ``provider: azure``. Destroying the stack removes them all.

    The clusters leave through the foundation's NAT gateway. In an experiment that also has
    EKS clusters, a rule in the AKS subnet's NSG admits the AWS foundation's egress to the
    service ports, so the EKS clusters can reach the AKS clusters' LoadBalancer Services.
    """

    def __init__(self, scope: Construct, definition: StackDefinition, lab: LabDefinition) -> None:
        super().__init__(scope, definition)
        aks = lab.config.azure.aks
        AzurermProvider(self, "azurerm", features=[AzurermProviderFeatures()])
        inputs = import_inputs(self)
        hub: HubRegistration | None = None
        if lab.config.argocd is not None:
            # Loads the kubernetes provider: only a lab with ArgoCD pays for it.
            from lab.stacks.argocd_hub import HubRegistration

            hub = HubRegistration(self, lab, lab.config.argocd)
        location = inputs[LOCATION.name]
        subnet_id = inputs[AKS_SUBNET_ID.name]
        tags = {**lab.config.tags, "experiment": str(definition.experiment)}

        group = ResourceGroup(
            self, "ResourceGroup", name=f"rg-{definition.id}", location=location, tags=tags
        )
        workspace = LogAnalyticsWorkspace(
            self,
            "LogAnalyticsWorkspace",
            name=f"log-{definition.id}",
            location=location,
            resource_group_name=group.name,
            sku="PerGB2018",
            retention_in_days=LOG_RETENTION_DAYS,
            # Entra ID only: the clusters' monitoring agents authenticate with managed identity.
            # (azurerm 4.x deprecates local_authentication_disabled for this field.)
            local_authentication_enabled=False,
            tags=tags,
        )
        self.clusters: dict[str, AksCluster] = {}
        for cluster in definition.clusters:
            self.clusters[cluster.name] = built = AksCluster(
                self,
                cluster.name,
                AksClusterProps(
                    name=cluster.full_name,
                    resource_group_name=group.name,
                    location=location,
                    subnet_id=subnet_id,
                    log_analytics_workspace_id=workspace.id,
                    kubernetes_version=aks.kubernetes_version,
                    default_pool=cluster.default_pool,
                    # A private cluster has no public allowlist: the hub must reach it
                    # through the VNet (docs/argocd.md).
                    authorized_ip_ranges=(
                        ()
                        if aks.private_cluster
                        else tuple(
                            dict.fromkeys([*aks.authorized_ip_ranges, *lab.config.hub_egress_cidrs])
                        )
                    ),
                    # The nodes reach the API server through the foundation's NAT gateway.
                    egress_cidrs=inputs[EGRESS_CIDRS.name],
                    private_cluster=aks.private_cluster,
                    admin_group_object_ids=aks.admin_group_object_ids,
                    tags={**tags, "cluster": cluster.name},
                ),
            )
            for pool in cluster.node_pools:
                built.add_node_pool(construct_key(pool.name), pool)
            export_cluster(
                self,
                cluster.name,
                name=built.cluster_name,
                api_endpoint=built.endpoint,
                oidc_issuer_url=built.oidc_issuer_url,
            )
            if hub is not None:
                hub.register_aks(
                    cluster,
                    built,
                    location=location,
                    resource_group_name=group.name,
                    version=aks.kubernetes_version,
                )
        if definition.service_rule_priority is not None:
            ServiceIngress(
                self,
                "AllowServicesFromPeerCloud",
                ServiceIngressProps(
                    name=f"{definition.id}-from-aws",
                    network_security_group_name=inputs[AKS_SUBNET_NSG_NAME.name],
                    resource_group_name=inputs[RESOURCE_GROUP_NAME.name],
                    priority=definition.service_rule_priority,
                    sources=inputs[PEER_EGRESS_VARIABLE],
                    ports=aks.service_ports,
                    description=(
                        f"Experiment {definition.experiment}: its EKS clusters reach its "
                        "LoadBalancer Services here."
                    ),
                ),
            )
