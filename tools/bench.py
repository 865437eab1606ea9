#!/usr/bin/env python3
"""Benchmark the synth and the test suite against the floor and the targets (issue 21).

Usage::

    make bench                                   # or: .venv/bin/python tools/bench.py
    tools/bench.py [--runs N] [--quick] [--output FILE]

Every scenario runs as a subprocess (``main.py`` into a fresh ``--outdir`` in a temporary
directory, the floor, or the test suite), ``--runs`` times. The floor is a fresh process that
imports the toolkit and the aws provider's EKS module as it is published (every resource
module compiled; the lab's synth avoids most of that, see ``lab/lazy_exports.cjs``). Runs are
interleaved, one run of every scenario per round, so a change in the machine's load hits
every scenario alike; the tables report medians. It prints the report and writes it to
``docs/performance.md``.

What is measured, per run:

* wall time: from spawning the process to reaping it.
* peak tree RSS: the largest sum of the resident set sizes of the process and all its
  descendants (Python and jsii's node process), sampled from ``/proc`` every 20 ms.
  Pages shared between processes count once per process, so this is an upper bound of
  the memory in use; a peak shorter than the sampling interval can be missed.
* largest process: ``ru_maxrss`` from ``wait4``: exact, but the peak of the single
  largest process of the tree (the kernel keeps the maximum over the process and its
  reaped descendants, never a sum).

Linux only (``/proc``, ``wait4``).

Why not hyperfine, the usual tool for timing processes: it times wall and CPU but not the
memory of a process tree (jsii's node child holds most of it), it does not interleave several
scenarios in rounds, and it is not on PyPI (the ``hyperfine`` package there is unrelated), so
``make bench`` could not install it from the project's own files.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from types import TracebackType
from typing import Final

from lab import node
from lab.clouds import Cloud
from lab.contract import foundation_stack_id
from lab.definition import MANAGEMENT_STACK_ID, StackKind, load_definition

REPO: Final = Path(__file__).resolve().parent.parent
# The fixture lab of the tests, not the users' lab.yaml and experiments/: measurements stay
# comparable from one run to the next whatever experiments the lab holds today.
CONFIG: Final = REPO / "tests" / "fixtures" / "lab" / "lab.yaml"
EXPERIMENTS: Final = REPO / "tests" / "fixtures" / "lab" / "experiments"
DEFAULT_OUTPUT: Final = REPO / "docs" / "performance.md"
DEFAULT_RUNS: Final = 3
KEPT_MARKER: Final = (
    "<!-- BEGIN KEPT: earlier measurements; make bench carries this section over -->"
)
"""Where the hand-kept part of the report starts: the measurements of an earlier toolchain
that the new ones are compared with. A new report keeps it, word for word."""
EXPERIMENT_COUNTS: Final = (1, 10, 50)
SAMPLE_INTERVAL_S: Final = 0.02
PAGE_SIZE: Final = os.sysconf("SC_PAGE_SIZE")
OUTPUT_TAIL_LINES: Final = 20
TEST_COMMAND: Final = ("-m", "pytest", "-q", "-p", "no:cacheprovider")

# The targets of issue 21, on a 2-core machine.
MAX_FULL_TO_FLOOR_RATIO: Final = 1.3
"""Full synth on the default path, as a multiple of the floor's wall time."""
MAX_MANAGEMENT_S: Final = 2.0
MAX_PER_EXPERIMENT_STACK_S: Final = 0.050
MAX_TEST_SUITE_S: Final = 60.0
LAZY_EXPORTS_OFF: Final = {node.LAZY_EXPORTS_ENV_VAR: "0"}
FLOOR_CODE: Final = (
    "import atexit, os, cdktn, cdktn_provider_aws.eks_cluster; "
    # The app's prompt exit (lab/cli.py): atexit handlers stop jsii's node, no teardown.
    "atexit._run_exitfuncs(); os._exit(0)"
)
"""A fresh process importing the toolkit and the aws EKS module, ending as the app ends."""


class BenchError(Exception):
    """What stops the benchmark: a failed synth (its timings would mean nothing), a bad tree."""


# --- Scenarios ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    args: tuple[str, ...]
    """Arguments to the Python interpreter."""
    env: Mapping[str, str] = field(default_factory=dict)
    """Set on top of the benchmark's base environment."""
    synth: bool = True
    """A ``main.py`` run: gets a fresh ``--outdir`` on every run."""
    must_succeed: bool = True
    """A failed synth makes its timings meaningless. A test suite with failing tests
    (other people's work in progress) still costs what it costs: noted, not fatal."""
    experiment_stacks: int | None = None
    """For the generated-experiments scenarios: how many experiment stacks the app has."""

    def argv(self, scratch: Path) -> list[str]:
        outdir = ["--outdir", str(scratch / "cdktf.out")] if self.synth else []
        return [sys.executable, *self.args, *outdir]


def synth_args(*extra: str, experiments: Path = EXPERIMENTS) -> tuple[str, ...]:
    return (
        str(REPO / "main.py"),
        "--config",
        str(CONFIG),
        "--experiments",
        str(experiments),
        *extra,
    )


def default_scenarios(
    generated: Mapping[int, Path], argocd_config: Path | None = None
) -> list[Scenario]:
    """Every scenario of the issue; ``generated`` maps experiment counts to their trees, and
    ``argocd_config`` is the fixture's lab.yaml with an ``argocd:`` section (what the
    kubernetes provider costs when the lab hands its clusters to ArgoCD)."""
    definition = load_definition(CONFIG, EXPERIMENTS)
    experiment = next((s.id for s in definition.stacks if s.kind is StackKind.EXPERIMENT), None)
    if experiment is None:
        raise BenchError(f"{EXPERIMENTS}/ defines no experiment stack to synthesize alone")
    foundation = foundation_stack_id(Cloud.AWS)  # the larger of the two foundations
    scenarios = [
        Scenario(
            "floor",
            "Floor: `import cdktn, cdktn_provider_aws.eks_cluster` in a fresh process",
            ("-c", FLOOR_CODE),
            env=LAZY_EXPORTS_OFF,
            synth=False,
        ),
        Scenario(
            "floor-lazy",
            "The floor's import with lazy provider exports (`lab/lazy_exports.cjs`)",
            ("-c", FLOOR_CODE),
            synth=False,
        ),
        Scenario("full", "Full synth, default path (aws stacks in a worker process)", synth_args()),
        Scenario(
            "full-eager",
            "Full synth, every provider module compiled up front (`LAB_LAZY_EXPORTS=0`)",
            synth_args(),
            env=LAZY_EXPORTS_OFF,
        ),
        Scenario(
            "one-process",
            "Full synth in one process, without the worker (`LAB_SYNTH_PARALLEL=0`)",
            synth_args(),
            env={"LAB_SYNTH_PARALLEL": "0"},
        ),
        Scenario(
            "management",
            f"Per-stack synth: `{MANAGEMENT_STACK_ID}`",
            synth_args("--stack", MANAGEMENT_STACK_ID),
        ),
        Scenario(
            "foundation",
            f"Per-stack synth: `{foundation}`",
            synth_args("--stack", foundation),
        ),
        Scenario(
            "experiment", f"Per-stack synth: `{experiment}`", synth_args("--stack", experiment)
        ),
    ]
    if argocd_config is not None:
        scenarios.append(
            Scenario(
                "argocd",
                "Full synth, with `argocd:` in lab.yaml (loads the kubernetes provider)",
                (
                    str(REPO / "main.py"),
                    "--config",
                    str(argocd_config),
                    "--experiments",
                    str(EXPERIMENTS),
                ),
            )
        )
    for count, tree in generated.items():
        scenarios.append(
            Scenario(
                f"experiments-{count}",
                f"Full synth, {count} generated experiment{'s' if count > 1 else ''}",
                synth_args(experiments=tree),
                experiment_stacks=count_experiment_stacks(tree),
            )
        )
    scenarios.append(
        Scenario(
            "tests",
            "Warm test suite (`pytest -q`)",
            TEST_COMMAND,
            synth=False,
            must_succeed=False,
        )
    )
    return scenarios


def write_experiments(root: Path, count: int) -> Path:
    """A tree of ``count`` one-cluster experiments, alternating Azure and AWS.

    Names are lowercase DNS labels, and ``<experiment>-<cluster>`` ("bench-007-target")
    stays well inside the 40-character limit.
    """
    clouds = tuple(Cloud)
    for index in range(count):
        cluster_dir = root / f"bench-{index:03d}" / "target"
        cluster_dir.mkdir(parents=True)
        cloud = clouds[index % len(clouds)]
        (cluster_dir / "cluster.yaml").write_text(f"size: small\nprovider: {cloud.value}\n")
    return root


def count_experiment_stacks(experiments: Path) -> int:
    """Validates the tree as the synth will, so a bad tree fails before any timing."""
    definition = load_definition(CONFIG, experiments)
    return sum(1 for s in definition.stacks if s.kind is StackKind.EXPERIMENT)


# --- Measuring one run -------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    wall_s: float
    tree_rss: int
    """Bytes: the sampled peak of the summed RSS of the process tree."""
    max_process_rss: int
    """Bytes: ru_maxrss, the peak of the largest single process of the tree."""
    exit_code: int = 0


class TreeSampler:
    """Polls the summed RSS of a process and its descendants in a background thread."""

    def __init__(self, root_pid: int, interval_s: float = SAMPLE_INTERVAL_S) -> None:
        self.root_pid = root_pid
        self.interval_s = interval_s
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, name="rss-sampler", daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        while True:
            total = sum(rss_bytes(pid) for pid in process_tree(self.root_pid))
            self.peak = max(self.peak, total)
            if self._stop.wait(self.interval_s):
                return


def process_tree(root_pid: int) -> list[int]:
    """``root_pid`` and its descendants (a process that just exited is simply missing)."""
    pids = [root_pid]
    for pid in pids:  # grows while iterating: a breadth-first walk
        pids.extend(child_pids(pid))
    return pids


def child_pids(pid: int) -> list[int]:
    # The kernel lists children per thread (the thread that forked them).
    children: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            children.extend(int(c) for c in (task / "children").read_text().split())
    except OSError:
        pass
    return children


def rss_bytes(pid: int) -> int:
    try:
        resident_pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0
    return resident_pages * PAGE_SIZE


def measure(scenario: Scenario, env: Mapping[str, str]) -> Sample:
    """Run ``scenario`` once; raise :class:`BenchError` when it fails."""
    with tempfile.TemporaryDirectory(prefix="lab-bench-") as tmp:
        scratch = Path(tmp)
        argv = scenario.argv(scratch)
        log = scratch / "output.log"
        with log.open("wb") as output:
            started = time.perf_counter()
            process = subprocess.Popen(
                argv,
                cwd=REPO,
                env={**env, **scenario.env},
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
            with TreeSampler(process.pid) as sampler:
                # wait4 rather than Popen.wait: it also returns the child's resource usage.
                _, status, usage = os.wait4(process.pid, 0)
                wall_s = time.perf_counter() - started
            process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0 and scenario.must_succeed:
            tail = log.read_text(errors="replace").splitlines()[-OUTPUT_TAIL_LINES:]
            raise BenchError(
                f"{scenario.label} exited with {process.returncode}: {' '.join(argv)}\n"
                + "\n".join(tail)
            )
    # ru_maxrss is in KiB.
    return Sample(wall_s, sampler.peak, usage.ru_maxrss * 1024, process.returncode)


def base_environment() -> dict[str, str]:
    """The caller's environment, minus what would change which path is measured. Its
    NODE_OPTIONS loads the lazy-exports hook (importing :mod:`lab` here added it), which the
    floor turns off with ``LAB_LAZY_EXPORTS=0``."""
    env = {k: v for k, v in os.environ.items() if k not in SWITCHES}
    env["CHECKPOINT_DISABLE"] = "1"
    return env


SWITCHES: Final = frozenset(
    {"LAB_SYNTH_PARALLEL", node.LAZY_EXPORTS_ENV_VAR, node.LAZY_EXPORTS_REPORT_ENV_VAR}
)
"""The lab's variables that choose a path; a scenario sets the one it measures."""


# --- Summaries and targets ---------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    scenario: Scenario
    samples: tuple[Sample, ...]

    @property
    def failed_runs(self) -> int:
        return sum(1 for s in self.samples if s.exit_code != 0)

    @property
    def label(self) -> str:
        if not self.failed_runs:
            return self.scenario.label
        runs = len(self.samples)
        return f"{self.scenario.label} (failed in {self.failed_runs} of {runs} runs)"

    @property
    def wall_s(self) -> float:
        return statistics.median(s.wall_s for s in self.samples)

    @property
    def tree_rss(self) -> float:
        return statistics.median(s.tree_rss for s in self.samples)

    @property
    def max_process_rss(self) -> float:
        return statistics.median(s.max_process_rss for s in self.samples)


@dataclass(frozen=True)
class Marginal:
    """The cost of one more experiment stack: slopes of least-squares fits over medians."""

    wall_s: float
    tree_rss: float


@dataclass(frozen=True)
class TargetResult:
    target: str
    limit: str
    measured: str
    met: bool


def marginal_cost(summaries: Sequence[Summary]) -> Marginal:
    points = [s for s in summaries if s.scenario.experiment_stacks is not None]
    stacks = [float(s.scenario.experiment_stacks or 0) for s in points]
    return Marginal(
        wall_s=statistics.linear_regression(stacks, [s.wall_s for s in points]).slope,
        tree_rss=statistics.linear_regression(stacks, [s.tree_rss for s in points]).slope,
    )


@dataclass(frozen=True)
class Ratio:
    name: str
    value: float
    numerator_s: float
    denominator_s: float


def ratios(by_key: Mapping[str, Summary]) -> list[Ratio]:
    """The full synth against the floor and the floor's import with lazy exports, with and
    without the aws worker process, and with every provider module compiled up front."""
    floor, full = by_key["floor"].wall_s, by_key["full"].wall_s
    lazy_floor, eager = by_key["floor-lazy"].wall_s, by_key["full-eager"].wall_s
    one_process = by_key["one-process"].wall_s
    return [
        Ratio("Full synth (default path) / floor", full / floor, full, floor),
        Ratio(
            "Full synth (default path) / the floor's import with lazy exports",
            full / lazy_floor,
            full,
            lazy_floor,
        ),
        Ratio("Full synth in one process / floor", one_process / floor, one_process, floor),
        Ratio("Full synth (default path) / in one process", full / one_process, full, one_process),
        Ratio(
            "Full synth (default path) / every module compiled up front", full / eager, full, eager
        ),
    ]


def evaluate_targets(by_key: Mapping[str, Summary], marginal: Marginal) -> list[TargetResult]:
    full, floor = by_key["full"].wall_s, by_key["floor"].wall_s
    management, tests = by_key["management"].wall_s, by_key["tests"].wall_s
    suite_note = " (with failing tests)" if by_key["tests"].failed_runs else ""
    ratio = full / floor
    return [
        TargetResult(
            "Full synth, default path vs the floor",
            f"≤ {MAX_FULL_TO_FLOOR_RATIO:.2f}x floor",
            f"{ratio:.2f}x ({seconds(full)} vs {seconds(floor)})",
            ratio <= MAX_FULL_TO_FLOOR_RATIO,
        ),
        TargetResult(
            "Management stack alone",
            f"≤ {seconds(MAX_MANAGEMENT_S)}",
            seconds(management),
            management <= MAX_MANAGEMENT_S,
        ),
        TargetResult(
            "Each extra experiment stack",
            f"≤ {milliseconds(MAX_PER_EXPERIMENT_STACK_S)}",
            milliseconds(marginal.wall_s),
            marginal.wall_s <= MAX_PER_EXPERIMENT_STACK_S,
        ),
        TargetResult(
            "Warm test suite",
            f"≤ {seconds(MAX_TEST_SUITE_S)}",
            seconds(tests) + suite_note,
            tests <= MAX_TEST_SUITE_S,
        ),
    ]


# --- The machine -------------------------------------------------------------------------


def describe_machine() -> dict[str, str]:
    return {
        "CPU": f"{cpu_model()}, {os.cpu_count()} logical CPUs "
        f"({len(os.sched_getaffinity(0))} usable)",
        "RAM": f"{meminfo_kib('MemTotal') / 1024**2:.1f} GiB",
        "OS": f"{os_release()} (Linux {platform.release()})",
        "Python": f"{platform.python_version()} ({display_executable()})",
        "Node": command_output([os.environ.get("JSII_NODE", "node"), "--version"]),
        "Packages": ", ".join(
            f"{name} {version(name)}"
            for name in (
                "cdktn",
                "cdktn-provider-aws",
                "cdktn-provider-azurerm",
                "cdktn-provider-kubernetes",
            )
        ),
        "Commit": git_commit(),
    }


def display_executable() -> str:
    """The interpreter, relative to the repository when it is the project's .venv."""
    executable = Path(sys.executable)
    return str(executable.relative_to(REPO)) if executable.is_relative_to(REPO) else str(executable)


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name":
            return value.strip()
    return platform.processor() or "unknown"


def meminfo_kib(key: str) -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        name, _, value = line.partition(":")
        if name == key:
            return int(value.split()[0])
    raise BenchError(f"/proc/meminfo has no {key}")


def os_release() -> str:
    try:
        return platform.freedesktop_os_release().get("PRETTY_NAME", "Linux")
    except OSError:
        return "Linux"


def git_commit() -> str:
    commit = command_output(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    dirty = command_output(["git", "-C", str(REPO), "status", "--porcelain"])
    return f"{commit} (with uncommitted changes)" if dirty else commit


def with_kept_section(report: str, previous: str) -> str:
    """``report``, then the kept section of the ``previous`` report (from KEPT_MARKER on)."""
    if KEPT_MARKER not in previous:
        return report
    return f"{report.rstrip()}\n\n{previous[previous.index(KEPT_MARKER) :]}"


def command_output(argv: Sequence[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip()


def load_average() -> str:
    return " / ".join(f"{load:.2f}" for load in os.getloadavg()) + " (1 / 5 / 15 min)"


# --- The report --------------------------------------------------------------------------


def seconds(value: float) -> str:
    return f"{value:.2f} s"


def milliseconds(value: float) -> str:
    return f"{value * 1000:.1f} ms"


def mebibytes(value: float) -> str:
    return f"{value / 1024**2:,.0f} MiB"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def render(
    *,
    machine: Mapping[str, str],
    summaries: Sequence[Summary],
    marginal: Marginal,
    targets: Sequence[TargetResult],
    runs: int,
    duration_s: float,
    ratio_rows: Sequence[Ratio] = (),
) -> str:
    results = [
        [
            s.label,
            seconds(s.wall_s),
            f"{seconds(min(x.wall_s for x in s.samples))} to "
            f"{seconds(max(x.wall_s for x in s.samples))}",
            mebibytes(s.tree_rss),
            mebibytes(s.max_process_rss),
        ]
        for s in summaries
    ]
    lines = [
        "# Performance",
        "",
        "Generated by `tools/bench.py`; do not edit by hand. Regenerate with `make bench`",
        f"(this run: {runs} run{'s' if runs > 1 else ''} per scenario, "
        f"{duration_s / 60:.1f} minutes).",
        "",
        "## Machine",
        "",
        *(f"- {key}: {value}" for key, value in machine.items()),
        "",
        "## Targets",
        "",
        *markdown_table(
            ["Target", "Limit", "Measured (median)", "Result"],
            [[t.target, t.limit, t.measured, "pass" if t.met else "MISS"] for t in targets],
        ),
        "",
        *(
            [
                "## Ratios",
                "",
                *markdown_table(
                    ["Ratio", "Value (medians)"],
                    [
                        [
                            r.name,
                            f"{r.value:.2f}x ({seconds(r.numerator_s)} / "
                            f"{seconds(r.denominator_s)})",
                        ]
                        for r in ratio_rows
                    ],
                ),
                "",
            ]
            if ratio_rows
            else []
        ),
        "## Results",
        "",
        *markdown_table(
            [
                "Scenario",
                "Wall time (median)",
                "Wall time (range)",
                "Peak tree RSS",
                "Largest process RSS",
            ],
            results,
        ),
        "",
        f"Marginal cost per experiment stack (least-squares slope over the medians of "
        f"{', '.join(str(n) for n in EXPERIMENT_COUNTS)} generated experiments, one stack "
        f"each): {milliseconds(marginal.wall_s)} of wall time, "
        f"{marginal.tree_rss / 1024**2:.1f} MiB of peak tree RSS.",
        "",
        "## Method",
        "",
        "- Each scenario is a subprocess: `main.py` synthesizing into a fresh `--outdir` in a",
        "  temporary directory, the floor, or `python -m pytest -q -p no:cacheprovider` after one",
        "  untimed warm-up run. Runs are interleaved (one run of every scenario per round); the",
        "  tables show medians.",
        "- Wall time: from spawning the process to reaping it, interpreter exit included.",
        "- Peak tree RSS: the largest sum of the resident set sizes of the process and all its",
        "  descendants (Python and jsii's node process), sampled from `/proc` every "
        f"{SAMPLE_INTERVAL_S * 1000:.0f} ms.",
        "  Shared pages count once per process, so it is an upper bound.",
        "- Largest process RSS: `ru_maxrss` from `wait4`, the exact peak of the largest single",
        "  process of the tree (not a sum).",
        "- The floor is a fresh process that imports `cdktn` and the aws provider's EKS module",
        "  (loading the aws jsii assembly into node) and ends with the app's prompt exit, on the",
        "  Node of `.venv`: what the import costs any app that builds an EKS stack as the",
        "  provider is published. The targets compare the full synth with it.",
        "- Most of that import is V8 compiling every resource module of the provider, which the",
        "  provider's index requires up front. The lab's synth has them required on first use",
        "  (`lab/lazy_exports.cjs`, in jsii's node through `NODE_OPTIONS`); the same import",
        "  that way is the second floor row, and `LAB_LAZY_EXPORTS=0` turns it off.",
        "- The full synth in one process (`LAB_SYNTH_PARALLEL=0`) shows what the aws worker",
        "  process saves by building the aws stacks beside the others on a second core.",
        "- Generated experiments have one small cluster each, alternating Azure and AWS.",
        "- Other work on the machine shows in the load averages above; compare runs made",
        "  under similar load.",
        "",
    ]
    return "\n".join(lines)


# --- Running it all ----------------------------------------------------------------------


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def generated_trees(counts: Sequence[int]) -> Iterator[dict[int, Path]]:
    with tempfile.TemporaryDirectory(prefix="lab-bench-experiments-") as tmp:
        yield {n: write_experiments(Path(tmp) / f"experiments-{n}", n) for n in counts}


ARGOCD_SECTION: Final = """
argocd:
  repo_url: https://github.com/example/illm-k8s-lab.git
  aws_role_arn: arn:aws:iam::111122223333:role/argocd-hub
  azure_principal_id: 11111111-2222-3333-4444-555555555555
  azure_client_id: 66666666-7777-8888-9999-000000000000
  hub_egress_cidrs: [198.51.100.16/28]
"""


@contextmanager
def argocd_lab_config() -> Iterator[Path]:
    """The fixture lab's lab.yaml with an ``argocd:`` section."""
    with tempfile.TemporaryDirectory(prefix="lab-bench-argocd-") as tmp:
        path = Path(tmp) / "lab.yaml"
        path.write_text(CONFIG.read_text() + ARGOCD_SECTION, encoding="utf-8")
        load_definition(path, EXPERIMENTS)  # a bad section fails before any timing
        yield path


def run_rounds(scenarios: Sequence[Scenario], runs: int, env: Mapping[str, str]) -> list[Summary]:
    samples: dict[str, list[Sample]] = {s.key: [] for s in scenarios}
    for round_number in range(1, runs + 1):
        for scenario in scenarios:
            sample = measure(scenario, env)
            samples[scenario.key].append(sample)
            failed = f", exit code {sample.exit_code}" if sample.exit_code else ""
            progress(
                f"[{round_number}/{runs}] {scenario.label}: {seconds(sample.wall_s)}, "
                f"{mebibytes(sample.tree_rss)}{failed}"
            )
    return [Summary(s, tuple(samples[s.key])) for s in scenarios]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--runs",
        type=int,
        default=DEFAULT_RUNS,
        help=f"runs per scenario; medians are reported (default: {DEFAULT_RUNS})",
    )
    parser.add_argument(
        "--quick", action="store_true", help="one run per scenario: a smoke test, not a benchmark"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="where to write the report (default: docs/performance.md)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.runs = 1
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists():
        progress("error: needs Linux with /proc/<pid>/task/<tid>/children")
        return 1
    started = time.perf_counter()
    machine = describe_machine()
    load_at_start = load_average()
    env = base_environment()
    try:
        with generated_trees(EXPERIMENT_COUNTS) as trees, argocd_lab_config() as with_argocd:
            scenarios = default_scenarios(trees, with_argocd)
            tests = next(s for s in scenarios if s.key == "tests")
            progress("warming up the test suite (untimed) ...")
            measure(tests, env)
            summaries = run_rounds(scenarios, args.runs, env)
    except BenchError as error:
        progress(f"error: {error}")
        return 1
    machine["Load average at start"] = load_at_start
    machine["Load average at end"] = load_average()
    machine["Date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    marginal = marginal_cost(summaries)
    keyed = {s.scenario.key: s for s in summaries}
    targets = evaluate_targets(keyed, marginal)
    report = render(
        ratio_rows=ratios(keyed),
        machine=machine,
        summaries=summaries,
        marginal=marginal,
        targets=targets,
        runs=args.runs,
        duration_s=time.perf_counter() - started,
    )
    print(report)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    previous = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
    args.output.write_text(with_kept_section(report, previous), encoding="utf-8")
    progress(f"wrote {args.output}")
    failed = failed_scenarios(summaries)
    for line in failed:
        progress(f"error: {line}")
    return 1 if failed else 0


def failed_scenarios(summaries: Sequence[Summary]) -> list[str]:
    """A line for each scenario with a failed run: its timings describe a failure, so the
    benchmark as a whole fails (after writing the report, which shows the failures too)."""
    return [
        f"scenario {summary.scenario.key!r} ({summary.scenario.label}) failed in "
        f"{summary.failed_runs} of {len(summary.samples)} runs"
        for summary in summaries
        if summary.failed_runs
    ]


if __name__ == "__main__":
    sys.exit(main())
