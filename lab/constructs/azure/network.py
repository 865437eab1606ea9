"""An Azure resource group and VNet for AKS: subnets from config, each behind its own NSG."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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

from lab.constructs.azure.ingress import ServiceIngress, ServiceIngressProps
from lab.rules import (
    DEFAULT_SERVICE_PORTS,
    FOUNDATION_RULE_PRIORITY,
    MAX_PROJECT_NAME_LENGTH,
    RuleError,
    check_azure_location,
    check_dns_label,
    check_resource_group_name,
    check_service_ports,
    check_service_sources,
    check_subnet,
    check_vnet_layout,
    check_vnet_name,
    subnet_key,
)

# AKS's own defaults are 10.0.0.0/16 for services and 10.244.0.0/16 for overlay pods; the VNet
# stays clear of both, inside the 10.224.0.0/12 that AKS uses when it creates a VNet itself.
DEFAULT_ADDRESS_SPACE: Final = ("10.224.0.0/16",)
DEFAULT_AKS_SUBNET_NAME: Final = "aks-nodes"

MAX_NAME_LENGTH: Final = MAX_PROJECT_NAME_LENGTH
DEFAULT_EGRESS_PREFIX_LENGTH: Final = 31
MIN_EGRESS_PREFIX_LENGTH: Final = 28
"""A NAT gateway takes at most 16 addresses, a /28 (Azure's "Public IP address prefix")."""


@dataclass(frozen=True, kw_only=True)
class SubnetSpec:
    """One subnet of :class:`AzureNetwork`."""

    name: str
    """Subnet name; its NSG is ``<name>-nsg``. Required.

    1-76 letters, digits, ``_``, ``.`` or ``-``; starts with a letter or digit and ends with a
    letter, digit or ``_``. Unique in the VNet, ignoring case."""

    address_prefix: str
    """IPv4 block of the subnet, inside one of the VNet's address spaces. Required.

    /29 at most: Azure keeps five addresses of every subnet for itself."""

    def __post_init__(self) -> None:
        check_subnet(self.name, self.address_prefix)


DEFAULT_SUBNETS: Final = (SubnetSpec(name=DEFAULT_AKS_SUBNET_NAME, address_prefix="10.224.0.0/20"),)


@dataclass(frozen=True, kw_only=True)
class AzureNetworkProps:
    """Inputs of :class:`AzureNetwork`."""

    name: str
    """Project name, the stem of the default resource group and VNet names. Required.

    A lowercase DNS label (``a-z``, ``0-9``, ``-``) of at most 24 characters."""

    location: str
    """Azure region by programmatic name (``"westeurope"``, not ``"West Europe"``). Required."""

    resource_group_name: str | None = None
    """Name of the resource group the construct creates. Default: ``"<name>-rg"``."""

    vnet_name: str | None = None
    """Name of the VNet. Default: ``"<name>-vnet"``."""

    address_space: Sequence[str] = DEFAULT_ADDRESS_SPACE
    """IPv4 blocks of the VNet; they must not overlap. Default: ``("10.224.0.0/16",)``.

    The default avoids AKS's default service (10.0.0.0/16) and overlay pod (10.244.0.0/16)
    ranges, which must not overlap the VNet."""

    subnets: Sequence[SubnetSpec] = DEFAULT_SUBNETS
    """The VNet's subnets, each inside ``address_space`` and overlapping no other.
    Default: one ``aks-nodes`` subnet, ``10.224.0.0/20``.

    With Azure CNI overlay only nodes take VNet addresses, so a /20 holds 4,000 nodes."""

    aks_subnet_name: str = DEFAULT_AKS_SUBNET_NAME
    """Which of ``subnets`` the AKS nodes go in. Default: ``"aks-nodes"``."""

    nat_gateway: bool = True
    """Give the AKS subnet its egress through a NAT gateway with a public IP prefix: fixed
    addresses, known before any cluster exists (another cloud can admit them), shared by every
    cluster in the subnet, which then use the ``userAssignedNATGateway`` outbound type.
    Default: true. Costs about a NAT gateway hour plus its data; false leaves the subnet
    without a way out (each cluster would need its own egress)."""

    egress_prefix_length: int = DEFAULT_EGRESS_PREFIX_LENGTH
    """Size of the public IP prefix, /28 to /31. Default: 31 (two addresses)."""

    service_ports: Sequence[int] = DEFAULT_SERVICE_PORTS
    """TCP ports of the LoadBalancer Services that ``service_source_ranges`` may reach.
    Default: 80 and 443."""

    service_source_ranges: Sequence[str] = ()
    """CIDRs (your office or VPN) allowed to reach LoadBalancer Services in the AKS subnet on
    ``service_ports``. Default: none (only the VNet, and what experiments admit). ``*``,
    ``Internet`` and /0 are refused."""

    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags for the resource group, the VNet and the NSGs. Default: none."""

    def __post_init__(self) -> None:
        if not MIN_EGRESS_PREFIX_LENGTH <= self.egress_prefix_length <= 31:
            raise RuleError(
                "egress_prefix_length",
                f"{self.egress_prefix_length} is outside /{MIN_EGRESS_PREFIX_LENGTH}-/31, the "
                "prefixes a NAT gateway takes",
            )
        check_service_ports(self.service_ports)
        check_service_sources(self.service_source_ranges)
        check_dns_label(self.name, field="name", max_length=MAX_NAME_LENGTH)
        if self.resource_group_name is not None:
            check_resource_group_name(self.resource_group_name, field="resource_group_name")
        if self.vnet_name is not None:
            check_vnet_name(self.vnet_name, field="vnet_name")
        check_azure_location(self.location, field="location")
        check_vnet_layout(
            self.address_space,
            [(spec.name, spec.address_prefix) for spec in self.subnets],
            self.aks_subnet_name,
            aks_subnet_field="aks_subnet_name",
        )


class AzureNetwork(Construct):
    """A resource group with one VNet whose subnets each have their own network security group.

    * Every subnet is created with ``default_outbound_access_enabled = false``: nothing in it
      reaches the internet unless something gives it a way out (for AKS, the cluster's outbound
      load balancer or NAT gateway).
    * Each subnet's NSG holds only Azure's default rules, which deny inbound traffic from the
      internet and allow traffic within the VNet and from Azure load balancers. Extra rules are
      separate ``azurerm_network_security_rule`` resources on ``network_security_group_ids``.

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
            name=props.resource_group_name or f"{props.name}-rg",
            location=props.location,
            tags=tags,
        )
        vnet = VirtualNetwork(
            self,
            "VirtualNetwork",
            name=props.vnet_name or f"{props.name}-vnet",
            resource_group_name=group.name,
            location=group.location,
            address_space=list(props.address_space),
            tags=tags,
        )

        self.subnet_ids: dict[str, str] = {}
        """Resource id of each subnet, by subnet name."""
        self.network_security_group_ids: dict[str, str] = {}
        """Resource id of each subnet's NSG, by subnet name."""
        security_groups: dict[str, NetworkSecurityGroup] = {}
        for spec in props.subnets:
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
        self.aks_subnet_id: str = self.subnet_ids[props.aks_subnet_name]
        """Resource id of the subnet named by ``aks_subnet_name``."""
        aks_key = subnet_key(props.aks_subnet_name)
        self.aks_subnet_nsg_name: str = security_groups[props.aks_subnet_name].name
        """Name of the AKS subnet's NSG, where rules admitting service traffic go."""
        self.egress_cidrs: list[str] = []
        """The AKS subnet's egress addresses: the NAT gateway's prefix (none without one)."""
        if props.nat_gateway:
            prefix = PublicIpPrefix(
                self,
                "EgressPrefix",
                name=f"{props.aks_subnet_name}-egress",
                location=group.location,
                resource_group_name=group.name,
                sku="Standard",
                ip_version="IPv4",
                prefix_length=props.egress_prefix_length,
                tags=tags,
            )
            gateway = NatGateway(
                self,
                "NatGateway",
                name=f"{props.aks_subnet_name}-nat",
                location=group.location,
                resource_group_name=group.name,
                # The only SKU azurerm 4.55 offers; it lives in one zone.
                sku_name="Standard",
                idle_timeout_in_minutes=4,
                tags=tags,
            )
            NatGatewayPublicIpPrefixAssociation(
                self,
                "NatGatewayPrefix",
                nat_gateway_id=gateway.id,
                public_ip_prefix_id=prefix.id,
            )
            SubnetNatGatewayAssociation(
                self,
                f"{aks_key}NatGateway",
                subnet_id=self.aks_subnet_id,
                nat_gateway_id=gateway.id,
            )
            self.egress_cidrs = [prefix.ip_prefix]
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
