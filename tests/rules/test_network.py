"""The VNet layout and the VPC range: the same rules for lab.yaml and the constructs."""

from __future__ import annotations

import pytest

from lab.rules import RuleError, check_vnet_layout, check_vpc_cidr, overlaps

SPACE = ["10.40.0.0/16"]
SUBNETS = [("snet-aks-nodes", "10.40.0.0/20"), ("snet-endpoints", "10.40.16.0/24")]


def test_a_valid_layout_passes() -> None:
    check_vnet_layout(SPACE, SUBNETS, "snet-aks-nodes")
    check_vnet_layout(["10.40.0.0/16", "10.41.0.0/16"], [("a", "10.41.0.0/24")], "a")


@pytest.mark.parametrize(
    ("space", "subnets", "aks", "message"),
    [
        (
            ["10.40.0.0/16", "10.40.128.0/17"],
            SUBNETS,
            "snet-aks-nodes",
            "address_space[1]: 10.40.128.0/17 overlaps 10.40.0.0/16; list disjoint blocks (or one "
            "that covers both)",
        ),
        (
            ["fd00::/48"],
            SUBNETS,
            "snet-aks-nodes",
            "address_space[0]: 'fd00::/48' is not an IPv4 CIDR block; write one such as "
            "'10.40.0.0/16'",
        ),
        (
            SPACE,
            [*SUBNETS, ("snet-v6", "fd00::/64")],
            "snet-aks-nodes",
            "subnets[2].address_prefix: 'fd00::/64' is not an IPv4 CIDR block; write one such as "
            "'10.40.0.0/20'",
        ),
        (
            SPACE,
            [*SUBNETS, ("outside", "10.41.0.0/24")],
            "snet-aks-nodes",
            "subnets[2].address_prefix: 10.41.0.0/24 lies outside the VNet address space "
            "(10.40.0.0/16); pick a prefix inside it",
        ),
        (
            SPACE,
            [*SUBNETS, ("pods", "10.40.8.0/24")],
            "snet-aks-nodes",
            "subnets[2].address_prefix: 10.40.8.0/24 overlaps subnet 'snet-aks-nodes' "
            "(10.40.0.0/20); subnets of one VNet must not overlap",
        ),
        (
            SPACE,
            [*SUBNETS, ("SNET_AKS.NODES", "10.40.32.0/24")],
            "snet-aks-nodes",
            "subnets[2].name: 'SNET_AKS.NODES' clashes with subnet 'snet-aks-nodes' (names that "
            "differ only in case or in '-', '_' and '.' give the same resource ids); rename one "
            "of them",
        ),
        (
            SPACE,
            SUBNETS,
            "aks",
            "aks_subnet: 'aks' is not one of the subnets (snet-aks-nodes, snet-endpoints); name "
            "the subnet AKS nodes should join",
        ),
    ],
)
def test_each_layout_mistake_names_its_field(
    space: list[str], subnets: list[tuple[str, str]], aks: str, message: str
) -> None:
    with pytest.raises(RuleError) as caught:
        check_vnet_layout(space, subnets, aks)
    assert str(caught.value) == message


def test_each_subnet_is_checked_at_its_place() -> None:
    check_vnet_layout(SPACE, [("nodes", "10.40.0.0/29")], "nodes")
    with pytest.raises(RuleError) as caught:
        check_vnet_layout(SPACE, [*SUBNETS, ("GatewaySubnet", "10.40.32.0/27")], "snet-aks-nodes")
    assert str(caught.value) == (
        "subnets[2].name: 'GatewaySubnet' is reserved for an Azure service whose subnet must not "
        "get the lab's NSG; choose another name"
    )
    with pytest.raises(RuleError) as caught:
        check_vnet_layout(SPACE, [("nodes", "10.40.0.0/30")], "nodes")
    assert str(caught.value) == (
        "subnets[0].address_prefix: 10.40.0.0/30 is smaller than Azure's smallest subnet; use a "
        "/29 or larger block"
    )


@pytest.mark.parametrize("cidr", ["10.50.0.0/16", "172.16.0.0/20", "192.168.0.0/18"])
def test_private_vpc_ranges_pass(cidr: str) -> None:
    assert str(check_vpc_cidr(cidr)) == cidr


@pytest.mark.parametrize(
    ("cidr", "message"),
    [
        (
            "100.64.0.0/16",
            "vpc_cidr: 100.64.0.0/16 is not a private (RFC 1918) range; use a block inside "
            "10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16",
        ),
        (
            "10.0.0.0/8",
            "vpc_cidr: 10.0.0.0/8 is a /8; use a prefix from /16 (the largest VPC AWS allows) to "
            "/20 (smaller leaves too few pod IPs and no room for the public subnets)",
        ),
        ("10.0.0.0/21", "vpc_cidr: 10.0.0.0/21 is a /21; use a prefix from /16"),
        ("fd00::/56", "vpc_cidr: 'fd00::/56' is not an IPv4 CIDR block"),
    ],
)
def test_vpc_range_mistakes(cidr: str, message: str) -> None:
    with pytest.raises(RuleError) as caught:
        check_vpc_cidr(cidr)
    assert str(caught.value).startswith(message)


def test_overlaps_between_lists() -> None:
    assert overlaps(["10.40.0.0/16"], ["10.40.8.0/24", "10.41.0.0/16"]) == [
        ("10.40.0.0/16", "10.40.8.0/24")
    ]
    assert overlaps(["10.50.0.0/16"], ["10.40.0.0/16"]) == []


@pytest.mark.parametrize(
    ("subnet", "field", "fact"),
    [
        (("-nodes", "10.40.0.0/20"), "subnets[0].name", "1-76 letters"),
        (("nodes.", "10.40.0.0/20"), "subnets[0].name", "1-76 letters"),
        (("n" * 77, "10.40.0.0/20"), "subnets[0].name", "1-76 letters"),
        (("azurebastionsubnet", "10.40.0.0/26"), "subnets[0].name", "reserved for an Azure"),
        (("nodes", "10.40.0.1/20"), "subnets[0].address_prefix", "did you mean '10.40.0.0/20'?"),
        (("nodes", "10.40.0.0"), "subnets[0].address_prefix", "has no prefix length"),
        (("nodes", "10.40.0.0/255.255.240.0"), "subnets[0].address_prefix", "write '10.40.0.0/20'"),
    ],
)
def test_each_subnet_mistake_names_its_field(
    subnet: tuple[str, str], field: str, fact: str
) -> None:
    with pytest.raises(RuleError) as caught:
        check_vnet_layout(SPACE, [subnet], subnet[0])
    assert caught.value.field == field
    assert fact in caught.value.message
