"""An Azure resource group and VNet for AKS: subnets from config, each behind its own NSG."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from cdktn_provider_azurerm.nat_gateway import NatGateway
from cdktn_provider_azurerm.nat_gateway_public_ip_prefix_association import (
    NatGatewayPublicIpPrefixAssociation,
)
from cdktn_provider_azurerm.network_security_group import NetworkSecurityGroup
from cdktn_provider_azurerm.public_ip_prefix import PublicIpPrefix
from cdktn_provider_azurerm.resource_group import ResourceGroup
from cdktn_provider_azurerm.subnet import Subnet
from cdktn_provider_azurerm.subnet_nat_gateway_association import (
    SubnetNatGatewayAssociation,
)
from cdktn_provider_azurerm.subnet_network_security_group_association import (
    SubnetNetworkSecurityGroupAssociation,
)
from cdktn_provider_azurerm.virtual_network import VirtualNetwork
from constructs import Construct

from lab.config import VnetSettings
from lab.constructs.azure.ingress import ServiceIngress, ServiceIngressProps
from lab.rules import FOUNDATION_RULE_PRIORITY, subnet_key

EGRESS_PREFIX_LENGTH: Final = 31
"""The NAT gateway's public IP prefix: two addresses, plenty for a lab's egress, and a short
list for the other cloud to admit (a NAT gateway takes up to a /28)."""


@dataclass(frozen=True, kw_only=True)
class AzureNetworkProps:
    """Inputs of :class:`AzureNetwork`."""

    resource_group_name: str
    """Name of the resource group the construct creates. Required."""

    location: str
    """Azure region by programmatic name (``"westeurope"``, not ``"West Europe"``). Required."""

    vnet: VnetSettings
    """The VNet as ``lab.yaml`` gives it: its name, address space, subnets and which subnet
    AKS nodes join. Required.

    With Azure CNI overlay only nodes take VNet addresses, so a /20 holds 4,000 nodes."""

    service_ports: Sequence[int]
    """TCP ports of the LoadBalancer Services that ``service_source_ranges`` may reach.
    Required."""

    service_source_ranges: Sequence[str]
    """CIDRs (your office or VPN) allowed to reach LoadBalancer Services in the AKS subnet on
    ``service_ports``; none admits only the VNet, and what experiments admit. Required."""

    tags: Mapping[str, str]
    """``lab.yaml`` ``tags``, for the resource group, the VNet, the NSGs and the NAT gateway.
    Required."""


class AzureNetwork(Construct):
    """A resource group with one VNet whose subnets each have their own network security group.

    * Every subnet is created with ``default_outbound_access_enabled = false``: nothing in it
      reaches the internet unless something gives it a way out (for AKS, the foundation's NAT
      gateway).
    * Each subnet's NSG holds only Azure's default rules, which deny inbound traffic from the
      internet and allow traffic within the VNet and from Azure load balancers. Extra rules are
      separate ``azurerm_network_security_rule`` resources on ``network_security_group_ids``.
    * The AKS subnet gets its egress through a NAT gateway with a public IP prefix: fixed
      addresses, known before any cluster exists (another cloud can admit them), shared by
      every cluster in the subnet, which then use the ``userAssignedNATGateway`` outbound
      type. It costs about a NAT gateway hour plus its data; without it the subnet would have
      no way out.

    Lab choices, stated rather than hidden: no VNet flow logs (they need a storage account and
    Network Watcher, which this construct does not manage) and no DDoS protection plan (a fixed
    monthly fee far above a lab's budget).
    """

    def __init__(self, scope: Construct, id: str, props: AzureNetworkProps) -> None:
        super().__init__(scope, id)
        tags = dict(props.tags)
        group = ResourceGroup(
            self,
            "ResourceGroup",
            name=props.resource_group_name,
            location=props.location,
            tags=tags,
        )
        vnet = VirtualNetwork(
            self,
            "VirtualNetwork",
            name=props.vnet.name,
            resource_group_name=group.name,
            location=group.location,
            address_space=list(props.vnet.address_space),
            tags=tags,
        )

        self.subnet_ids: dict[str, str] = {}
        """Resource id of each subnet, by subnet name."""
        self.network_security_group_ids: dict[str, str] = {}
        """Resource id of each subnet's NSG, by subnet name."""
        security_groups: dict[str, NetworkSecurityGroup] = {}
        for spec in props.vnet.subnets:
            key = subnet_key(spec.name)
            subnet = Subnet(
                self,
                f"{key}Subnet",
                name=spec.name,
                resource_group_name=group.name,
                virtual_network_name=vnet.name,
                address_prefixes=[spec.address_prefix],
                # Azure retires implicit outbound access; switching it off makes egress explicit.
                default_outbound_access_enabled=False,
            )
            security_group = NetworkSecurityGroup(
                self,
                f"{key}SecurityGroup",
                name=f"{spec.name}-nsg",
                resource_group_name=group.name,
                location=group.location,
                tags=tags,
            )
            SubnetNetworkSecurityGroupAssociation(
                self,
                f"{key}SecurityGroupAssociation",
                subnet_id=subnet.id,
                network_security_group_id=security_group.id,
            )
            self.subnet_ids[spec.name] = subnet.id
            self.network_security_group_ids[spec.name] = security_group.id
            security_groups[spec.name] = security_group

        self.resource_group_name: str = group.name
        """Name of the resource group."""
        self.location: str = group.location
        """Region of the resource group and everything in it."""
        self.vnet_id: str = vnet.id
        """Resource id of the VNet."""
        self.vnet_name: str = vnet.name
        """Name of the VNet."""
        aks_subnet = props.vnet.aks_subnet
        self.aks_subnet_id: str = self.subnet_ids[aks_subnet]
        """Resource id of the subnet AKS nodes join (``vnet.aks_subnet``)."""
        self.aks_subnet_nsg_name: str = security_groups[aks_subnet].name
        """Name of the AKS subnet's NSG, where rules admitting service traffic go."""
        prefix = PublicIpPrefix(
            self,
            "EgressPrefix",
            name=f"{aks_subnet}-egress",
            location=group.location,
            resource_group_name=group.name,
            sku="Standard",
            ip_version="IPv4",
            prefix_length=EGRESS_PREFIX_LENGTH,
            tags=tags,
        )
        gateway = NatGateway(
            self,
            "NatGateway",
            name=f"{aks_subnet}-nat",
            location=group.location,
            resource_group_name=group.name,
            # The only SKU azurerm 4.55 offers; it lives in one zone.
            sku_name="Standard",
            idle_timeout_in_minutes=4,
            tags=tags,
        )
        NatGatewayPublicIpPrefixAssociation(
            self, "NatGatewayPrefix", nat_gateway_id=gateway.id, public_ip_prefix_id=prefix.id
        )
        SubnetNatGatewayAssociation(
            self,
            f"{subnet_key(aks_subnet)}NatGateway",
            subnet_id=self.aks_subnet_id,
            nat_gateway_id=gateway.id,
        )
        self.egress_cidrs: list[str] = [prefix.ip_prefix]
        """The AKS subnet's egress addresses: the NAT gateway's prefix."""
        if props.service_source_ranges:
            ServiceIngress(
                self,
                "AllowServicesFromLabRanges",
                ServiceIngressProps(
                    name="allow-services-from-lab-ranges",
                    network_security_group_name=self.aks_subnet_nsg_name,
                    resource_group_name=group.name,
                    priority=FOUNDATION_RULE_PRIORITY,
                    sources=props.service_source_ranges,
                    ports=props.service_ports,
                    description="LoadBalancer Services from lab.yaml's service_source_ranges.",
                ),
            )
