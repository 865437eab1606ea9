"""ServiceIngress: one inbound allow rule for service ports, from named sources only."""

from __future__ import annotations

from typing import Any

from cdktn import Fn, TerraformVariable, Token

from lab.constructs.azure.ingress import ServiceIngress, ServiceIngressProps
from tests.helpers import new_stack, only_resource, synth


def props(**overrides: Any) -> ServiceIngressProps:
    values: dict[str, Any] = {
        "name": "allow-demo",
        "network_security_group_name": "snet-aks-nodes-nsg",
        "resource_group_name": "rg-lab",
        "priority": 1500,
        "sources": ["198.51.100.0/24"],
        "ports": [80, 443],
        "description": "Demo services.",
        **overrides,
    }
    return ServiceIngressProps(**values)


def test_the_rule_admits_the_sources_to_the_ports_and_nothing_else() -> None:
    stack = new_stack()
    ServiceIngress(stack, "Ingress", props(ports=[443]))
    rule = only_resource(synth(stack), "azurerm_network_security_rule")
    assert (rule["direction"], rule["access"], rule["protocol"]) == ("Inbound", "Allow", "Tcp")
    assert rule["source_address_prefixes"] == ["198.51.100.0/24"]
    assert rule["destination_port_ranges"] == ["443"]
    assert (rule["name"], rule["priority"]) == ("allow-demo", 1500)
    assert rule["description"] == "Demo services."


def test_sources_may_come_from_another_stack() -> None:
    stack = new_stack()
    variable = TerraformVariable(stack, "peer", type="string")
    sources = Token.as_list(Fn.jsondecode(variable.string_value))
    ServiceIngress(stack, "Ingress", props(sources=sources))
    rule = only_resource(synth(stack), "azurerm_network_security_rule")
    assert rule["source_address_prefixes"] == "${jsondecode(var.peer)}"
