"""The multi-cloud Kubernetes lab as a CDK for Terraform app.

Importing :mod:`lab` points jsii at the Node of ``.venv`` (see :mod:`lab.node`) and installs
the fast provider loading (see :mod:`lab.provider_loading`), and does nothing else, so every
entry point (``main.py``, ``python -m lab``, the tests, the CLI's app command) runs jsii on
Node 24 and imports provider resource modules without the packages' huge ``__init__``.
"""

from lab import node, provider_loading

node.use_wheel_node()
provider_loading.install()

__version__ = "0.1.0"
