"""The synths the speed tests assert on, run once per session in subprocesses.

They cost about half a minute of CPU (each loads the provider assemblies into node), while
the rest of the suite keeps at most one of a 2-core machine's cores busy. So they start
in the background as soon as collection shows that a selected test needs them, run
alongside the other tests, and each speed test waits only for the run it asserts on.
"""

from __future__ import annotations

import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from lab import node
from tests.speed.support import AWS_STACK, MainRun, run_main, synth_one_stack_over


@dataclass(frozen=True)
class Synths:
    """The background synths of the session; ``.result()`` waits for one."""

    lazy_exports: Path
    """Where jsii's node reports the provider indexes it made lazy: ``app.tsv`` and
    ``eager.tsv`` (lab/lazy_exports.cjs)."""
    app: Future[MainRun]
    """The whole app, from the repository."""
    eager_app: Future[MainRun]
    """The whole app with ``LAB_LAZY_EXPORTS=0``: every provider module compiled up front."""
    copy: Future[MainRun]
    """The whole app from a copy of the sources in another, deeper directory (so it shows
    the output does not depend on where it runs)."""
    aws_stack: Future[MainRun]
    """``--stack aws-foundation`` alone, into an empty directory."""
    management_stack: Future[tuple[MainRun, dict[str, bytes]]]
    """``--stack spacelift-root`` over a tampered copy of ``app`` (and the tree before)."""


class BackgroundSynths:
    """Starts the synths once, in worker threads, and cleans up after them."""

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._workdir: tempfile.TemporaryDirectory[str] | None = None
        self._synths: Synths | None = None

    def start(self) -> Synths:
        if self._synths is not None:
            return self._synths
        self._workdir = tempfile.TemporaryDirectory(prefix="lab-speed-tests-")
        root = Path(self._workdir.name)
        for name in ("app", "eager", "copy", "aws", "one-stack", "lazy-exports"):
            (root / name).mkdir()
        self._pool = pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="synth")
        app = pool.submit(
            run_main,
            root / "app/cdktf.out",
            report=root / "app/report.json",
            env={node.LAZY_EXPORTS_REPORT_ENV_VAR: str(root / "lazy-exports/app.tsv")},
        )
        self._synths = Synths(
            lazy_exports=root / "lazy-exports",
            app=app,
            eager_app=pool.submit(
                run_main,
                root / "eager/cdktf.out",
                env={
                    node.LAZY_EXPORTS_ENV_VAR: "0",
                    node.LAZY_EXPORTS_REPORT_ENV_VAR: str(root / "lazy-exports/eager.tsv"),
                },
            ),
            copy=pool.submit(
                run_main,
                root / "copy/cdktf.out",
                report=root / "copy/report.json",
                checkout=root / "nested" / "deeper" / "checkout",
            ),
            aws_stack=pool.submit(
                run_main,
                root / "aws/cdktf.out",
                "--stack",
                AWS_STACK,
                report=root / "aws/report.json",
            ),
            management_stack=pool.submit(synth_one_stack_over, app, root / "one-stack"),
        )
        return self._synths

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        if self._workdir is not None:
            self._workdir.cleanup()


_background = BackgroundSynths()


def pytest_collection_finish(session: pytest.Session) -> None:
    if session.config.option.collectonly:
        return
    # fixturenames is the closure: it names `synths` for every test that waits on one.
    if any("synths" in getattr(item, "fixturenames", ()) for item in session.items):
        _background.start()


def pytest_sessionfinish(session: pytest.Session) -> None:
    _background.close()


@pytest.fixture(scope="session")
def synths() -> Synths:
    return _background.start()


@pytest.fixture(scope="session")
def whole_app(synths: Synths) -> MainRun:
    return synths.app.result()


@pytest.fixture(scope="session")
def lazy_exports_reports(synths: Synths) -> Path:
    return synths.lazy_exports


@pytest.fixture(scope="session")
def eager_app(synths: Synths) -> MainRun:
    return synths.eager_app.result()


@pytest.fixture(scope="session")
def copied_app(synths: Synths) -> MainRun:
    return synths.copy.result()


@pytest.fixture(scope="session")
def aws_stack(synths: Synths) -> MainRun:
    return synths.aws_stack.result()


@pytest.fixture(scope="session")
def management_stack(synths: Synths) -> tuple[MainRun, dict[str, bytes]]:
    return synths.management_stack.result()
