"""AzureNetwork: resource group, VNet, an NSG per subnet, no default outbound access, NAT egress."""

from __future__ import annotations

from typing import Any

import pytest
from cdktn import TerraformOutput
from syrupy.assertion import SnapshotAssertion

from lab.config import SubnetSettings, VnetSettings
from lab.constructs.azure.network import AzureNetwork, AzureNetworkProps
from tests.helpers import JsonDict, logical_id_at, new_stack, only_resource, resources, synth

TAGS = {"project": "lab", "owner": "platform"}
SUBNETS = (
    SubnetSettings(name="snet-aks-nodes", address_prefix="10.40.0.0/20"),
    SubnetSettings(name="snet-private-endpoints", address_prefix="10.40.16.0/24"),
)


def vnet(**overrides: Any) -> VnetSettings:
    values: dict[str, Any] = {
        "name": "lab-vnet",
        "address_space": ("10.40.0.0/16",),
        "subnets": SUBNETS,
        "aks_subnet": "snet-aks-nodes",
        **overrides,
    }
    return VnetSettings(**values)


def props(**overrides: Any) -> AzureNetworkProps:
    values: dict[str, Any] = {
        "resource_group_name": "lab-rg",
        "location": "westeurope",
        "vnet": vnet(),
        "service_ports": (80, 443),
        "service_source_ranges": (),
        "tags": TAGS,
        **overrides,
    }
    return AzureNetworkProps(**values)


def build(network_props: AzureNetworkProps) -> tuple[AzureNetwork, JsonDict]:
    stack = new_stack()
    network = AzureNetwork(stack, "Network", network_props)
    return network, synth(stack)


@pytest.fixture(scope="module")
def doc() -> JsonDict:
    """Two subnets (AKS nodes, private endpoints), synthesized once for this module."""
    return build(props())[1]


def logical_id(doc: JsonDict, resource_type: str, construct_id: str) -> str:
    """The logical id of the resource the construct ``Network/<construct_id>`` created."""
    return logical_id_at(doc, resource_type, f"Network/{construct_id}")


def ref(doc: JsonDict, resource_type: str, construct_id: str, attribute: str = "id") -> str:
    return f"${{{resource_type}.{logical_id(doc, resource_type, construct_id)}.{attribute}}}"


def test_a_subnet_may_sit_in_any_of_several_address_spaces() -> None:
    _, doc = build(
        props(
            vnet=vnet(
                address_space=("10.40.0.0/16", "172.20.0.0/24"),
                subnets=(SUBNETS[0], SubnetSettings(name="edge", address_prefix="172.20.0.0/28")),
            )
        )
    )
    vnet_body = only_resource(doc, "azurerm_virtual_network")
    assert vnet_body["address_space"] == ["10.40.0.0/16", "172.20.0.0/24"]
    prefixes = sorted(s["address_prefixes"] for s in resources(doc, "azurerm_subnet").values())
    assert prefixes == [["10.40.0.0/20"], ["172.20.0.0/28"]]


# --- resources ----------------------------------------------------------------------


def test_resource_group_and_vnet(doc: JsonDict) -> None:
    group = only_resource(doc, "azurerm_resource_group")
    assert group == {"name": "lab-rg", "location": "westeurope", "tags": TAGS}
    vnet = only_resource(doc, "azurerm_virtual_network")
    assert vnet["name"] == "lab-vnet"
    assert vnet["address_space"] == ["10.40.0.0/16"]
    assert vnet["resource_group_name"] == ref(
        doc, "azurerm_resource_group", "ResourceGroup", "name"
    )
    assert vnet["location"] == ref(doc, "azurerm_resource_group", "ResourceGroup", "location")
    # Azure-provided DNS: no single custom server (CKV_AZURE_182/183 stay satisfied).
    assert "dns_servers" not in vnet


def test_the_resource_group_and_vnet_take_their_names_from_lab_yaml() -> None:
    _, doc = build(props(resource_group_name="rg-lab-foundation", vnet=vnet(name="vnet-lab")))
    assert only_resource(doc, "azurerm_resource_group")["name"] == "rg-lab-foundation"
    assert only_resource(doc, "azurerm_virtual_network")["name"] == "vnet-lab"


@pytest.mark.parametrize(
    ("key", "spec"), [("SnetAksNodes", SUBNETS[0]), ("SnetPrivateEndpoints", SUBNETS[1])]
)
def test_each_subnet_has_no_default_outbound_access(
    doc: JsonDict, key: str, spec: SubnetSettings
) -> None:
    subnet = resources(doc, "azurerm_subnet")[logical_id(doc, "azurerm_subnet", f"{key}Subnet")]
    assert subnet == {
        "name": spec.name,
        "address_prefixes": [spec.address_prefix],
        "default_outbound_access_enabled": False,
        "resource_group_name": ref(doc, "azurerm_resource_group", "ResourceGroup", "name"),
        "virtual_network_name": ref(doc, "azurerm_virtual_network", "VirtualNetwork", "name"),
    }


@pytest.mark.parametrize(
    ("key", "spec"), [("SnetAksNodes", SUBNETS[0]), ("SnetPrivateEndpoints", SUBNETS[1])]
)
def test_each_subnet_is_associated_with_its_own_nsg(
    doc: JsonDict, key: str, spec: SubnetSettings
) -> None:
    nsg = resources(doc, "azurerm_network_security_group")[
        logical_id(doc, "azurerm_network_security_group", f"{key}SecurityGroup")
    ]
    # Only Azure's default rules, which deny inbound traffic from the internet.
    assert nsg == {
        "name": f"{spec.name}-nsg",
        "location": ref(doc, "azurerm_resource_group", "ResourceGroup", "location"),
        "resource_group_name": ref(doc, "azurerm_resource_group", "ResourceGroup", "name"),
        "tags": TAGS,
    }
    association = resources(doc, "azurerm_subnet_network_security_group_association")[
        logical_id(
            doc,
            "azurerm_subnet_network_security_group_association",
            f"{key}SecurityGroupAssociation",
        )
    ]
    assert association == {
        "subnet_id": ref(doc, "azurerm_subnet", f"{key}Subnet"),
        "network_security_group_id": ref(
            doc, "azurerm_network_security_group", f"{key}SecurityGroup"
        ),
    }


def test_one_nsg_and_one_association_per_subnet_and_no_rules(doc: JsonDict) -> None:
    associations = resources(doc, "azurerm_subnet_network_security_group_association").values()
    assert len(resources(doc, "azurerm_subnet")) == 2
    assert len(resources(doc, "azurerm_network_security_group")) == 2
    assert sorted(a["subnet_id"] for a in associations) == sorted(
        f"${{azurerm_subnet.{key}.id}}" for key in resources(doc, "azurerm_subnet")
    )
    assert len({a["network_security_group_id"] for a in associations}) == 2
    assert resources(doc, "azurerm_network_security_rule") == {}


def test_subnet_resource_ids_do_not_depend_on_list_order() -> None:
    _, forward = build(props())
    _, backward = build(props(vnet=vnet(subnets=tuple(reversed(SUBNETS)))))
    for resource_type in forward["resource"]:
        assert resources(forward, resource_type).keys() == resources(backward, resource_type).keys()


def test_exposed_attributes_reference_the_resources() -> None:
    stack = new_stack()
    network = AzureNetwork(stack, "Network", props())
    outputs = {
        "rg": network.resource_group_name,
        "location": network.location,
        "vnet_id": network.vnet_id,
        "vnet_name": network.vnet_name,
        "aks": network.aks_subnet_id,
        "subnets": network.subnet_ids,
        "nsgs": network.network_security_group_ids,
    }
    for name, value in outputs.items():
        TerraformOutput(stack, name, value=value)
    doc = synth(stack)
    values = {name: output["value"] for name, output in doc["output"].items()}
    assert values == {
        "rg": ref(doc, "azurerm_resource_group", "ResourceGroup", "name"),
        "location": ref(doc, "azurerm_resource_group", "ResourceGroup", "location"),
        "vnet_id": ref(doc, "azurerm_virtual_network", "VirtualNetwork"),
        "vnet_name": ref(doc, "azurerm_virtual_network", "VirtualNetwork", "name"),
        "aks": ref(doc, "azurerm_subnet", "SnetAksNodesSubnet"),
        "subnets": {
            "snet-aks-nodes": ref(doc, "azurerm_subnet", "SnetAksNodesSubnet"),
            "snet-private-endpoints": ref(doc, "azurerm_subnet", "SnetPrivateEndpointsSubnet"),
        },
        "nsgs": {
            "snet-aks-nodes": ref(
                doc, "azurerm_network_security_group", "SnetAksNodesSecurityGroup"
            ),
            "snet-private-endpoints": ref(
                doc, "azurerm_network_security_group", "SnetPrivateEndpointsSecurityGroup"
            ),
        },
    }


# --- egress and service traffic ------------------------------------------------------


def test_the_aks_subnet_leaves_through_a_nat_gateway_with_a_fixed_prefix(doc: JsonDict) -> None:
    prefix = only_resource(doc, "azurerm_public_ip_prefix")
    assert (prefix["sku"], prefix["ip_version"], prefix["prefix_length"]) == (
        "Standard",
        "IPv4",
        31,
    )
    gateway = only_resource(doc, "azurerm_nat_gateway")
    assert gateway["sku_name"] == "Standard"
    prefix_association = only_resource(doc, "azurerm_nat_gateway_public_ip_prefix_association")
    assert prefix_association["nat_gateway_id"] == ref(doc, "azurerm_nat_gateway", "NatGateway")
    assert prefix_association["public_ip_prefix_id"] == ref(
        doc, "azurerm_public_ip_prefix", "EgressPrefix"
    )
    # Only the AKS subnet: the private endpoints need no way out.
    association = only_resource(doc, "azurerm_subnet_nat_gateway_association")
    assert association["subnet_id"] == ref(doc, "azurerm_subnet", "SnetAksNodesSubnet")
    assert association["nat_gateway_id"] == ref(doc, "azurerm_nat_gateway", "NatGateway")


def test_egress_and_nsg_name_are_exposed_for_other_stacks() -> None:
    stack = new_stack()
    network = AzureNetwork(stack, "Network", props())
    TerraformOutput(stack, "egress", value=network.egress_cidrs)
    TerraformOutput(stack, "nsg", value=network.aks_subnet_nsg_name)
    doc = synth(stack)
    assert doc["output"]["egress"]["value"] == [
        ref(doc, "azurerm_public_ip_prefix", "EgressPrefix", "ip_prefix")
    ]
    assert doc["output"]["nsg"]["value"] == ref(
        doc, "azurerm_network_security_group", "SnetAksNodesSecurityGroup", "name"
    )


def test_service_source_ranges_reach_the_service_ports_in_the_aks_subnet() -> None:
    _, doc = build(props(service_source_ranges=("203.0.113.0/24",), service_ports=(8080,)))
    rule = only_resource(doc, "azurerm_network_security_rule")
    assert {key: value for key, value in rule.items() if key not in {"//", "description"}} == {
        "name": "allow-services-from-lab-ranges",
        "network_security_group_name": ref(
            doc, "azurerm_network_security_group", "SnetAksNodesSecurityGroup", "name"
        ),
        "resource_group_name": ref(doc, "azurerm_resource_group", "ResourceGroup", "name"),
        "priority": 1000,
        "direction": "Inbound",
        "access": "Allow",
        "protocol": "Tcp",
        "source_address_prefixes": ["203.0.113.0/24"],
        "source_port_range": "*",
        "destination_address_prefix": "*",
        "destination_port_ranges": ["8080"],
    }


def test_tags_reach_every_taggable_resource(doc: JsonDict) -> None:
    for resource_type in (
        "azurerm_resource_group",
        "azurerm_virtual_network",
        "azurerm_network_security_group",
        "azurerm_public_ip_prefix",
        "azurerm_nat_gateway",
    ):
        assert all(body["tags"] == TAGS for body in resources(doc, resource_type).values())


def test_synthesized_network_matches_the_snapshot(
    doc: JsonDict, json_snapshot: SnapshotAssertion
) -> None:
    assert doc == json_snapshot
