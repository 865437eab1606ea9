"""The files in ``policies/``: valid for Spacelift, clean under strict checks, documented,
and read by OPA exactly as :mod:`lab.policies` reads them."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Mapping
from concurrent.futures import Future

import pytest

from lab import stack_labels
from lab.commands.policy_docs import DECISION_RULES, PolicyReference
from lab.config import DEFAULT_MAX_NODES_PER_CLUSTER
from lab.policies import (
    PolicyFile,
    PolicyType,
)
from tests.policies import POLICY_DIRECTORY
from tests.policies.engine import Engine, JsonValue, parse_module
from tests.policies.strict import disabled_builtin_calls, strict_violations

POLICY_NAMES = sorted(
    path.stem for path in POLICY_DIRECTORY.glob("*.rego") if not path.stem.endswith("_test")
)
REGO_FILES = sorted(path.name for path in POLICY_DIRECTORY.glob("*.rego"))


def ast(filename: str) -> Mapping[str, JsonValue]:
    """OPA's parse of ``policies/<filename>``."""
    return parse_module(filename, (POLICY_DIRECTORY / filename).read_text(encoding="utf-8"))


def rule_names(module: Mapping[str, JsonValue]) -> list[str]:
    return [str(rule["head"].get("name", "")) for rule in module["rules"]]


def test_the_lab_has_its_three_policies_on_every_stack(policies: Mapping[str, PolicyFile]) -> None:
    assert {name: (policy.type, policy.autoattach_labels) for name, policy in policies.items()} == {
        "approval": (PolicyType.APPROVAL, ("*",)),
        "plan": (PolicyType.PLAN, ("*",)),
        "push": (PolicyType.GIT_PUSH, ("*",)),
    }


@pytest.mark.parametrize("filename", REGO_FILES)
def test_file_passes_strict_checks(filename: str) -> None:
    assert strict_violations(ast(filename)) == []


@pytest.mark.parametrize("filename", REGO_FILES)
def test_file_is_rego_v1_with_the_rego_v1_import(filename: str) -> None:
    imports = [
        ".".join(str(part["value"]) for part in imported["path"]["value"])
        for imported in ast(filename).get("imports", [])
    ]

    assert "rego.v1" in imports


@pytest.mark.parametrize("name", POLICY_NAMES)
def test_policy_calls_no_builtin_spacelift_disables(name: str) -> None:
    assert disabled_builtin_calls(ast(f"{name}.rego")) == []


@pytest.mark.parametrize("name", POLICY_NAMES)
def test_policy_holds_no_tests(name: str) -> None:
    assert [rule for rule in rule_names(ast(f"{name}.rego")) if rule.startswith("test_")] == []


@pytest.mark.parametrize("name", POLICY_NAMES)
def test_no_rule_is_named_after_another_policy_types_decision(
    name: str, policies: Mapping[str, PolicyFile]
) -> None:
    # An approval policy's `warn`, say, would be silently ignored by Spacelift.
    policy = policies[name]
    other_types = set().union(*(DECISION_RULES[kind] for kind in PolicyType)) - set(
        DECISION_RULES[policy.type]
    )

    assert set(rule_names(ast(f"{name}.rego"))) & other_types == set()


@pytest.mark.parametrize("name", POLICY_NAMES)
def test_opa_documents_every_decision_rule_and_agrees_with_lab_policies(
    name: str,
    policies: Mapping[str, PolicyFile],
    opa_references: Mapping[str, Future[PolicyReference]],
) -> None:
    # The docs hold the rules the Rego tests reach: each definition of a decision rule must
    # be reached and annotated. policy_reference itself refuses a package annotation that
    # lab.policies reads differently from OPA.
    reference = opa_references[name].result()
    policy = policies[name]
    defined = Counter(
        rule for rule in rule_names(ast(f"{name}.rego")) if rule in DECISION_RULES[policy.type]
    )

    assert reference.policy == policy
    assert Counter(rule.name for rule in reference.rules) == defined
    assert all(rule.title and rule.description and rule.outcome for rule in reference.rules)


def test_default_node_cap_matches_the_lab_yaml_default(engines: Mapping[str, Engine]) -> None:
    default = engines["plan"].value("spacelift.default_max_nodes_per_cluster")

    assert default == DEFAULT_MAX_NODES_PER_CLUSTER


def test_importing_lab_policies_stays_light() -> None:
    # The management stack imports it during synth; YAML loads only when policies are read.
    heavy = ("yaml", "pydantic", "cdktn", "constructs", "opa_bindings")
    probe = f"import sys, lab.policies; print([m for m in {heavy!r} if m in sys.modules])"

    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)

    assert done.stdout == "[]\n"


def test_the_approval_policy_protects_the_kinds_the_app_never_autodeploys(
    engines: Mapping[str, Engine],
) -> None:
    """The construct refuses autodeploy on exactly the kinds the approval policy holds for a
    reviewer: one list (lab/stack_labels.py), read here from the policy by OPA."""
    assert sorted(engines["approval"].value("spacelift.protected_labels")) == sorted(
        stack_labels.PROTECTED
    )
    assert set(stack_labels.KINDS) > stack_labels.PROTECTED
