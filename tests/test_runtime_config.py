"""`.spacelift/config.yml` uses only documented keys and runs the OpenTofu of lab.yaml."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from lab.config import load_config
from tests.helpers import REPO

# The runtime configuration reference (Spacelift user documentation, "Runtime configuration").
TOP_LEVEL_KEYS = frozenset({"version", "stack_defaults", "stacks"})
STACK_KEYS = frozenset(
    {
        *(
            f"{when}_{phase}"
            for when in ("before", "after")
            for phase in ("init", "plan", "apply", "destroy", "perform")
        ),
        "after_run",
        "environment",
        "project_root",
        "runner_image",
        "terraform_version",
        "opentofu_version",
        "terraform_workflow_tool",
        "git_sparse_checkout_paths",
        "terragrunt",
    }
)


def undocumented_keys(document: dict[str, Any]) -> list[str]:
    """Every key of a runtime config that Spacelift does not document, as a dotted path."""
    found = [key for key in document if key not in TOP_LEVEL_KEYS]
    settings = [("stack_defaults", document.get("stack_defaults") or {})]
    settings += [
        (f"stacks.{slug}", block or {}) for slug, block in (document.get("stacks") or {}).items()
    ]
    for where, block in settings:
        found += [f"{where}.{key}" for key in block if key not in STACK_KEYS]
    return found


def load() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((REPO / ".spacelift" / "config.yml").read_text())
    return document


def test_only_documented_keys() -> None:
    assert undocumented_keys(load()) == []


def test_runs_opentofu_pinned_like_lab_yaml() -> None:
    document = load()
    defaults = document["stack_defaults"]
    assert document["version"] == "2"
    assert defaults["terraform_workflow_tool"] == "OPEN_TOFU"
    config = load_config(REPO / "lab.yaml")
    assert defaults["opentofu_version"] == config.spacelift.opentofu_version


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        # What the replaced implementation wrote: none of it is runtime configuration.
        (
            {"version": "1", "autodiscover": [], "contexts": [], "policies": []},
            ["autodiscover", "contexts", "policies"],
        ),
        (
            {"stack_defaults": {"labels": ["x"], "administrative": True, "runner_image": "img"}},
            ["stack_defaults.labels", "stack_defaults.administrative"],
        ),
        (
            {"stacks": {"aws-foundation": {"autodeploy": False, "environment": {}}}},
            ["stacks.aws-foundation.autodeploy"],
        ),
    ],
)
def test_undocumented_keys_are_found(document: dict[str, Any], expected: list[str]) -> None:
    assert undocumented_keys(document) == expected
