"""Network layouts: the VNet's subnets and the VPC's range, as both clouds accept them."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from typing import Final

from lab.rules.cidr import parse_ipv4_cidr
from lab.rules.names import construct_key
from lab.rules.violation import RuleError

RFC1918_RANGES: Final = (
    ipaddress.IPv4Network("10.0.0.0/8"),
    ipaddress.IPv4Network("172.16.0.0/12"),
    ipaddress.IPv4Network("192.168.0.0/16"),
)

MIN_VPC_PREFIX: Final = 16
"""The largest VPC AWS allows."""
MAX_VPC_PREFIX: Final = 20
"""The VPC layout gives public subnets 1/256 of the VPC, and AWS's smallest subnet is a /28."""
MAX_SUBNET_PREFIX: Final = 29
"""Azure's smallest subnet: it keeps five addresses of every subnet for itself."""

# Azure allows 80 characters; the NSG, named "<subnet>-nsg", must fit in 80 as well.
_SUBNET_NAME: Final = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,74}[A-Za-z0-9_])?")
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


def subnet_key(name: str) -> str:
    """The stem of a subnet's construct ids (``aks-nodes`` -> ``AksNodes``). Two names with
    one key would give two resources one id, so they clash."""
    return construct_key(name)


def check_vnet_layout(
    address_space: Sequence[str], subnets: Sequence[tuple[str, str]], aks_subnet: str
) -> None:
    """A VNet of IPv4 ``address_space`` blocks holding ``subnets`` (name, prefix).

    Blocks must not overlap each other; each subnet lies inside one block, overlaps no
    other subnet and has a name Azure and the NSG naming accept; ``aks_subnet`` names one.
    """
    spaces: list[ipaddress.IPv4Network] = []
    for index, block in enumerate(address_space):
        space = parse_ipv4_cidr(block, field=f"address_space[{index}]", example="10.40.0.0/16")
        for other in spaces:
            if space.overlaps(other):
                raise RuleError(
                    f"address_space[{index}]",
                    f"{space} overlaps {other}; list disjoint blocks (or one that covers both)",
                )
        spaces.append(space)
    seen: dict[str, tuple[str, ipaddress.IPv4Network]] = {}
    for index, (name, address_prefix) in enumerate(subnets):
        where = f"subnets[{index}]"
        prefix = _check_subnet(name, address_prefix, field=where)
        key = subnet_key(name)
        if key in seen:
            raise RuleError(
                f"{where}.name",
                f"{name!r} clashes with subnet {seen[key][0]!r} (names that differ only in case "
                "or in '-', '_' and '.' give the same resource ids); rename one of them",
            )
        if not any(prefix.subnet_of(space) for space in spaces):
            raise RuleError(
                f"{where}.address_prefix",
                f"{prefix} lies outside the VNet address space "
                f"({', '.join(map(str, spaces))}); pick a prefix inside it",
            )
        for other_name, other in seen.values():
            if prefix.overlaps(other):
                raise RuleError(
                    f"{where}.address_prefix",
                    f"{prefix} overlaps subnet {other_name!r} ({other}); subnets of one VNet "
                    "must not overlap",
                )
        seen[key] = (name, prefix)
    names = [name for name, _ in seen.values()]
    if aks_subnet not in names:
        raise RuleError(
            "aks_subnet",
            f"{aks_subnet!r} is not one of the subnets ({', '.join(names)}); name the subnet "
            "AKS nodes should join",
        )


def _check_subnet(name: str, address_prefix: str, *, field: str) -> ipaddress.IPv4Network:
    """One subnet on its own, at ``field`` (``subnets[0]``): a name Azure and the NSG naming
    accept, an IPv4 prefix of /29 or larger."""
    if not _SUBNET_NAME.fullmatch(name):
        raise RuleError(
            f"{field}.name",
            f"{name!r} must be 1-76 letters, digits, '_', '.' or '-' (its NSG '<name>-nsg' must "
            "fit Azure's 80), start with a letter or digit and end with a letter, digit or '_'",
        )
    if name.casefold() in _RESERVED_SUBNET_NAMES:
        raise RuleError(
            f"{field}.name",
            f"{name!r} is reserved for an Azure service whose subnet must not get the lab's "
            "NSG; choose another name",
        )
    prefix_field = f"{field}.address_prefix"
    prefix = parse_ipv4_cidr(address_prefix, field=prefix_field, example="10.40.0.0/20")
    if prefix.prefixlen > MAX_SUBNET_PREFIX:
        raise RuleError(
            prefix_field,
            f"{prefix} is smaller than Azure's smallest subnet; use a /{MAX_SUBNET_PREFIX} "
            "or larger block",
        )
    return prefix


def check_vpc_cidr(cidr: str, *, field: str = "vpc_cidr") -> ipaddress.IPv4Network:
    """The VPC's range: a private (RFC 1918) IPv4 block from /16 to /20."""
    network = parse_ipv4_cidr(cidr, field=field, example="10.50.0.0/16")
    if not any(network.subnet_of(private) for private in RFC1918_RANGES):
        raise RuleError(
            field,
            f"{cidr} is not a private (RFC 1918) range; use a block inside 10.0.0.0/8, "
            "172.16.0.0/12 or 192.168.0.0/16",
        )
    if not MIN_VPC_PREFIX <= network.prefixlen <= MAX_VPC_PREFIX:
        raise RuleError(
            field,
            f"{cidr} is a /{network.prefixlen}; use a prefix from /{MIN_VPC_PREFIX} (the largest "
            f"VPC AWS allows) to /{MAX_VPC_PREFIX} (smaller leaves too few pod IPs and no room "
            "for the public subnets)",
        )
    return network


def overlaps(first: Sequence[str], second: Sequence[str]) -> list[tuple[str, str]]:
    """Every pair (a, b) of ``first`` and ``second`` CIDR blocks that overlap."""
    return [
        (a, b)
        for a in first
        for b in second
        if ipaddress.ip_network(a).overlaps(ipaddress.ip_network(b))
    ]
