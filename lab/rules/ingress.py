"""Who may reach the lab's LoadBalancer Services, and on which ports."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Final

from lab.rules.cidr import parse_cidr
from lab.rules.names import check_unique
from lab.rules.violation import RuleError

DEFAULT_SERVICE_PORTS: Final = (80, 443)
"""HTTP and HTTPS: what a lab's demo services listen on."""

FOUNDATION_RULE_PRIORITY: Final = 1000
"""The foundation's own rule for ``service_source_ranges``."""
EXPERIMENT_RULE_PRIORITIES: Final = range(1001, 4001)
"""Where each multi-cloud experiment's rule goes, one priority per experiment; inside the
100-4096 Azure accepts for a network security rule (lower wins)."""

_OPEN_SOURCES: Final = frozenset({"*", "internet", "any"})


def check_service_ports(ports: Sequence[int], *, field: str = "service_ports") -> None:
    """At least one TCP port, each once."""
    if not ports:
        raise RuleError(field, "list at least one port, e.g. [80, 443]")
    for index, port in enumerate(ports):
        if not 1 <= port <= 65535:
            raise RuleError(f"{field}[{index}]", f"{port} is not a TCP port (1-65535)")
    check_unique(ports, field=field)


def check_service_sources(sources: Sequence[str], *, field: str = "service_source_ranges") -> None:
    """Named CIDRs only: never ``*``, ``Internet`` or a /0."""
    for index, source in enumerate(sources):
        here = f"{field}[{index}]"
        if source.casefold() in _OPEN_SOURCES or source.endswith("/0"):
            raise RuleError(
                here,
                f"{source!r} would open the services to the whole internet; list the CIDRs "
                "that need to reach them (your office or VPN)",
            )
        parse_cidr(source, field=here, example="203.0.113.0/24")
    check_unique(sources, field=field)


def experiment_rule_priority(experiment: str) -> int:
    """The priority of ``experiment``'s rule in the shared AKS subnet NSG.

    Derived from the name alone, so adding or removing an experiment never moves another
    one's rule (two rules cannot share a priority, even for a moment between two stacks'
    runs). Two names that land on the same priority are refused by the lab definition.
    """
    slots = EXPERIMENT_RULE_PRIORITIES
    return slots.start + zlib.crc32(experiment.encode()) % len(slots)
