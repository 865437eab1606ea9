"""Tests of the Spacelift policies in ``policies/`` (Rego, on the real OPA engine) and of
:mod:`lab.policies`."""

from tests.helpers import REPO

POLICY_DIRECTORY = REPO / "policies"
