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


@dataclass(frozen=True, kw_only=True)
class ServiceIngressProps:
    """Inputs of :class:`ServiceIngress`; ``lab.yaml``'s rules have checked the ports and
    sources (``azure.aks``), and the priorities come from :mod:`lab.rules.ingress`."""

    name: str
    """Unique in the NSG (1-80 characters)."""
    network_security_group_name: str
    resource_group_name: str
    priority: int
    """Unique in the NSG, 100-4096; lower wins."""
    sources: Sequence[str]
    """CIDRs allowed in; may be a token list (another stack's output)."""
    ports: Sequence[int]
    description: str


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
            description=props.description,
        )
