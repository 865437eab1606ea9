"""Fixtures: the loaded policies, one engine per policy (compiled alone, as in Spacelift),
and a function per policy that evaluates an input document to Spacelift's decision."""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Future

import pytest

from lab.commands.policy_docs import PolicyReference, policy_reference
from lab.policies import PolicyFile, load_policies
from tests.background import Background, selected
from tests.policies import POLICY_DIRECTORY
from tests.policies.decisions import Decision, Evaluate, decide
from tests.policies.engine import Engine, JsonValue

# Tracing a policy's whole Rego test suite takes seconds in OPA's native code, which
# releases the GIL: it runs beside the other tests (tests.background).
_background = Background("policy-traces", workers=2)


def _reference(policy: PolicyFile) -> PolicyReference:
    tests = (POLICY_DIRECTORY / f"{policy.name}_test.rego").read_text(encoding="utf-8")
    return policy_reference(policy, tests)


def _references() -> dict[str, Future[PolicyReference]]:
    return {
        policy.name: _background.submit(policy.name, _reference, policy)
        for policy in load_policies(POLICY_DIRECTORY)
    }


def pytest_collection_finish(session: pytest.Session) -> None:
    if selected(session, "opa_references"):
        _references()


def pytest_sessionfinish(session: pytest.Session) -> None:
    _background.close()


@pytest.fixture(scope="session")
def opa_references() -> Mapping[str, Future[PolicyReference]]:
    """Each policy's reference as ``lab docs`` reads it from OPA, by name."""
    return _references()


@pytest.fixture(scope="session")
def policies() -> Mapping[str, PolicyFile]:
    """Every policy in ``policies/``, by name."""
    return {policy.name: policy for policy in load_policies(POLICY_DIRECTORY)}


@pytest.fixture(scope="session")
def engines(policies: Mapping[str, PolicyFile]) -> Mapping[str, Engine]:
    """Each policy compiled alone (no tests, no other policy), by name."""
    return {name: Engine({policy.path.name: policy.body}) for name, policy in policies.items()}


def _evaluator(
    name: str, policies: Mapping[str, PolicyFile], engines: Mapping[str, Engine]
) -> Evaluate:
    def evaluate(document: JsonValue) -> Decision:
        return decide(engines[name], policies[name], document)

    return evaluate


@pytest.fixture(scope="session")
def approval_policy(policies: Mapping[str, PolicyFile], engines: Mapping[str, Engine]) -> Evaluate:
    """The approval policy's decision for an input document."""
    return _evaluator("approval", policies, engines)


@pytest.fixture(scope="session")
def plan_policy(policies: Mapping[str, PolicyFile], engines: Mapping[str, Engine]) -> Evaluate:
    """The plan policy's decision for an input document."""
    return _evaluator("plan", policies, engines)


@pytest.fixture(scope="session")
def push_policy(policies: Mapping[str, PolicyFile], engines: Mapping[str, Engine]) -> Evaluate:
    """The push policy's decision for an input document."""
    return _evaluator("push", policies, engines)
