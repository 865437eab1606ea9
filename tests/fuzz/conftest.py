"""Hypothesis profiles of the input fuzzer (tests/fuzz/test_inputs.py).

``ci`` (the default, what ``make test`` runs): a bounded number of examples, derandomized
so every run of the suite tries the same cases. ``fuzz`` (``make fuzz``): many more random
examples, with failures kept in ``.hypothesis/`` to be replayed first next time.
``HYPOTHESIS_PROFILE`` chooses; ``FUZZ_EXAMPLES`` overrides the number for ``fuzz``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# The suite's autouse fixtures (the stopped clock) are function-scoped; they hold no state a
# case could leave behind, so one instance serves every example of a test.
_CHECKS = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile(
    "ci",
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,  # hangs are caught by the per-case alarm of test_inputs.py, not timing
    suppress_health_check=_CHECKS,
    print_blob=True,
)
settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "2000")),
    deadline=None,
    suppress_health_check=_CHECKS,
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
