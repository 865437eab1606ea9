"""The multi-cloud Kubernetes lab as a CDK for Terraform app.

Importing :mod:`lab` points jsii at the Node of ``.venv`` (see :mod:`lab.node`) and does
nothing else, so every entry point (``main.py``, ``python -m lab``, the tests, the CLI's app
command) runs jsii on Node 24. (CDK Terrain's provider packages load their resource modules
lazily themselves, so the app imports ``from cdktn_provider_aws.vpc import Vpc`` plainly.)
"""

from lab import node

node.use_wheel_node()

__version__ = "0.1.0"
