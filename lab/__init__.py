"""The multi-cloud Kubernetes lab as a CDK for Terraform app.

Importing :mod:`lab` first installs the fast provider loading (see
:mod:`lab.provider_loading`), so every entry point (``main.py``, ``python -m lab``,
the tests) imports provider resource modules without the packages' huge ``__init__``.
"""

import os
import sys

from lab import provider_loading

# jsii prints a large banner on every run because Node 20 is past end of life;
# everything the app uses works on it.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
try:
    provider_loading.install()
except ValueError as error:  # a mistyped LAB_PROVIDER_IMPORT: say so, as the CLI would
    print(f"error: {error}", file=sys.stderr)
    raise SystemExit(2) from None

__version__ = "0.1.0"
