"""The multi-cloud Kubernetes lab as a CDK for Terraform app.

Importing :mod:`lab` points jsii at the Node of ``.venv``, has that node compile a provider's
resource modules only when the app first uses one (see :mod:`lab.node`), and does nothing
else, so every entry point (``main.py``, ``python -m lab``, the tests, the CLI's app command)
runs jsii that way. (CDK Terrain's Python provider packages already import their resource
modules lazily, so the app imports ``from cdktn_provider_aws.vpc import Vpc`` plainly.)
"""

from lab import node

node.use_wheel_node()
node.use_lazy_exports()

__version__ = "0.1.0"
