"""What the Azure foundation exports for other stacks (lab/contract.py says how values travel)."""

from __future__ import annotations

from typing import Final

from lab.contract import FoundationValue

RESOURCE_GROUP_NAME: Final = FoundationValue(
    "resource_group_name", "Name of the foundation's Azure resource group."
)
LOCATION: Final = FoundationValue("location", "Azure region of the foundation network.")
VNET_ID: Final = FoundationValue("vnet_id", "Resource id of the lab's virtual network.")
AKS_SUBNET_ID: Final = FoundationValue("aks_subnet_id", "Resource id of the subnet AKS nodes join.")
AKS_SUBNET_NSG_NAME: Final = FoundationValue(
    "aks_subnet_nsg_name", "Name of the network security group of the AKS subnet."
)
