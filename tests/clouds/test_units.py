"""Each cloud package: its unit is complete and agrees with itself, and the generic layers find
everything it names."""

from __future__ import annotations

import importlib

import pytest

from lab.clouds import CLOUDS, Cloud, CloudUnit, cloud_unit
from lab.clouds.unit import Identity
from lab.experiments import ClusterSize
from lab.rules import RuleError


def test_every_cloud_has_one_unit_in_enum_order() -> None:
    assert [cloud.id for cloud in CLOUDS] == list(Cloud)
    assert all(cloud_unit(cloud.id) is cloud for cloud in CLOUDS)
    assert len({cloud.service for cloud in CLOUDS}) == len(CLOUDS)
    assert [cloud.foundation_stack_id for cloud in CLOUDS] == ["azure-foundation", "aws-foundation"]
    assert cloud_unit(Cloud.AWS).experiment_stack_id("demo") == "exp-demo-eks"


@pytest.mark.parametrize("cloud", CLOUDS, ids=lambda c: c.id.value)
def test_presets_are_machine_types_the_cloud_sells(cloud: CloudUnit) -> None:
    assert set(cloud.machine_types) == {size.value for size in ClusterSize}
    for machine_type in cloud.machine_types.values():
        assert cloud.check_machine_type(machine_type, field="vm_size") == machine_type
    other = next(c for c in CLOUDS if c is not cloud)
    with pytest.raises(RuleError):
        cloud.check_machine_type(other.machine_types["small"], field="vm_size")


@pytest.mark.parametrize("cloud", CLOUDS, ids=lambda c: c.id.value)
def test_experiments_take_only_what_the_foundation_exports(cloud: CloudUnit) -> None:
    exported = set(cloud.foundation_outputs)
    assert set(cloud.experiment_inputs) <= exported
    assert set(cloud.peer_inputs) <= exported
    assert cloud.default_pool_name in cloud.reserved_pool_names
    assert cloud.version_field.startswith(f"{cloud.id.value}.")


@pytest.mark.parametrize("cloud", CLOUDS, ids=lambda c: c.id.value)
def test_the_modules_a_unit_names_exist(cloud: CloudUnit) -> None:
    for target in (cloud.foundation_stack, cloud.experiment_clusters):
        module, _, name = target.partition(":")
        assert callable(getattr(importlib.import_module(module), name)), target
    spacelift = importlib.import_module(cloud.spacelift)
    assert spacelift.ATTACHMENT.TERRAFORM_TYPE.startswith(f"spacelift_{cloud.id.value}_")


def test_integrations_exist_only_where_lab_yaml_configures_them() -> None:
    from lab.config import AwsIntegrationSettings, AzureIntegrationSettings, load_config
    from tests.helpers import FIXTURE_CONFIG

    bare = load_config(FIXTURE_CONFIG)
    assert bare.spacelift.aws_integration is None and bare.spacelift.azure_integration is None
    roles = "arn:aws:iam::444455556666:role/lab/spacelift-{}"
    configured = bare.model_copy(
        update={
            "spacelift": bare.spacelift.model_copy(
                update={
                    "aws_integration": AwsIntegrationSettings(
                        read_role_arn=roles.format("read"),
                        foundation_role_arn=roles.format("foundation"),
                        experiment_role_arn=roles.format("experiment"),
                    ),
                    "azure_integration": AzureIntegrationSettings(
                        tenant_id="8f2b7d3e-1c4a-4e5f-9a6b-2d3c4e5f6a7b",
                        subscription_id="1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d",
                    ),
                }
            )
        }
    )
    for cloud in CLOUDS:
        module = importlib.import_module(cloud.spacelift)
        assert module.integrations(bare) == {}
        found = module.integrations(configured)
        assert set(found) == set(Identity)
        assert {f.name for f in found.values()} == {
            f"{bare.name}-{cloud.id.value}-{identity.value}" for identity in Identity
        }
    aws = importlib.import_module(cloud_unit(Cloud.AWS).spacelift).integrations(configured)
    assert aws[Identity.READ].role_arn == roles.format("read")
