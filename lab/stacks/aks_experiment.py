"""``exp-<experiment>-aks``: one experiment's AKS clusters, inside the foundation's VNet."""

from __future__ import annotations

from typing import Final

from cdktf_cdktf_provider_azurerm.log_analytics_workspace import LogAnalyticsWorkspace
from cdktf_cdktf_provider_azurerm.provider import AzurermProvider, AzurermProviderFeatures
from cdktf_cdktf_provider_azurerm.resource_group import ResourceGroup
from constructs import Construct

from lab.constructs.azure.aks import AksCluster, AksClusterProps, NodePoolOptions
from lab.contract import AKS_SUBNET_ID, LOCATION
from lab.definition import LabDefinition, StackDefinition
from lab.rules import construct_key
from lab.stacks.base import LabStack, export_cluster, import_value

LOG_RETENTION_DAYS: Final = 30
"""Container Insights retention: the free period of a pay-as-you-go workspace."""


class AksExperimentStack(LabStack):
    """A resource group and a Log Analytics workspace per experiment, and one AKS cluster
    per ``cluster.yaml`` with ``provider: azure``. Destroying the stack removes them all."""

    def __init__(self, scope: Construct, definition: StackDefinition, lab: LabDefinition) -> None:
        super().__init__(scope, definition)
        aks = lab.config.azure.aks
        AzurermProvider(self, "azurerm", features=[AzurermProviderFeatures()])
        location = import_value(self, LOCATION)
        subnet_id = import_value(self, AKS_SUBNET_ID)
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
            local_authentication_disabled=True,
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
                    vm_size=cluster.machine_type,
                    node_count=cluster.node_count,
                    min_nodes=cluster.min_nodes,
                    max_nodes=cluster.max_nodes,
                    authorized_ip_ranges=aks.authorized_ip_ranges,
                    private_cluster=aks.private_cluster,
                    admin_group_object_ids=aks.admin_group_object_ids,
                    tags={**tags, "cluster": cluster.name},
                ),
            )
            for pool in cluster.node_pools:
                built.add_node_pool(
                    construct_key(pool.name),
                    NodePoolOptions(
                        name=pool.name,
                        vm_size=pool.machine_type,
                        node_count=pool.node_count,
                        min_nodes=pool.min_nodes,
                        max_nodes=pool.max_nodes,
                        spot=pool.spot,
                        labels=dict(pool.labels),
                        taints=pool.taints,
                        tags={**tags, "cluster": cluster.name},
                    ),
                )
            export_cluster(
                self,
                cluster.name,
                name=built.cluster_name,
                api_endpoint=built.endpoint,
                oidc_issuer_url=built.oidc_issuer_url,
            )
