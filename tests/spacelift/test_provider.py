"""The provider binding: required_providers, and no credentials in code."""

from __future__ import annotations

import inspect

import pytest
from cdktn import TerraformStack
from cdktn import Testing as CdktfTesting  # not `Testing`: pytest would try to collect it

from lab.spacelift import (
    PROVIDER_VERSION_CONSTRAINT,
    SpaceliftProvider,
    SpaceliftResource,
    StackDependency,
)
from tests.helpers import new_stack, synth

DEPENDENCY = StackDependency(stack_id="b", depends_on_stack_id="a")


def test_default_provider_is_an_empty_block_pinned_to_the_1x_line(stack: TerraformStack) -> None:
    SpaceliftResource(stack, "Dep", DEPENDENCY)

    doc = synth(stack)

    assert doc["provider"] == {"spacelift": [{}]}
    assert doc["terraform"]["required_providers"] == {
        "spacelift": {"source": "spacelift-io/spacelift", "version": ">= 1.53.5, < 2.0.0"}
    }
    assert PROVIDER_VERSION_CONSTRAINT == ">= 1.53.5, < 2.0.0"
    assert "provider" not in doc["resource"]["spacelift_stack_dependency"]["Dep"]


def test_provider_accepts_no_credentials() -> None:
    parameters = set(inspect.signature(SpaceliftProvider.__init__).parameters)

    assert parameters == {"self", "scope", "id"}
    with pytest.raises(TypeError, match="api_key_secret"):
        SpaceliftProvider(new_stack(), "Spacelift", api_key_secret="s3cr3t")  # type: ignore[call-arg]


def test_resources_without_a_provider_construct_fail_validation() -> None:
    stack = new_stack()
    SpaceliftResource(stack, "Dep", DEPENDENCY)

    with pytest.raises(RuntimeError, match=r"without a matching provider construct.*spacelift"):
        CdktfTesting.synth(stack, run_validations=True)
