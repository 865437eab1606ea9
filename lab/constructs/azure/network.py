"""An Azure resource group and VNet for AKS: subnets from config, each behind its own NSG."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from cdktf_cdktf_provider_azurerm.network_security_group import NetworkSecurityGroup
from cdktf_cdktf_provider_azurerm.resource_group import ResourceGroup
from cdktf_cdktf_provider_azurerm.subnet import Subnet
from cdktf_cdktf_provider_azurerm.subnet_network_security_group_association import (
    SubnetNetworkSecurityGroupAssociation,
)
from cdktf_cdktf_provider_azurerm.virtual_network import VirtualNetwork
from constructs import Construct

from lab.constructs.cidr import parse_ipv4_cidr

# AKS's own defaults are 10.0.0.0/16 for services and 10.244.0.0/16 for overlay pods; the VNet
# stays clear of both, inside the 10.224.0.0/12 that AKS uses when it creates a VNet itself.
DEFAULT_ADDRESS_SPACE: Final = ("10.224.0.0/16",)
DEFAULT_AKS_SUBNET_NAME: Final = "aks-nodes"

MAX_NAME_LENGTH: Final = 24
_NAME_PATTERN: Final = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
_RESOURCE_GROUP_NAME_PATTERN: Final = re.compile(r"[-\w.()]{0,89}[-\w()]")
_VNET_NAME_PATTERN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}[A-Za-z0-9_]")
_LOCATION_PATTERN: Final = re.compile(r"[a-z][a-z0-9]*")
# Azure allows 80 characters; the NSG, named "<subnet>-nsg", must fit in 80 as well.
_SUBNET_NAME_PATTERN: Final = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,74}[A-Za-z0-9_])?")
# Subnets that Azure services claim by name: gateways and firewalls reject an NSG, Bastion and
# Route Server need rules of their own.
_RESERVED_SUBNET_NAMES: Final = frozenset(
    name.casefold()
    for name in (
        "GatewaySubnet",
        "AzureFirewallSubnet",
        "AzureFirewallManagementSubnet",
        "AzureBastionSubnet",
        "RouteServerSubnet",
    )
)
_MAX_SUBNET_PREFIX: Final = 29


def _construct_key(subnet_name: str) -> str:
    """The PascalCase stem of a subnet's child ids: ``aks-nodes`` -> ``AksNodes``."""
    parts = re.split(r"[-_.]+", subnet_name)
    return "".join(part[:1].upper() + part[1:].lower() for part in parts)


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
        if not _SUBNET_NAME_PATTERN.fullmatch(self.name):
            raise ValueError(
                f"subnet {self.name!r}: name must be 1-76 letters, digits, '_', '.' or '-' "
                "(its NSG '<name>-nsg' must fit Azure's 80), start with a letter or digit and "
                "end with a letter, digit or '_'; use e.g. 'aks-nodes'"
            )
        if self.name.casefold() in _RESERVED_SUBNET_NAMES:
            raise ValueError(
                f"subnet {self.name!r}: name is reserved for an Azure service whose subnet must "
                "not get this construct's NSG; choose another name"
            )
        prefix = parse_ipv4_cidr(
            self.address_prefix,
            field=f"subnet {self.name!r} address_prefix",
            example="10.224.0.0/20",
        )
        if prefix.prefixlen > _MAX_SUBNET_PREFIX:
            raise ValueError(
                f"subnet {self.name!r} address_prefix: {self.address_prefix} is smaller than "
                f"Azure's smallest subnet, a /{_MAX_SUBNET_PREFIX}; use a /{_MAX_SUBNET_PREFIX} "
                "or larger block"
            )


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

    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags for the resource group, the VNet and the NSGs. Default: none."""

    def __post_init__(self) -> None:
        if len(self.name) > MAX_NAME_LENGTH or not _NAME_PATTERN.fullmatch(self.name):
            raise ValueError(
                f"name: {self.name!r} must be a lowercase DNS label (a-z, 0-9 and '-', starting "
                f"and ending with a letter or digit) of at most {MAX_NAME_LENGTH} characters; "
                "use e.g. 'lab'"
            )
        group = self.resource_group_name
        if group is not None and not _RESOURCE_GROUP_NAME_PATTERN.fullmatch(group):
            raise ValueError(
                f"resource_group_name: {group!r} must be 1-90 letters, digits, '_', '-', '.', "
                "'(' or ')' and must not end with '.'; use e.g. 'rg-lab'"
            )
        vnet = self.vnet_name
        if vnet is not None and not _VNET_NAME_PATTERN.fullmatch(vnet):
            raise ValueError(
                f"vnet_name: {vnet!r} must be 2-64 letters, digits, '_', '.' or '-', start with a "
                "letter or digit and end with a letter, digit or '_'; use e.g. 'vnet-lab'"
            )
        if not _LOCATION_PATTERN.fullmatch(self.location):
            raise ValueError(
                f"location: {self.location!r} is not a programmatic region name; use the Name "
                "column of `az account list-locations -o table`, e.g. 'westeurope'"
            )
        spaces = self._check_address_space()
        self._check_subnets(spaces)

    def _check_address_space(self) -> list[ipaddress.IPv4Network]:
        if isinstance(self.address_space, str) or not self.address_space:
            raise ValueError(
                f"address_space: {self.address_space!r} must be a non-empty list of CIDR blocks; "
                f"use e.g. {list(DEFAULT_ADDRESS_SPACE)!r}"
            )
        spaces = [
            parse_ipv4_cidr(
                space, field=f"address_space[{index}]", example=DEFAULT_ADDRESS_SPACE[0]
            )
            for index, space in enumerate(self.address_space)
        ]
        for index, space in enumerate(spaces):
            for other in spaces[:index]:
                if space.overlaps(other):
                    raise ValueError(
                        f"address_space[{index}]: {space} overlaps {other}; "
                        "list disjoint blocks (or one block that covers both)"
                    )
        return spaces

    def _check_subnets(self, spaces: list[ipaddress.IPv4Network]) -> None:
        seen: dict[str, SubnetSpec] = {}
        for spec in self.subnets:
            key = _construct_key(spec.name)
            if key in seen:
                raise ValueError(
                    f"subnet {spec.name!r}: name clashes with subnet {seen[key].name!r} (names "
                    "that differ only in case or in '-', '_' and '.' give the same resource "
                    "ids); rename one of them"
                )
            prefix = ipaddress.IPv4Network(spec.address_prefix)
            if not any(prefix.subnet_of(space) for space in spaces):
                raise ValueError(
                    f"subnet {spec.name!r} address_prefix: {prefix} is outside the VNet address "
                    f"space ({', '.join(map(str, spaces))}); choose a block inside it or add one "
                    "that covers it to address_space"
                )
            for other in seen.values():
                if prefix.overlaps(ipaddress.IPv4Network(other.address_prefix)):
                    raise ValueError(
                        f"subnet {spec.name!r} address_prefix: {prefix} overlaps subnet "
                        f"{other.name!r} ({other.address_prefix}); choose a block that is free"
                    )
            seen[key] = spec
        if not any(spec.name == self.aks_subnet_name for spec in self.subnets):
            names = ", ".join(repr(spec.name) for spec in self.subnets) or "none"
            raise ValueError(
                f"aks_subnet_name: {self.aks_subnet_name!r} is not one of the subnets ({names}); "
                "name one of them or add a subnet with that name"
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
        for spec in props.subnets:
            key = _construct_key(spec.name)
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
