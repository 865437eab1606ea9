"""The foundation stacks: providers without credentials, no backend, the contract outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lab.clouds import Cloud, cloud_unit
from lab.definition import LabDefinition
from tests.helpers import REPO
from tests.stacks.conftest import SynthTree

CREDENTIAL_KEYS = {
    "access_key",
    "secret_key",
    "token",
    "client_secret",
    "client_certificate_password",
    "client_id",
    "subscription_id",
    "tenant_id",
    "profile",
    "shared_credentials_files",
    "use_cli",
    # spacelift
    "api_key_id",
    "api_key_secret",
    "api_token",
}


def test_every_stack_is_backendless_and_free_of_machine_paths(shipped_synth: SynthTree) -> None:
    for stack_id, doc in shipped_synth.items():
        assert "backend" not in doc["terraform"], stack_id
        assert "backend" not in doc["//"]["metadata"], stack_id
        text = json.dumps(doc)
        for machine_path in (str(REPO), "/tmp/", "/home/", "/root/", "/Users/"):
            assert machine_path not in text, f"{stack_id} mentions {machine_path}"


def test_providers_are_pinned_and_carry_no_credentials(shipped_synth: SynthTree) -> None:
    assert shipped_synth["aws-foundation"]["terraform"]["required_providers"] == {
        # cdktn's aws binding names the provider by its full source; both resolve to hashicorp/aws.
        "aws": {"source": "hashicorp/aws", "version": "6.69.1"}
    }
    assert shipped_synth["azure-foundation"]["terraform"]["required_providers"] == {
        "azurerm": {"source": "azurerm", "version": "4.81.0"}
    }
    (aws,) = shipped_synth["aws-foundation"]["provider"]["aws"]
    assert aws == {
        "region": "us-east-1",
        "default_tags": [
            {
                "tags": {
                    "project": "illm-k8s-lab",
                    "environment": "lab",
                    "managed-by": "spacelift",
                }
            }
        ],
    }
    (azurerm,) = shipped_synth["azure-foundation"]["provider"]["azurerm"]
    assert azurerm == {"features": [{}]}
    for doc in shipped_synth.values():
        for blocks in doc.get("provider", {}).values():
            for block in blocks:
                assert not CREDENTIAL_KEYS & set(block)


@pytest.mark.parametrize("cloud", list(Cloud))
def test_outputs_are_exactly_the_contract(shipped_synth: SynthTree, cloud: Cloud) -> None:
    outputs = shipped_synth[f"{cloud.value}-foundation"]["output"]
    contract = {value.name: value for value in cloud_unit(cloud).foundation_outputs}
    assert set(outputs) == set(contract)
    for name, output in outputs.items():
        assert output["sensitive"] is False
        assert output["description"] == contract[name].description
        # Environment variables carry strings: lists travel JSON-encoded.
        assert output["value"].startswith("${jsonencode([") is contract[name].json_list


def test_aws_foundation_wires_the_network(shipped_synth: SynthTree) -> None:
    outputs = shipped_synth["aws-foundation"]["output"]
    resources = shipped_synth["aws-foundation"]["resource"]
    (vpc_name,) = resources["aws_vpc"]
    assert outputs["vpc_id"]["value"] == f"${{aws_vpc.{vpc_name}.id}}"
    private = [name for name in resources["aws_subnet"] if "PrivateSubnet" in name]
    assert len(private) == 3
    assert outputs["private_subnet_ids"]["value"] == (
        "${jsonencode([" + ", ".join(f"aws_subnet.{n}.id" for n in sorted(private)) + "])}"
    )
    (vpc,) = resources["aws_vpc"].values()
    assert vpc["cidr_block"] == "10.50.0.0/16"
    assert len(resources["aws_nat_gateway"]) == 1  # nat_mode: single


def test_azure_foundation_uses_lab_yaml_names(
    shipped_synth: SynthTree, shipped: LabDefinition
) -> None:
    resources = shipped_synth["azure-foundation"]["resource"]
    (group,) = resources["azurerm_resource_group"].values()
    (vnet,) = resources["azurerm_virtual_network"].values()
    assert (group["name"], group["location"]) == ("rg-illm-k8s-lab-foundation", "eastus")
    assert (vnet["name"], vnet["address_space"]) == ("vnet-illm-k8s-lab", ["10.40.0.0/16"])
    subnets = {s["name"]: s for s in resources["azurerm_subnet"].values()}
    assert {name: s["address_prefixes"] for name, s in subnets.items()} == {
        subnet.name: [subnet.address_prefix] for subnet in shipped.config.azure.vnet.subnets
    }
    assert all(s["default_outbound_access_enabled"] is False for s in subnets.values())
    assert len(resources["azurerm_subnet_network_security_group_association"]) == len(subnets)
    outputs = shipped_synth["azure-foundation"]["output"]
    aks_subnet = next(
        name
        for name, subnet in resources["azurerm_subnet"].items()
        if subnet["name"] == shipped.config.azure.vnet.aks_subnet
    )
    assert outputs["aks_subnet_id"]["value"] == f"${{azurerm_subnet.{aks_subnet}.id}}"


@pytest.mark.usefixtures("shipped_synth")
def test_manifest_records_the_definition_dependencies(
    shipped: LabDefinition, shipped_outdir: Path
) -> None:
    manifest = json.loads((shipped_outdir / "manifest.json").read_text())
    assert {k: v["dependencies"] for k, v in manifest["stacks"].items()} == {
        s.id: list(s.depends_on) for s in shipped.stacks
    }
