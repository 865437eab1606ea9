"""Start the synth worker before the CLI has read anything: ``main.py`` calls :func:`start`.

The worker (``python -m lab.worker --heavy``) synthesizes the stacks of clouds whose provider
takes seconds to load (``CloudUnit.heavy_provider``), and it spends most of its life loading
that provider. Started here, before the parent imports the CLI and reads the lab definition,
it begins about 0.3 s sooner than :mod:`lab.synth` could start it. :mod:`lab.synth` takes it
over when the synth wants exactly those stacks, and otherwise it is stopped; at exit it is
stopped whatever happened. This module imports nothing of the lab, so it costs nothing.
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
        or os.environ.get(PARALLEL_ENV_VAR, "1") == "0"
        or len(os.sched_getaffinity(0)) < 2
        or any(arg.split("=")[0] in _NOT_FOR_A_FULL_SYNTH for arg in argv)
    ):
        return
    folder = Path(tempfile.mkdtemp(prefix="lab-synth-worker-"))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            WORKER_MODULE,
            "--heavy",
            "--outdir",
            str(folder / "out"),
            *_passed_on(argv),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, PARALLEL_ENV_VAR: "0"},
    )
    _started.append(Worker(process, folder))
    atexit.register(_stop_unclaimed)


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
