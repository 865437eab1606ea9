"""Reading CIDR blocks that people type, with one set of messages for every field."""

from __future__ import annotations

import ipaddress
import re
from typing import Final

from lab.rules.violation import RuleError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_ADDRESS_ONLY: Final = re.compile(r"^[0-9a-fA-F.:]+$")


def parse_cidr(
    value: str,
    *,
    field: str | None = None,
    example: str = "10.0.0.0/16",
    ipv4_only: bool = False,
    reject_internet: bool = False,
) -> Network:
    """``value`` as a network in canonical prefix notation, or a :class:`RuleError`
    saying how to fix it.

    ``field`` names the field; leave it out where the caller names the field itself
    (pydantic does). ``reject_internet`` refuses a /0, for lists of addresses allowed to
    reach a Kubernetes API server.
    """
    field = field or ""
    if "/" not in value:  # ip_network would read a bare address as a /32
        if _ADDRESS_ONLY.match(value):
            raise RuleError(
                field,
                f"{value!r} has no prefix length; write a CIDR such as '{example}', "
                f"or '{value}/32' for one address",
            )
        raise RuleError(field, f"{value!r} is not a CIDR block; write one such as '{example}'")
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise RuleError(
            field, f"{value!r} is not a CIDR block; write one such as '{example}'"
        ) from None
    if ipv4_only and network.version != 4:
        raise RuleError(
            field, f"{value!r} is not an IPv4 CIDR block; write one such as '{example}'"
        )
    if reject_internet and network.prefixlen == 0:
        raise RuleError(
            field,
            f"{value} would open the Kubernetes API server to the whole internet; "
            "list the egress CIDRs of your office, VPN or CI runners instead",
        )
    if network.network_address != ipaddress.ip_address(value.partition("/")[0]):
        raise RuleError(field, f"{value!r} has host bits set; did you mean '{network}'?")
    if str(network) != value:
        raise RuleError(field, f"{value!r} is not in prefix notation; write '{network}'")
    return network


def parse_ipv4_cidr(value: str, *, field: str | None = None, example: str) -> ipaddress.IPv4Network:
    """:func:`parse_cidr` for fields that take IPv4 only (VPC and VNet ranges)."""
    network = parse_cidr(value, field=field, example=example, ipv4_only=True)
    assert isinstance(network, ipaddress.IPv4Network)  # ipv4_only guarantees it
    return network


def parse_eks_public_access_cidr(value: str, *, field: str | None = None) -> Network:
    """A CIDR for an EKS public endpoint: :func:`parse_cidr` without /0, and IPv4 only.

    The lab's EKS clusters are IPv4, and EKS refuses IPv6 blocks on them: "You can't add
    IPv6 CIDR blocks to IPv4 clusters" (botocore 1.44.18,
    ``botocore/data/eks/2017-11-01/service-2.json``, ``VpcConfigRequest.publicAccessCidrs``).
    """
    network = parse_cidr(value, field=field, example="203.0.113.0/24", reject_internet=True)
    if network.version != 4:
        raise RuleError(
            field or "",
            f"{value!r} is an IPv6 block, and EKS refuses IPv6 blocks in the public access "
            "CIDRs of an IPv4 cluster (the lab's are); list the IPv4 egress instead",
        )
    return network
