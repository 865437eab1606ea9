"""Small helpers shared by the tests: synthesize a stack and pick blocks out of it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cdktf import App, TerraformStack, Testing

JsonDict = dict[str, Any]

REPO = Path(__file__).resolve().parents[1]
"""The repository root (lab.yaml, experiments/, cdktf.out/)."""

FIXTURE_LAB = REPO / "tests" / "fixtures" / "lab"
"""A lab of known content for the tests that need exact numbers. The repository's own
``lab.yaml`` and ``experiments/`` belong to its users and change in every pull request, so
tests read them only to check what holds for any valid content."""
FIXTURE_CONFIG = FIXTURE_LAB / "lab.yaml"
FIXTURE_EXPERIMENTS = FIXTURE_LAB / "experiments"


def read_tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (a synth output, say) by relative path, with its bytes."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def new_stack(stack_id: str = "test") -> TerraformStack:
    """An empty stack in a throwaway test app (stubbed version, future flags on)."""
    app: App = Testing.app()
    return TerraformStack(app, stack_id)


def synth(stack: TerraformStack) -> JsonDict:
    """The stack as Terraform JSON: sorted keys, no ``//`` metadata, no backend."""
    return json.loads(Testing.synth(stack))  # type: ignore[no-any-return]


def resources(doc: JsonDict, resource_type: str) -> dict[str, JsonDict]:
    """Every resource of one type, keyed by logical id (empty when there is none)."""
    return doc.get("resource", {}).get(resource_type, {})  # type: ignore[no-any-return]


def only_resource(doc: JsonDict, resource_type: str) -> JsonDict:
    """The single resource of a type; fails the test when there are zero or several."""
    found = resources(doc, resource_type)
    assert len(found) == 1, f"expected one {resource_type}, found {sorted(found)}"
    return next(iter(found.values()))


def data_sources(doc: JsonDict, data_type: str) -> dict[str, JsonDict]:
    """Every data source of one type, keyed by logical id."""
    return doc.get("data", {}).get(data_type, {})  # type: ignore[no-any-return]


def assert_refused(make: Callable[[], object], field: str, fact: str) -> None:
    """``make()`` raises a ValueError about ``field`` that states ``fact``.

    For the many tests where the wording is not the point; each family of messages has
    one test that pins its exact wording.
    """
    with pytest.raises(ValueError) as caught:
        make()
    message = str(caught.value)
    assert message.startswith(f"{field}: "), message
    assert fact in message, message
