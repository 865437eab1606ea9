"""`lab doctor`: the bootstrap's offline checks on fixture trees, and the next step."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from lab.commands.doctor import FIRST_STEP_AFTER_PUSH, WORKFLOWS
from lab.rules.placeholders import find_placeholders
from tests.cli.conftest import (
    SMALL_LAB,
    SMALL_LAB_STACKS,
    GitRepo,
    Invoke,
    Lab,
    make_lab,
    stack_json,
)
from tests.helpers import FIXTURE_CONFIG

REAL_EGRESS = "198.18.7.0/24"  # RFC 2544 benchmarking: not a documentation range


def settled(lab: Lab) -> None:
    """Replace every documentation value of the fixture lab.yaml with real-looking ones,
    and set the lab up for the free tier (no policies, no pool, no autodeploy)."""
    data = yaml.safe_load(lab.config.read_text())
    spacelift = data["spacelift"]
    spacelift.pop("worker_pool_id", None)
    spacelift["drift_detection"]["enabled"] = False
    spacelift["policies"] = False
    spacelift["experiment_autodeploy"] = False
    spacelift["aws_integration"] = {
        f"{identity}_role_arn": f"arn:aws:iam::210987654321:role/spacelift-lab-{identity}"
        for identity in ("read", "foundation", "experiment")
    }
    spacelift["azure_integration"] = {
        "tenant_id": "7c1f3a52-9d0e-4b8a-a1f2-3e4d5c6b7a81",
        "subscription_id": "2b9e8d7c-6f5a-4e3d-8c2b-1a0f9e8d7c6b",
    }
    aks = data["azure"]["aks"]
    aks["authorized_ip_ranges"] = [REAL_EGRESS]
    aks["service_source_ranges"] = [REAL_EGRESS]
    aks["admin_group_object_ids"] = ["5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a"]
    eks = data["aws"]["eks"]
    eks["public_access_cidrs"] = [REAL_EGRESS]
    eks["admin_principal_arns"] = ["arn:aws:iam::210987654321:role/platform-admin"]
    lab.config.write_text(yaml.safe_dump(data, sort_keys=False))


def complete(root: Path) -> None:
    """The files the bootstrap's steps leave in the checkout: output and workflows."""
    for stack in SMALL_LAB_STACKS:
        path = root / "cdktf.out" / "stacks" / stack / "cdk.tf.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(stack_json(stack))
    for workflow in WORKFLOWS:
        (root / workflow).parent.mkdir(parents=True, exist_ok=True)
        (root / workflow).write_text("on: push\n")


@pytest.fixture
def fork(tmp_path: Path) -> Lab:
    """A fork of the lab with every step done: origin is <someone>/illm-k8s-lab."""
    repository = GitRepo(tmp_path / "fork")
    lab = make_lab(repository.root, SMALL_LAB)
    settled(lab)
    complete(repository.root)
    repository.git("remote", "add", "origin", "git@github.com:someone/illm-k8s-lab.git")
    return lab


def doctor_json(invoke: Invoke, lab: Lab) -> tuple[int, dict[str, Any]]:
    result = invoke("doctor", *lab.options, "--json")
    return result.exit_code, json.loads(result.stdout)


def statuses(document: dict[str, Any]) -> dict[str, str]:
    return {c["name"]: c["status"] for c in document["checks"]}


def test_a_finished_bootstrap_has_nothing_to_do(invoke: Invoke, fork: Lab) -> None:
    code, document = doctor_json(invoke, fork)
    assert code == 0
    assert statuses(document) == {
        "paid_plan": "ok",
        "repository": "ok",
        "cloud_access": "ok",
        "placeholders": "ok",
        "validate": "ok",
        "synthesized": "ok",
        "workflows": "ok",
    }
    assert document["next_step"] == FIRST_STEP_AFTER_PUSH
    assert document["format_version"] == 1
    text = invoke("doctor", *fork.options)
    assert text.exit_code == 0
    assert text.stdout.splitlines()[-1] == f"next: {FIRST_STEP_AFTER_PUSH}"


def test_the_shipped_placeholders_are_the_next_step(invoke: Invoke, tmp_path: Path) -> None:
    lab = make_lab(tmp_path / "lab", SMALL_LAB)
    lab.config.write_text(FIXTURE_CONFIG.read_text())  # as shipped, placeholders and all
    complete(lab.root)
    code, document = doctor_json(invoke, lab)
    assert code == 1
    (check,) = [c for c in document["checks"] if c["name"] == "placeholders"]
    assert check["status"] == "todo"
    assert check["fields"] == [
        "spacelift.space_id",
        "azure.aks.authorized_ip_ranges[0]",
        "azure.aks.admin_group_object_ids[0]",
        "azure.aks.service_source_ranges[0]",
        "aws.eks.public_access_cidrs[0]",
        "aws.eks.admin_principal_arns[0]",
    ]
    assert str(document["next_step"]).startswith("replace the documentation values in ")
    assert str(document["next_step"]).endswith("(docs/bootstrap.md, 4. Settle lab.yaml)")
    # Each value once, as field: value (reason), not the validate warnings' full sentences.
    assert "; aws.eks.public_access_cidrs[0]: 203.0.113.0/24 (RFC 5737 reserves" in check["message"]
    assert "replace it before the first apply" not in check["message"]


def test_paid_plan_settings_are_named(invoke: Invoke, tmp_path: Path) -> None:
    lab = make_lab(tmp_path / "lab", SMALL_LAB)  # fixture: pool, drift detection, policies
    _, document = doctor_json(invoke, lab)
    (check,) = [c for c in document["checks"] if c["name"] == "paid_plan"]
    assert check["status"] == "note"
    assert check["fields"] == [
        "spacelift.policies",
        "spacelift.worker_pool_id",
        "spacelift.drift_detection.enabled",
    ]


def test_autodeploy_without_policies_is_a_todo(invoke: Invoke, fork: Lab) -> None:
    data = yaml.safe_load(fork.config.read_text())
    data["spacelift"]["experiment_autodeploy"] = True
    fork.config.write_text(yaml.safe_dump(data, sort_keys=False))
    code, document = doctor_json(invoke, fork)
    assert code == 1
    assert statuses(document)["guardrails"] == "todo"
    assert "Set spacelift.experiment_autodeploy: false" in str(document["next_step"])


def test_a_repository_name_that_is_not_the_fork(invoke: Invoke, fork: Lab) -> None:
    data = yaml.safe_load(fork.config.read_text())
    data["spacelift"]["repository"] = "someone-elses-lab"
    fork.config.write_text(yaml.safe_dump(data, sort_keys=False))
    code, document = doctor_json(invoke, fork)
    assert code == 1
    assert statuses(document)["repository"] == "todo"
    assert str(document["next_step"]).startswith(
        "spacelift.repository is someone-elses-lab, but this checkout's origin is "
        "someone/illm-k8s-lab: set spacelift.repository to illm-k8s-lab"
    )


def test_missing_output_and_workflow_are_todos(invoke: Invoke, fork: Lab) -> None:
    shutil.rmtree(fork.root / "cdktf.out" / "stacks" / "exp-beta-eks")
    (fork.root / ".github/workflows/expire.yml").unlink()
    code, document = doctor_json(invoke, fork)
    assert code == 1
    assert statuses(document)["synthesized"] == "todo"
    assert statuses(document)["workflows"] == "todo"
    checks = {c["name"]: c for c in document["checks"]}
    assert "missing exp-beta-eks" in checks["synthesized"]["message"]
    assert "run `make synth`" in checks["synthesized"]["message"]
    assert ".github/workflows/expire.yml" in checks["workflows"]["message"]


def test_without_integrations_the_contexts_are_noted(invoke: Invoke, fork: Lab) -> None:
    data = yaml.safe_load(fork.config.read_text())
    del data["spacelift"]["aws_integration"]
    fork.config.write_text(yaml.safe_dump(data, sort_keys=False))
    code, document = doctor_json(invoke, fork)
    assert code == 0  # a note, not a todo: static keys are a supported choice
    checks = {c["name"]: c for c in document["checks"]}
    assert checks["cloud_access"]["status"] == "note"
    assert checks["cloud_access"]["fields"] == ["spacelift.aws_integration"]


def test_an_invalid_definition_exits_2_naming_the_field(invoke: Invoke, fork: Lab) -> None:
    data = yaml.safe_load(fork.config.read_text())
    data["aws"]["eks"]["public_access_cidrs"] = ["0.0.0.0/0"]
    fork.config.write_text(yaml.safe_dump(data, sort_keys=False))
    result = invoke("doctor", *fork.options)
    assert result.exit_code == 2
    assert "aws.eks.public_access_cidrs" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("203.0.113.0/24", True),
        ("203.0.113.7/32", True),
        ("2001:db8::/48", True),
        ("198.18.7.0/24", False),
        ("00000000-0000-0000-0000-000000000000", True),
        ("5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a", False),
        ("arn:aws:iam::111122223333:role/x", True),
        ("arn:aws:iam::210987654321:role/x", False),
        ("https://github.com/<owner>/illm-k8s-lab.git", True),
    ],
)
def test_placeholders(value: str, found: bool) -> None:
    assert bool(list(find_placeholders({"a": [value]}))) is found
