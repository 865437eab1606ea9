"""Letting clients reach LoadBalancer Services on AKS, through the subnet's NSG.

AKS writes its own allow rules for a Service into the NSG of the nodes' network interfaces,
but Azure evaluates the subnet's NSG first for inbound traffic (Azure's "How network
security groups filter network traffic"), and the lab's subnet NSG holds only the default
rules, which drop traffic from outside the VNet. So a Service is reachable from outside the
VNet only through an allow rule here, for the service ports and named sources only.

With AKS's default floating IP, the NSG sees the load balancer's public address as the
destination (kubernetes-sigs/cloud-provider-azure, pkg/provider/azure_loadbalancer.go), which
no rule can know in advance: the destination is any address, the sources never are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktn_provider_azurerm.network_security_rule import NetworkSecurityRule
from constructs import Construct

from lab.constructs.tokens import unresolved
from lab.rules import (
    DEFAULT_SERVICE_PORTS,
    RuleError,
    check_service_ports,
    check_service_sources,
)
from lab.rules.ingress import MAX_RULE_PRIORITY, MIN_RULE_PRIORITY


@dataclass(frozen=True, kw_only=True)
class ServiceIngressProps:
    name: str
    """Unique in the NSG (1-80 characters)."""
    network_security_group_name: str
    resource_group_name: str
    priority: int
    """Unique in the NSG, 100-4096; lower wins."""
    sources: Sequence[str]
    """CIDRs allowed in; may be a token list (another stack's output)."""
    ports: Sequence[int] = DEFAULT_SERVICE_PORTS
    description: str = ""

    def __post_init__(self) -> None:
        if not MIN_RULE_PRIORITY <= self.priority <= MAX_RULE_PRIORITY:
            raise RuleError(
                "priority",
                f"{self.priority} is outside {MIN_RULE_PRIORITY}-{MAX_RULE_PRIORITY}",
            )
        check_service_ports(self.ports, field="ports")
        if unresolved(self.sources):
            return
        if not self.sources:
            raise RuleError("sources", "list at least one CIDR")
        check_service_sources(
            [source for source in self.sources if not unresolved(source)], field="sources"
        )


class ServiceIngress(Construct):
    """An inbound allow rule for TCP service ports from named sources. Its resource is
    ``Default``."""

    def __init__(self, scope: Construct, id: str, props: ServiceIngressProps) -> None:
        super().__init__(scope, id)
        self.resource = NetworkSecurityRule(
            self,
            "Default",
            name=props.name,
            network_security_group_name=props.network_security_group_name,
            resource_group_name=props.resource_group_name,
            priority=props.priority,
            direction="Inbound",
            access="Allow",
            protocol="Tcp",
            source_address_prefixes=list(props.sources),
            source_port_range="*",
            destination_address_prefix="*",
            destination_port_ranges=[str(port) for port in props.ports],
            description=props.description or None,
        )
