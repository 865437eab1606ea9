"""The SpaceliftStack construct: settings, drift detection, dependencies, teardown, expiry."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from lab.constructs.spacelift.stack import (
    DriftDetectionSchedule,
    IntegrationPair,
    SharedStackSettings,
    SpaceliftStack,
    SpaceliftStackProps,
    Upstream,
    deletion_timestamp,
)
from lab.spacelift import AwsIntegrationAttachment, SpaceliftProvider
from tests.helpers import new_stack, synth
from tests.spacelift.conformance import check_terraform_json, load_schema

SHARED = SharedStackSettings(repository="illm-k8s-lab", branch="main", opentofu_version="1.11.14")


def _props(slug: str, **overrides: Any) -> SpaceliftStackProps:
    return SpaceliftStackProps(
        slug=slug,
        description="test stack",
        project_root=f"cdktf.out/stacks/{slug}",
        **{"shared": SHARED, **overrides},
    )


def _foundation_and_experiment(**experiment: Any) -> dict[str, Any]:
    stack = new_stack()
    SpaceliftProvider(stack, "spacelift")
    foundation = SpaceliftStack(
        stack,
        "aws-foundation",
        _props(
            "aws-foundation",
            labels=["foundation", "aws"],
            protect_from_deletion=True,
            drift_detection=DriftDetectionSchedule(schedule=["0 6 * * 1-5"]),
            integrations=IntegrationPair(
                attachment=AwsIntegrationAttachment,
                name="AwsIntegration",
                read_id="01AWSREAD",
                write_id="01AWSFOUNDATION",
            ),
        ),
    )
    SpaceliftStack(
        stack,
        "exp-a-eks",
        _props(
            "exp-a-eks",
            labels=["experiment", "aws", "experiment:a", "aws"],
            autodeploy=True,
            integrations=IntegrationPair(
                attachment=AwsIntegrationAttachment,
                name="AwsIntegration",
                read_id="01AWSREAD",
                write_id="01AWSEXPERIMENT",
            ),
            upstreams=[
                Upstream(
                    foundation,
                    {"private_subnet_ids": "TF_VAR_private_subnet_ids", "vpc_id": "TF_VAR_vpc_id"},
                )
            ],
            destroy_on_delete=True,
            **experiment,
        ),
    )
    return synth(stack)


def test_defaults_make_a_native_opentofu_stack_on_managed_state() -> None:
    stack = new_stack()
    SpaceliftStack(stack, "s", _props("exp-b-aks"))
    resource = synth(stack)["resource"]
    assert resource["spacelift_stack"]["exp-b-aks"] == {
        "name": "exp-b-aks",
        "slug": "exp-b-aks",
        "description": "test stack",
        "repository": "illm-k8s-lab",
        "branch": "main",
        "project_root": "cdktf.out/stacks/exp-b-aks",
        "labels": [],
        "opentofu": {
            "version": "1.11.14",
            "workflow_tool": "OPENTOFU",
            "use_smart_sanitization": True,
            "external_state_access": False,
        },
        "manage_state": True,
        "autodeploy": False,
        "protect_from_deletion": False,
        "enable_well_known_secret_masking": True,
    }
    assert set(resource) == {"spacelift_stack"}  # nothing optional without asking


def test_foundation_and_experiment(json_snapshot: SnapshotAssertion) -> None:
    doc = _foundation_and_experiment()
    resource = doc["resource"]
    assert resource["spacelift_stack"]["exp-a-eks"]["labels"] == [
        "aws",
        "experiment",
        "experiment:a",
    ]
    assert resource["spacelift_drift_detection"] == {
        "aws-foundation": {
            "stack_id": "${spacelift_stack.aws-foundation.id}",
            "schedule": ["0 6 * * 1-5"],
            "timezone": "UTC",
            "reconcile": False,
        }
    }
    assert resource["spacelift_stack_dependency"] == {
        "exp-a-eks--aws-foundation": {
            "stack_id": "${spacelift_stack.exp-a-eks.id}",
            "depends_on_stack_id": "${spacelift_stack.aws-foundation.id}",
        }
    }
    assert {
        name: (ref["output_name"], ref["input_name"])
        for name, ref in resource["spacelift_stack_dependency_reference"].items()
    } == {
        "exp-a-eks--TF_VAR_private_subnet_ids": ("private_subnet_ids", "TF_VAR_private_subnet_ids"),
        "exp-a-eks--TF_VAR_vpc_id": ("vpc_id", "TF_VAR_vpc_id"),
    }
    assert resource["spacelift_stack_destructor"] == {
        "exp-a-eks": {
            "stack_id": "${spacelift_stack.exp-a-eks.id}",
            "depends_on": [
                "spacelift_aws_integration_attachment.exp-a-eks--read",
                "spacelift_aws_integration_attachment.exp-a-eks--write",
                "spacelift_stack_dependency.exp-a-eks--aws-foundation",
                "spacelift_stack_dependency_reference.exp-a-eks--TF_VAR_private_subnet_ids",
                "spacelift_stack_dependency_reference.exp-a-eks--TF_VAR_vpc_id",
            ],
        }
    }
    # Plans read with the shared read-only integration; applies write with the kind's own.
    assert {
        name: (a["integration_id"], a["read"], a["write"])
        for name, a in resource["spacelift_aws_integration_attachment"].items()
    } == {
        "aws-foundation--read": ("01AWSREAD", True, False),
        "aws-foundation--write": ("01AWSFOUNDATION", False, True),
        "exp-a-eks--read": ("01AWSREAD", True, False),
        "exp-a-eks--write": ("01AWSEXPERIMENT", False, True),
    }
    assert "spacelift_scheduled_delete_stack" not in resource
    assert check_terraform_json(doc, load_schema()) == []
    assert doc == json_snapshot


def test_expiry_schedules_deletion_with_resources() -> None:
    resource = _foundation_and_experiment(expires=date(2026, 12, 31))["resource"]
    assert resource["spacelift_scheduled_delete_stack"] == {
        "exp-a-eks": {
            "stack_id": "${spacelift_stack.exp-a-eks.id}",
            "at": 1798761600,
            "delete_resources": True,
        }
    }


def test_deletion_happens_after_the_whole_expiry_day() -> None:
    assert deletion_timestamp(date(2026, 12, 31)) == int(
        datetime(2027, 1, 1, tzinfo=UTC).timestamp()
    )
    assert deletion_timestamp(date(2028, 2, 28)) == int(
        datetime(2028, 2, 29, tzinfo=UTC).timestamp()
    )


def test_github_custom_app_and_worker_pool() -> None:
    stack = new_stack()
    shared = dataclasses.replace(
        SHARED, github_namespace="illMadeCoder", worker_pool_id="01WORKERPOOL"
    )
    SpaceliftStack(stack, "s", _props("x", shared=shared))
    body = synth(stack)["resource"]["spacelift_stack"]["x"]
    assert body["github_enterprise"] == {"namespace": "illMadeCoder"}
    assert body["worker_pool_id"] == "01WORKERPOOL"


def test_expiry_without_teardown_is_refused() -> None:
    with pytest.raises(AssertionError, match="expires: needs destroy_on_delete=True"):
        _props("x", expires=date(2027, 1, 1))


def test_drift_detection_needs_a_schedule() -> None:
    with pytest.raises(AssertionError, match="at least one cron expression"):
        DriftDetectionSchedule(schedule=[])


def test_one_integration_cannot_serve_both_phases() -> None:
    with pytest.raises(AssertionError, match="read_id and write_id are both '01AWSONE'"):
        _aws_pair(read_id="01AWSONE", write_id="01AWSONE")
    # References are compared as written: two resources' ids differ, one id twice does not.
    assert _aws_pair(read_id="${a.id}", write_id="${b.id}").read_id == "${a.id}"
    with pytest.raises(AssertionError, match="read_id and write_id are both"):
        _aws_pair(read_id="${a.id}", write_id="${a.id}")


@pytest.mark.parametrize("label", ["foundation", "management"])
def test_a_protected_stack_cannot_autodeploy(label: str) -> None:
    with pytest.raises(AssertionError, match=f"autodeploy: aws-foundation is a {label} stack"):
        _props("aws-foundation", labels=[label, "aws"], autodeploy=True)
    assert _props("aws-foundation", labels=[label, "aws"]).autodeploy is False
    assert _props("exp-a-eks", labels=["experiment", "aws"], autodeploy=True).autodeploy


def _aws_pair(*, read_id: str, write_id: str) -> IntegrationPair:
    return IntegrationPair(
        attachment=AwsIntegrationAttachment,
        name="AwsIntegration",
        read_id=read_id,
        write_id=write_id,
    )
