"""The app definition: which stacks exist, how they depend on each other, what they carry."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from lab.clouds import CLOUDS, Cloud, cloud_unit
from lab.clouds.aws.values import PRIVATE_SUBNET_IDS
from lab.contract import EGRESS_CIDRS, StackInput
from lab.definition import MANAGEMENT_STACK_ID, StackKind, load_definition
from lab.errors import LabDefinitionError, display_path
from lab.rules import experiment_rule_priority
from tests.definition.conftest import ClusterWriter
from tests.helpers import FIXTURE_CONFIG, FIXTURE_EXPERIMENTS


def test_shipped_definition() -> None:
    lab = load_definition(FIXTURE_CONFIG, FIXTURE_EXPERIMENTS)
    assert [(s.id, s.kind, s.cloud) for s in lab.stacks] == [
        ("spacelift-root", StackKind.MANAGEMENT, None),
        ("azure-foundation", StackKind.FOUNDATION, Cloud.AZURE),
        ("aws-foundation", StackKind.FOUNDATION, Cloud.AWS),
        ("exp-http-baseline-aks", StackKind.EXPERIMENT, Cloud.AZURE),
        ("exp-multi-cloud-demo-aks", StackKind.EXPERIMENT, Cloud.AZURE),
        ("exp-multi-cloud-demo-eks", StackKind.EXPERIMENT, Cloud.AWS),
    ]
    assert [s.id for s in lab.managed_stacks] == [s.id for s in lab.stacks[1:]]
    baseline = lab.get("exp-http-baseline-aks")
    assert [c.name for c in baseline.clusters] == ["loadgen", "target"]
    assert baseline.project_root == "cdktf.out/stacks/exp-http-baseline-aks"


def test_stack_settings_by_kind() -> None:
    lab = load_definition(FIXTURE_CONFIG, FIXTURE_EXPERIMENTS)
    root = lab.get(MANAGEMENT_STACK_ID)
    assert root.labels == ("management", "illm-k8s-lab")
    assert (root.depends_on, root.autodeploy, root.protect_from_deletion) == ((), False, False)

    for cloud in Cloud:
        foundation = lab.get(f"{cloud.value}-foundation")
        assert foundation.labels == ("foundation", cloud.value, "illm-k8s-lab")
        assert (foundation.autodeploy, foundation.protect_from_deletion) == (False, True)
        assert foundation.outputs == cloud_unit(cloud).foundation_outputs
        assert foundation.depends_on == ()

    eks = lab.get("exp-multi-cloud-demo-eks")
    aks = lab.get("exp-multi-cloud-demo-aks")
    assert eks.labels == (
        "experiment",
        "aws",
        "experiment:multi-cloud-demo",
        "max-nodes-per-cluster:10",
        "illm-k8s-lab",
    )
    # On both clouds: after its foundation, and the Azure one for the AKS clusters' egress.
    assert eks.depends_on == ("aws-foundation", "azure-foundation")
    assert eks.inputs == (
        StackInput("aws-foundation", PRIVATE_SUBNET_IDS, "private_subnet_ids"),
        StackInput("azure-foundation", EGRESS_CIDRS, "azure_egress_cidrs"),
    )
    assert (eks.peers, aks.peers) == ((Cloud.AZURE,), (Cloud.AWS,))
    assert eks.service_rule_priority is None
    assert (eks.autodeploy, eks.protect_from_deletion, eks.expires) == (True, False, None)
    assert [c.name for c in eks.clusters] == ["loadgen"]
    assert aks.depends_on == ("azure-foundation", "aws-foundation")
    assert [i.input_name for i in aks.inputs] == [
        "TF_VAR_location",
        "TF_VAR_aks_subnet_id",
        "TF_VAR_egress_cidrs",
        "TF_VAR_resource_group_name",
        "TF_VAR_aks_subnet_nsg_name",
        "TF_VAR_aws_egress_cidrs",
    ]
    assert aks.service_rule_priority == experiment_rule_priority("multi-cloud-demo")
    assert [c.name for c in aks.clusters] == ["target"]
    baseline = lab.get("exp-http-baseline-aks")
    assert baseline.depends_on == ("azure-foundation",)
    assert (len(baseline.inputs), baseline.service_rule_priority) == (3, None)
    # Every AKS experiment receives its own foundation's egress, for its API allowlist.
    assert StackInput("azure-foundation", EGRESS_CIDRS, "egress_cidrs") in baseline.inputs


def test_experiment_inputs_are_foundation_outputs() -> None:
    for cloud in CLOUDS:
        own = {*cloud.experiment_inputs, *cloud.peer_inputs}
        assert own <= set(cloud.foundation_outputs)


def test_autodeploy_and_labels_follow_lab_yaml(
    lab_yaml: dict[str, Any],
    write_config: Callable[[dict[str, Any]], Path],
    experiments_dir: Path,
) -> None:
    lab_yaml["spacelift"]["experiment_autodeploy"] = False
    lab_yaml["spacelift"]["labels"] = ["team:platform"]
    lab = load_definition(write_config(lab_yaml), experiments_dir)
    experiment = lab.get("exp-http-baseline-aks")
    assert experiment.autodeploy is False
    assert experiment.labels[-1] == "team:platform"
    assert lab.get("azure-foundation").autodeploy is False
    assert {s.labels[-1] for s in lab.stacks} == {"team:platform"}  # every kind gets it


def test_only_experiments_may_autodeploy() -> None:
    lab = load_definition(FIXTURE_CONFIG, FIXTURE_EXPERIMENTS)
    assert {s.kind for s in lab.stacks if s.autodeploy} == {StackKind.EXPERIMENT}
    foundation = lab.get("azure-foundation")
    with pytest.raises(
        AssertionError, match="azure-foundation: autodeploy is for experiments only"
    ):
        dataclasses.replace(foundation, autodeploy=True)
    with pytest.raises(AssertionError, match="spacelift-root: autodeploy is for experiments only"):
        dataclasses.replace(lab.get(MANAGEMENT_STACK_ID), autodeploy=True)


def test_expiry_reaches_every_stack_of_the_experiment(
    lab_yaml: dict[str, Any],
    write_config: Callable[[dict[str, Any]], Path],
    experiments_dir: Path,
    write_cluster: ClusterWriter,
) -> None:
    write_cluster("spike", "a", "size: small\nprovider: azure\nexpires: 2031-01-31\n")
    write_cluster("spike", "b", "size: small\nprovider: aws\nexpires: 2031-01-31\n")
    lab = load_definition(write_config(lab_yaml), experiments_dir)
    assert lab.get("exp-spike-aks").expires == date(2031, 1, 31)
    assert lab.get("exp-spike-eks").expires == date(2031, 1, 31)


def test_config_and_experiment_problems_are_reported_together(
    lab_yaml: dict[str, Any],
    write_config: Callable[[dict[str, Any]], Path],
    experiments_dir: Path,
    write_cluster: ClusterWriter,
) -> None:
    lab_yaml["aws"]["nat_mode"] = "double"
    bad = write_cluster("broken", "c1", {"size": "tiny", "provider": "aws"})
    with pytest.raises(LabDefinitionError) as caught:
        load_definition(write_config(lab_yaml), experiments_dir)
    # Sorted by file: experiments/broken/c1/cluster.yaml, then lab.yaml.
    assert [(Path(p.file).name, p.field) for p in caught.value.problems] == [
        (bad.name, "size"),
        ("lab.yaml", "aws.nat_mode"),
    ]


def test_unknown_stack_lists_the_known_ones() -> None:
    lab = load_definition(FIXTURE_CONFIG, FIXTURE_EXPERIMENTS)
    with pytest.raises(KeyError, match="no stack 'exp-nope-aks'; the stacks are: spacelift-root, "):
        lab.get("exp-nope-aks")


def test_expiry_needs_no_worker_pool(
    lab_yaml: dict[str, Any],
    write_config: Callable[[dict[str, Any]], Path],
    experiments_dir: Path,
    write_cluster: ClusterWriter,
) -> None:
    """Without a pool the expire workflow removes the experiment (lab/commands/expiry.py)."""
    write_cluster("spike", "a", "size: small\nprovider: azure\nexpires: 2026-12-31\n")
    del lab_yaml["spacelift"]["worker_pool_id"]
    lab_yaml["spacelift"]["drift_detection"]["enabled"] = False
    lab = load_definition(write_config(lab_yaml), experiments_dir, today=date(2026, 12, 31))
    assert lab.get("exp-spike-aks").expires == date(2026, 12, 31)
    assert [w for w in lab.warnings if w.field == "expires"] == []


def test_an_expired_experiment_is_a_warning_naming_the_fix(
    lab_yaml: dict[str, Any],
    write_config: Callable[[dict[str, Any]], Path],
    experiments_dir: Path,
    write_cluster: ClusterWriter,
) -> None:
    dated = write_cluster("spike", "a", "size: small\nprovider: azure\nexpires: 2026-12-31\n")
    lab = load_definition(write_config(lab_yaml), experiments_dir, today=date(2027, 1, 1))
    [warning] = [w for w in lab.warnings if w.field == "expires"]
    assert warning.file == display_path(dated)
    assert warning.message.startswith(
        "2026-12-31 has passed: experiment spike is due for deletion. Run `lab expired --remove`"
    )
