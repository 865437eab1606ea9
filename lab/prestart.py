"""Start the synth worker before the CLI has read anything: ``main.py`` calls :func:`start`.

The worker (``python -m lab.worker --heavy``) synthesizes the stacks of clouds whose provider
is the costliest to load and build with (``CloudUnit.heavy_provider``). Started here, before
the parent imports the CLI and reads the lab definition, it begins about 0.3 s sooner than
:mod:`lab.synth` could start it. :mod:`lab.synth` takes it over when the synth wants exactly
those stacks, and otherwise it is stopped; at exit it is stopped whatever happened. This
module imports nothing of the lab, so it costs nothing.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

PARALLEL_ENV_VAR: Final = "LAB_SYNTH_PARALLEL"
WORKER_MODULE: Final = "lab.worker"
_PASSED_ON: Final = ("--config", "--experiments")
"""The synth options the worker needs to read the same definition."""
_NOT_FOR_A_FULL_SYNTH: Final = ("--stack", "--exact", "--heavy", "--help", "-h")


@dataclass
class Worker:
    """A running worker and the folder it writes its stacks into (``<folder>/out``)."""

    process: subprocess.Popen[str]
    folder: Path

    @property
    def outdir(self) -> Path:
        return self.folder / "out"

    def stop(self) -> None:
        """Kill it if it still runs, and remove its folder."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.process.stderr is not None:
            self.process.stderr.close()
        shutil.rmtree(self.folder, ignore_errors=True)


_started: list[Worker] = []
"""The worker :func:`start` started and nobody has claimed yet (at most one)."""


def start(argv: list[str]) -> None:
    """Start the worker for a synth of every stack with these options, if one would help."""
    if (
        _started
        or not parallel_allowed()
        or any(arg.split("=")[0] in _NOT_FOR_A_FULL_SYNTH for arg in argv)
    ):
        return
    folder = Path(tempfile.mkdtemp(prefix="lab-synth-worker-"))
    _started.append(spawn(["--heavy", *_passed_on(argv)], folder))
    atexit.register(_stop_unclaimed)


def spawn(arguments: list[str], folder: Path) -> Worker:
    """A worker running the synth command with ``arguments``, writing into ``folder/out``."""
    process = subprocess.Popen(
        [sys.executable, "-m", WORKER_MODULE, *arguments, "--outdir", str(folder / "out")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, PARALLEL_ENV_VAR: "0"},
    )
    return Worker(process, folder)


def parallel_allowed() -> bool:
    """Whether a second process may synthesize: ``LAB_SYNTH_PARALLEL`` is not ``0`` and this
    process may run on two CPUs."""
    return os.environ.get(PARALLEL_ENV_VAR, "1") != "0" and _usable_cpus() >= 2


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def claim() -> Worker | None:
    """The worker :func:`start` started, for the caller to use or stop; None if none."""
    return _started.pop() if _started else None


def _passed_on(argv: list[str]) -> list[str]:
    passed: list[str] = []
    for index, arg in enumerate(argv):
        name = arg.split("=")[0]
        if name in _PASSED_ON:
            passed += [arg] if "=" in arg else argv[index : index + 2]
    return passed


def _stop_unclaimed() -> None:
    if (worker := claim()) is not None:
        worker.stop()
