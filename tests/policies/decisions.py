"""The decision Spacelift takes from the document a policy evaluates to."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lab.commands.policy_docs import DECISION_RULES
from lab.policies import PolicyFile
from lab.rules.policies import SPACELIFT_PACKAGE
from tests.policies.engine import UNDEFINED, Engine, JsonValue

Decision = dict[str, Any]
Evaluate = Callable[[JsonValue], Decision]
"""A policy bound to its engine: an input document in, the decision out."""

# The rules each type's decision is made of, valued as when none of their bodies holds.
_NOTHING_FIRED: dict[str, Decision] = {
    "APPROVAL": {"approve": False, "reject": False},
    "PLAN": {"deny": [], "warn": []},
    "GIT_PUSH": {"track": False, "propose": False, "ignore": False, "cancel": []},
}


def decide(engine: Engine, policy: PolicyFile, input: JsonValue) -> Decision:
    """What Spacelift reads from ``policy`` for ``input``: every decision rule it defines.

    Rules that did not fire take their empty value. Sets become sorted lists. Any other
    decision rule the policy returns (a ``flag``, a ``sample``...) is included too, so an
    exact comparison notices it.
    """
    document = engine.value(SPACELIFT_PACKAGE, input)
    if document is UNDEFINED:
        document = {}
    decision = dict(_NOTHING_FIRED[policy.type])
    for rule in DECISION_RULES[policy.type] & document.keys():
        value = document[rule]
        decision[rule] = sorted(value) if isinstance(value, list) else value
    return decision
