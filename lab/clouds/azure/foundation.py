"""``azure-foundation``: the lab's Azure network, which every AKS experiment joins."""

from __future__ import annotations

from cdktn_provider_azurerm.provider import AzurermProvider, AzurermProviderFeatures
from constructs import Construct

from lab.clouds.azure.values import (
    AKS_SUBNET_ID,
    AKS_SUBNET_NSG_NAME,
    LOCATION,
    RESOURCE_GROUP_NAME,
    VNET_ID,
)
from lab.constructs.azure.budget import AzureLabBudget
from lab.constructs.azure.network import AzureNetwork, AzureNetworkProps
from lab.contract import EGRESS_CIDRS
from lab.definition import LabDefinition, StackDefinition
from lab.stacks.base import LabStack, budget_props, export_value


class AzureFoundationStack(LabStack):
    """Resource group, VNet, subnets (each with its own NSG) and the AKS subnet's NAT gateway;
    with ``cost.monthly_budget_usd``, the lab's Azure budget; exports what AKS needs.

    Applied by hand (no autodeploy) and protected from deletion: every AKS experiment
    joins this network.
    """

    def __init__(self, scope: Construct, definition: StackDefinition, lab: LabDefinition) -> None:
        super().__init__(scope, definition)
        azure = lab.config.azure
        # No credentials here: Spacelift's Azure integration (or the azure-credentials
        # context) provides ARM_* variables to each run.
        AzurermProvider(self, "azurerm", features=[AzurermProviderFeatures()])
        self.network = AzureNetwork(
            self,
            "Network",
            AzureNetworkProps(
                resource_group_name=azure.resource_group,
                location=azure.location,
                vnet=azure.vnet,
                service_ports=azure.aks.service_ports,
                service_source_ranges=azure.aks.service_source_ranges,
                tags=lab.config.tags,
            ),
        )
        if (budget := budget_props(lab.config)) is not None:
            self.budget = AzureLabBudget(self, "Budget", budget)
        export_value(self, RESOURCE_GROUP_NAME, self.network.resource_group_name)
        export_value(self, LOCATION, self.network.location)
        export_value(self, VNET_ID, self.network.vnet_id)
        export_value(self, AKS_SUBNET_ID, self.network.aks_subnet_id)
        export_value(self, AKS_SUBNET_NSG_NAME, self.network.aks_subnet_nsg_name)
        export_value(self, EGRESS_CIDRS, self.network.egress_cidrs)
