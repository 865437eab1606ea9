"""CIDR blocks as people type them: one set of messages for lab.yaml and every construct."""

from __future__ import annotations

import ipaddress

import pytest

from lab.rules import RuleError, parse_cidr, parse_ipv4_cidr


@pytest.mark.parametrize("value", ["10.0.0.0/16", "203.0.113.7/32", "fd00::/64", "0.0.0.0/0"])
def test_canonical_blocks_are_accepted(value: str) -> None:
    assert parse_cidr(value) == ipaddress.ip_network(value)


@pytest.mark.parametrize(
    ("value", "options", "message"),
    [
        (
            "10.0.0.0",
            {},
            "cidr: '10.0.0.0' has no prefix length; write a CIDR such as '10.0.0.0/16', or "
            "'10.0.0.0/32' for one address",
        ),
        ("vpc", {}, "cidr: 'vpc' is not a CIDR block; write one such as '10.0.0.0/16'"),
        (
            "10.0.0.0/33",
            {},
            "cidr: '10.0.0.0/33' is not a CIDR block; write one such as '10.0.0.0/16'",
        ),
        ("10.0.0.1/16", {}, "cidr: '10.0.0.1/16' has host bits set; did you mean '10.0.0.0/16'?"),
        (
            "10.0.0.0/255.255.0.0",
            {},
            "cidr: '10.0.0.0/255.255.0.0' is not in prefix notation; write '10.0.0.0/16'",
        ),
        (
            "fd00::/64",
            {"ipv4_only": True},
            "cidr: 'fd00::/64' is not an IPv4 CIDR block; write one such as '10.0.0.0/16'",
        ),
        (
            "0.0.0.0/0",
            {"reject_internet": True},
            "cidr: 0.0.0.0/0 would open the Kubernetes API server to the whole internet; list the "
            "egress CIDRs of your office, VPN or CI runners instead",
        ),
        ("::/0", {"reject_internet": True}, "cidr: ::/0 would open the Kubernetes API server"),
    ],
)
def test_each_mistake_gets_its_message(value: str, options: dict[str, bool], message: str) -> None:
    with pytest.raises(RuleError) as caught:
        parse_cidr(value, field="cidr", **options)  # type: ignore[arg-type]
    assert caught.value.field == "cidr"
    assert str(caught.value).startswith(message)


def test_without_a_field_the_message_stands_alone() -> None:
    """pydantic names the field itself."""
    with pytest.raises(RuleError) as caught:
        parse_cidr("vpc")
    assert (caught.value.field, str(caught.value)) == (
        "",
        "'vpc' is not a CIDR block; write one such as '10.0.0.0/16'",
    )


def test_the_ipv4_parser_returns_an_ipv4_network() -> None:
    network = parse_ipv4_cidr("10.40.0.0/16", example="10.0.0.0/16")
    assert isinstance(network, ipaddress.IPv4Network)
