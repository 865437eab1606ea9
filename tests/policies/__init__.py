"""Tests of the Spacelift policies in ``policies/`` (Rego, on the real OPA engine) and of
:mod:`lab.policies`."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
POLICY_DIRECTORY = REPO_ROOT / "policies"
