"""Fixtures for the Spacelift binding tests."""

from __future__ import annotations

from typing import Any

import pytest
from cdktn import TerraformStack

from lab.spacelift import SpaceliftProvider
from tests.helpers import new_stack
from tests.spacelift.conformance import load_schema


@pytest.fixture
def stack() -> TerraformStack:
    """An empty test stack that already declares the default Spacelift provider."""
    stack = new_stack()
    SpaceliftProvider(stack, "Spacelift")
    return stack


@pytest.fixture(scope="session")
def schema() -> dict[str, Any]:
    """The committed provider schema facts."""
    return load_schema()
