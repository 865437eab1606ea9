"""Azure: AKS clusters in the foundation's VNet."""

from __future__ import annotations

from typing import Final

from lab.clouds.azure.values import (
    AKS_SUBNET_ID,
    AKS_SUBNET_NSG_NAME,
    LOCATION,
    RESOURCE_GROUP_NAME,
    VNET_ID,
)
from lab.clouds.unit import ArgocdIdentity, Cloud, CloudUnit, CredentialContext
from lab.contract import EGRESS_CIDRS
from lab.rules.catalogue import check_azure_vm_size
from lab.rules.kubernetes import AKS_SUPPORT
from lab.rules.names import AKS_DEFAULT_POOL, AKS_ROTATION_POOL

AZURE: Final = CloudUnit(
    id=Cloud.AZURE,
    title="Azure",
    service="aks",
    machine_types={
        "small": "Standard_D2s_v3",
        "medium": "Standard_D4s_v3",
        "large": "Standard_D8s_v3",
    },
    check_machine_type=check_azure_vm_size,
    default_pool_name=AKS_DEFAULT_POOL,
    reserved_pool_names=(AKS_DEFAULT_POOL, AKS_ROTATION_POOL),
    support=AKS_SUPPORT,
    settings="azure.aks",
    argocd_identity=ArgocdIdentity(
        key="azure_principal_id",
        what="the Entra identity ArgoCD signs in as, which gets an AKS RBAC role",
    ),
    foundation_description=(
        "Azure networking for AKS: resource group, VNet, subnets with NSGs. Applied by hand."
    ),
    foundation_outputs=(
        RESOURCE_GROUP_NAME,
        LOCATION,
        VNET_ID,
        AKS_SUBNET_ID,
        AKS_SUBNET_NSG_NAME,
        EGRESS_CIDRS,
    ),
    # The nodes reach the API server's public address through the NAT gateway, whose
    # addresses the API server must admit (lab/contract.py).
    experiment_inputs=(LOCATION, AKS_SUBNET_ID, EGRESS_CIDRS),
    # Where the AKS subnet's NSG is, to admit the other clouds' egress to the services.
    peer_inputs=(RESOURCE_GROUP_NAME, AKS_SUBNET_NSG_NAME),
    has_egress=lambda config: True,  # the foundation's NAT gateway, always there
    credentials=CredentialContext(
        name="azure-credentials",
        hand_added_secrets="ARM_CLIENT_ID, ARM_CLIENT_SECRET, ARM_TENANT_ID, ARM_SUBSCRIPTION_ID",
        environment=lambda config: {},
    ),
    spacelift="lab.clouds.azure.spacelift",
    foundation_stack="lab.clouds.azure.foundation:AzureFoundationStack",
    experiment_clusters="lab.clouds.azure.clusters:AksClusters",
)
