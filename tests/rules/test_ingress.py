"""Who may reach the lab's LoadBalancer Services: ports, sources, rule priorities."""

from __future__ import annotations

import pytest

from lab.rules import (
    DEFAULT_SERVICE_PORTS,
    RuleError,
    check_service_ports,
    check_service_sources,
    experiment_rule_priority,
)
from lab.rules.ingress import EXPERIMENT_RULE_PRIORITIES, FOUNDATION_RULE_PRIORITY


def test_default_ports_are_http_and_https() -> None:
    assert DEFAULT_SERVICE_PORTS == (80, 443)
    check_service_ports(DEFAULT_SERVICE_PORTS)


@pytest.mark.parametrize(
    ("ports", "message"),
    [
        ((), "service_ports: list at least one port, e.g. [80, 443]"),
        ((80, 65536), "service_ports[1]: 65536 is not a TCP port (1-65535)"),
        ((0,), "service_ports[0]: 0 is not a TCP port (1-65535)"),
        ((443, 443), "service_ports[1]: 443 is listed twice; list it once"),
    ],
)
def test_bad_ports_are_refused(ports: tuple[int, ...], message: str) -> None:
    with pytest.raises(RuleError) as caught:
        check_service_ports(ports)
    assert str(caught.value) == message


def test_named_ranges_are_accepted() -> None:
    check_service_sources(["203.0.113.0/24", "198.51.100.7/32", "2001:db8::/48"])
    check_service_sources([])


@pytest.mark.parametrize("source", ["*", "Internet", "internet", "Any", "0.0.0.0/0", "::/0"])
def test_the_whole_internet_is_refused(source: str) -> None:
    with pytest.raises(RuleError) as caught:
        check_service_sources(["203.0.113.0/24", source])
    assert str(caught.value) == (
        f"service_source_ranges[1]: {source!r} would open the services to the whole internet; "
        "list the CIDRs that need to reach them (your office or VPN)"
    )


def test_malformed_and_repeated_ranges_are_refused() -> None:
    with pytest.raises(RuleError, match=r"^service_source_ranges\[0\]: '203\.0\.113\.9' has no"):
        check_service_sources(["203.0.113.9"])
    with pytest.raises(RuleError) as caught:
        check_service_sources(["203.0.113.0/24", "203.0.113.0/24"])
    assert str(caught.value) == (
        "service_source_ranges[1]: '203.0.113.0/24' is listed twice; list it once"
    )


def test_an_experiments_priority_depends_on_its_name_alone() -> None:
    priorities = {name: experiment_rule_priority(name) for name in ("demo", "spike", "mesh")}
    assert priorities == {name: experiment_rule_priority(name) for name in reversed(priorities)}
    assert all(p in EXPERIMENT_RULE_PRIORITIES for p in priorities.values())
    assert FOUNDATION_RULE_PRIORITY not in EXPERIMENT_RULE_PRIORITIES
    assert (EXPERIMENT_RULE_PRIORITIES.start, EXPERIMENT_RULE_PRIORITIES.stop) == (1001, 4001)
    # Pinned: a change to the derivation would move every experiment's rule in Azure.
    assert experiment_rule_priority("multi-cloud-demo") == 3447
    # Two names can land on the same priority; the lab definition refuses that.
    assert experiment_rule_priority("expaai") == experiment_rule_priority("expacj")
