"""Run ``main.py`` exactly as ``python main.py ARGS...`` would, and report what it loaded.

    python tests/speed/probe.py REPORT.json ARGS...

The report is written by an atexit handler registered before ``main.py`` runs, so it
runs last (atexit is last-in, first-out), after jsii has stopped its node process, and
only if the prompt exit still runs the atexit handlers. For each provider package it
records whether the process loaded its jsii assembly, whether the package's own
``__init__`` ran, how many of its submodules were imported and how many it has.
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import pkgutil
import runpy
import sys
from pathlib import Path

# The main.py of the checkout the probe runs in (the repository, or a copy of it).
MAIN = Path.cwd() / "main.py"


def write_report(path: Path) -> None:
    from lab.provider_loading import PROVIDER_PACKAGES, loaded_providers

    loaded = loaded_providers()
    report = {
        package: {
            "assembly_loaded": package in loaded,
            # Only the package's real __init__ defines __all__ (the list of its ~2,000
            # resource modules); the lazy loader's stand-in module has no such attribute.
            "init_ran": hasattr(sys.modules.get(package), "__all__"),
            "submodules": sum(1 for name in sys.modules if name.startswith(f"{package}.")),
            "available": available_submodules(package),
        }
        for package in PROVIDER_PACKAGES
    }
    path.write_text(json.dumps(report, indent=2), encoding="utf-8")


def available_submodules(package: str) -> int:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.submodule_search_locations is None:
        return 0
    return sum(1 for _ in pkgutil.iter_modules(spec.submodule_search_locations))


def main() -> None:
    report_path, *args = sys.argv[1:]
    atexit.register(write_report, Path(report_path))
    # What `python main.py ARGS` sees: its own path as argv[0] and its folder on sys.path.
    sys.argv = [str(MAIN), *args]
    sys.path[0] = str(MAIN.parent)
    runpy.run_path(str(MAIN), run_name="__main__")


if __name__ == "__main__":
    main()
