"""`.spacelift/config.yml` holds only keys that apply to native OpenTofu stacks.

Source: Spacelift's runtime configuration page (spacelift-io/user-documentation at
6e9746fe, docs/concepts/configuration/runtime-configuration/README.md). It restricts
``terraform_version`` to Terraform stacks, ties ``opentofu_version`` to
``terraform_workflow_tool: OPEN_TOFU`` (a Terraform-vendor setting) and ``terragrunt`` to
Terragrunt stacks; it states no vendor for the other keys. The stacks pin OpenTofu in
their ``opentofu`` block instead (provider v1.53.5, spacelift/resource_stack.go, whose
``opentofu`` block conflicts with every ``terraform_*`` stack setting).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from lab.config import load_config
from tests.helpers import REPO

TOP_LEVEL_KEYS = frozenset({"version", "stack_defaults", "stacks"})
NATIVE_OPENTOFU_KEYS = frozenset(
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
        "git_sparse_checkout_paths",
    }
)
"""The per-stack keys the docs state for every vendor."""
OTHER_VENDOR_KEYS = frozenset(
    {"terraform_version", "opentofu_version", "terraform_workflow_tool", "terragrunt"}
)


def keys_that_do_not_apply(document: dict[str, Any]) -> list[str]:
    """Every key of a runtime config that does not apply to a native OpenTofu stack."""
    found = [key for key in document if key not in TOP_LEVEL_KEYS]
    settings = [("stack_defaults", document.get("stack_defaults") or {})]
    settings += [
        (f"stacks.{slug}", block or {}) for slug, block in (document.get("stacks") or {}).items()
    ]
    for where, block in settings:
        found += [f"{where}.{key}" for key in block if key not in NATIVE_OPENTOFU_KEYS]
    return found


def load() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((REPO / ".spacelift" / "config.yml").read_text())
    return document


def test_only_keys_that_apply_to_native_opentofu_stacks() -> None:
    assert keys_that_do_not_apply(load()) == []


def test_values_win_over_stack_settings() -> None:
    assert load()["version"] == "2"


def test_opentofu_is_pinned_by_the_stacks_themselves() -> None:
    """The version the file no longer sets is in every stack's opentofu block."""
    config = load_config(REPO / "lab.yaml")
    root = json.loads((REPO / "cdktf.out/stacks/spacelift-root/cdk.tf.json").read_text())
    blocks = [stack["opentofu"] for stack in root["resource"]["spacelift_stack"].values()]
    assert blocks
    for block in blocks:
        assert block["version"] == config.spacelift.opentofu_version
        assert block["workflow_tool"] == "OPENTOFU"


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
        # Terraform-vendor settings: not for stacks with an opentofu block.
        (
            {"stack_defaults": {"terraform_workflow_tool": "OPEN_TOFU", "opentofu_version": "1"}},
            ["stack_defaults.terraform_workflow_tool", "stack_defaults.opentofu_version"],
        ),
        ({"stacks": {"x": {"terraform_version": "1.5.7"}}}, ["stacks.x.terraform_version"]),
    ],
)
def test_keys_that_do_not_apply_are_found(document: dict[str, Any], expected: list[str]) -> None:
    assert keys_that_do_not_apply(document) == expected
    assert all(key.rsplit(".", 1)[-1] not in NATIVE_OPENTOFU_KEYS for key in expected)
    assert not OTHER_VENDOR_KEYS & NATIVE_OPENTOFU_KEYS
