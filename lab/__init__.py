"""The multi-cloud Kubernetes lab as a CDK for Terraform app.

Importing :mod:`lab` installs the fast provider loading (see :mod:`lab.provider_loading`)
and does nothing else, so every entry point (``main.py``, ``python -m lab``, the tests)
imports provider resource modules without the packages' huge ``__init__``.
"""

import os

from lab import provider_loading

# jsii prints a large banner on every run because Node 20 is past end of life;
# everything the app uses works on it.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
provider_loading.install()

__version__ = "0.1.0"
