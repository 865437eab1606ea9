"""Every ``test_*`` rule in ``policies/*_test.rego``, run on the real OPA engine.

One pytest item per Rego test, named ``<policy>::<test>``. A suite that does not
compile, has no tests, or lacks its policy or test file appears as a failing item
(see :mod:`tests.policies.rego_tests`), so nothing is skipped silently.
"""

from __future__ import annotations

import pytest

from tests.policies import POLICY_DIRECTORY
from tests.policies.rego_tests import RegoCase, collect

CASES = collect(POLICY_DIRECTORY)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_rego(case: RegoCase) -> None:
    result = case.run()

    assert result.passed, result.detail
