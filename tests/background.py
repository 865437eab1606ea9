"""Slow, independent work started once per session in worker threads.

Most of the suite keeps one of a 2-core machine's cores busy. Work that waits on
subprocesses or runs in native code that releases the GIL (the OPA engine) can run beside it:
a conftest starts it as soon as collection shows that a selected test needs it
(``pytest_collection_finish``), and each test waits only for the result it asserts on.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest


class Background:
    """Named jobs, each submitted once, with a scratch directory removed at the end."""

    def __init__(self, name: str, *, workers: int = 1) -> None:
        self._name = name
        self._workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        self._jobs: dict[str, Future[Any]] = {}

    @property
    def scratch(self) -> Path:
        if self._scratch is None:
            self._scratch = tempfile.TemporaryDirectory(prefix=f"lab-{self._name}-")
        return Path(self._scratch.name)

    def submit(self, key: str, job: Callable[..., Any], *args: Any) -> Future[Any]:
        """``job(*args)`` in a worker, unless ``key`` was submitted already."""
        if key not in self._jobs:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix=self._name)
            self._jobs[key] = self._pool.submit(job, *args)
        return self._jobs[key]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        if self._scratch is not None:
            self._scratch.cleanup()


def selected(session: pytest.Session, fixture: str) -> bool:
    """Whether a test of this session (not a ``--collect-only`` run) uses ``fixture``."""
    if session.config.option.collectonly:
        return False
    return any(fixture in getattr(item, "fixturenames", ()) for item in session.items)
