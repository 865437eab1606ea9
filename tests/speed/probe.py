"""Run ``main.py`` exactly as ``python main.py ARGS...`` would, and report what it loaded.

    python tests/speed/probe.py REPORT.json ARGS...

The report is written by an atexit handler registered before ``main.py`` runs, so it
runs last (atexit is last-in, first-out), after jsii has stopped its node process, and
only if the prompt exit still runs the atexit handlers. For each provider package it
records whether the process loaded its jsii assembly and how many of its submodules were
imported.
"""

from __future__ import annotations

import atexit
import json
import runpy
import sys
from pathlib import Path

# The main.py of the checkout the probe runs in (the repository, or a copy of it).
MAIN = Path.cwd() / "main.py"
PROVIDER_PACKAGES = ("cdktn_provider_aws", "cdktn_provider_azurerm", "cdktn_provider_kubernetes")


def write_report(path: Path) -> None:
    report = {
        package: {
            # Each package's _jsii module loads its assembly into node when imported.
            "assembly_loaded": f"{package}._jsii" in sys.modules,
            "submodules": sum(1 for name in sys.modules if name.startswith(f"{package}.")),
        }
        for package in PROVIDER_PACKAGES
    }
    path.write_text(json.dumps(report, indent=2), encoding="utf-8")


def main() -> None:
    report_path, *args = sys.argv[1:]
    atexit.register(write_report, Path(report_path))
    # What `python main.py ARGS` sees: its own path as argv[0] and its folder on sys.path.
    sys.argv = [str(MAIN), *args]
    sys.path[0] = str(MAIN.parent)
    runpy.run_path(str(MAIN), run_name="__main__")


if __name__ == "__main__":
    main()
