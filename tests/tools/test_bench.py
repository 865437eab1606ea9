"""Unit tests of the benchmark's arithmetic, targets, report and helpers.

The benchmark itself (minutes of synths) is never run here: summaries are built from
hand-made samples with exact values.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lab import node
from tools.bench import (
    DEFAULT_OUTPUT,
    KEPT_MARKER,
    Marginal,
    Ratio,
    Sample,
    Scenario,
    Summary,
    TargetResult,
    argocd_lab_config,
    base_environment,
    count_experiment_stacks,
    default_scenarios,
    evaluate_targets,
    failed_scenarios,
    marginal_cost,
    process_tree,
    ratios,
    render,
    rss_bytes,
    with_kept_section,
    write_experiments,
)

MIB = 1024**2


def summary(
    key: str,
    *walls: float,
    tree_rss: int = 0,
    exit_codes: tuple[int, ...] = (),
    stacks: int | None = None,
) -> Summary:
    """A summary of one sample per wall time; ``exit_codes`` are the first samples' codes."""
    codes = exit_codes + (0,) * (len(walls) - len(exit_codes))
    samples = tuple(
        Sample(wall, tree_rss, tree_rss // 2, code) for wall, code in zip(walls, codes, strict=True)
    )
    scenario = Scenario(key, f"Scenario {key}", (), experiment_stacks=stacks)
    return Summary(scenario, samples)


def by_key(*summaries: Summary) -> dict[str, Summary]:
    return {s.scenario.key: s for s in summaries}


# --- summaries ----------------------------------------------------------------------------


def test_a_summary_reports_medians_not_means() -> None:
    result = Summary(
        Scenario("full", "Full synth", ()),
        (
            Sample(1.0, 10 * MIB, 4 * MIB),
            Sample(9.0, 90 * MIB, 8 * MIB),
            Sample(2.0, 20 * MIB, 6 * MIB),
        ),
    )

    assert (result.wall_s, result.tree_rss, result.max_process_rss) == (2.0, 20 * MIB, 6 * MIB)
    assert (result.label, result.failed_runs) == ("Full synth", 0)


def test_a_summary_with_failed_runs_says_so_in_its_label() -> None:
    result = summary("tests", 1.0, 2.0, 3.0, exit_codes=(0, 1, 2))

    assert result.failed_runs == 2
    assert result.label == "Scenario tests (failed in 2 of 3 runs)"


def test_failed_scenarios_are_named_and_passing_ones_are_not() -> None:
    summaries = [
        summary("full", 1.0, 2.0),
        summary("tests", 1.0, 2.0, 3.0, exit_codes=(0, 1)),
    ]
    assert failed_scenarios(summaries) == [
        "scenario 'tests' (Scenario tests) failed in 1 of 3 runs"
    ]
    assert failed_scenarios([summary("full", 1.0)]) == []


# --- marginal cost and targets ------------------------------------------------------------


def test_the_marginal_cost_is_the_slope_over_the_generated_experiments_only() -> None:
    summaries = [
        summary("full", 99.0, tree_rss=900 * MIB),
        # wall = 1 s + 0.25 s per stack; tree RSS = 98 MiB + 2 MiB per stack
        summary("experiments-1", 0.5, 1.25, 7.0, tree_rss=100 * MIB, stacks=1),
        summary("experiments-10", 3.5, tree_rss=118 * MIB, stacks=10),
        summary("experiments-50", 13.5, tree_rss=198 * MIB, stacks=50),
    ]

    assert marginal_cost(summaries) == Marginal(wall_s=0.25, tree_rss=2 * MIB)


def test_values_at_the_limits_meet_the_targets() -> None:
    summaries = by_key(
        summary("full", 13.0),
        summary("floor", 10.0),
        summary("management", 2.0),
        summary("tests", 60.0),
    )

    assert evaluate_targets(summaries, Marginal(wall_s=0.050, tree_rss=0.0)) == [
        TargetResult(
            "Full synth, default path vs the floor",
            "≤ 1.30x floor",
            "1.30x (13.00 s vs 10.00 s)",
            met=True,
        ),
        TargetResult("Management stack alone", "≤ 2.00 s", "2.00 s", met=True),
        TargetResult("Each extra experiment stack", "≤ 50.0 ms", "50.0 ms", met=True),
        TargetResult("Warm test suite", "≤ 60.00 s", "60.00 s", met=True),
    ]


def test_values_over_the_limits_miss_and_failing_tests_are_noted() -> None:
    summaries = by_key(
        summary("full", 13.1),
        summary("floor", 10.0),
        summary("management", 2.01),
        summary("tests", 60.5, exit_codes=(1,)),
    )

    results = evaluate_targets(summaries, Marginal(wall_s=0.0501, tree_rss=0.0))

    assert [(r.measured, r.met) for r in results] == [
        ("1.31x (13.10 s vs 10.00 s)", False),
        ("2.01 s", False),
        ("50.1 ms", False),
        ("60.50 s (with failing tests)", False),
    ]


def test_the_ratios_compare_the_full_synth_with_both_floors_the_worker_and_eager_modules() -> None:
    summaries = by_key(
        summary("floor", 4.0),
        summary("floor-lazy", 1.0),
        summary("full", 5.0),
        summary("full-eager", 8.0),
        summary("one-process", 6.0),
    )

    assert ratios(summaries) == [
        Ratio("Full synth (default path) / floor", 1.25, 5.0, 4.0),
        Ratio("Full synth (default path) / the floor's import with lazy exports", 5.0, 5.0, 1.0),
        Ratio("Full synth in one process / floor", 1.5, 6.0, 4.0),
        Ratio("Full synth (default path) / in one process", 5.0 / 6.0, 5.0, 6.0),
        Ratio("Full synth (default path) / every module compiled up front", 0.625, 5.0, 8.0),
    ]


def test_the_base_environment_drops_the_lab_s_switches_and_the_floor_turns_the_hook_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each scenario chooses its path itself: a switch set by the caller reaches none of them,
    and the floor imports the provider as published although NODE_OPTIONS loads the hook."""
    for switch in ("LAB_SYNTH_PARALLEL", "LAB_LAZY_EXPORTS", "LAB_LAZY_EXPORTS_REPORT"):
        monkeypatch.setenv(switch, "1")

    env = base_environment()

    assert not {"LAB_SYNTH_PARALLEL", "LAB_LAZY_EXPORTS", "LAB_LAZY_EXPORTS_REPORT"} & env.keys()
    assert node.lazy_exports_option() in env["NODE_OPTIONS"]  # this process imported lab
    scenarios = {s.key: s for s in default_scenarios({})}
    assert scenarios["floor"].env == {"LAB_LAZY_EXPORTS": "0"}
    assert scenarios["full-eager"].env == {"LAB_LAZY_EXPORTS": "0"}
    assert scenarios["floor-lazy"].env == {}
    assert scenarios["floor"].args == scenarios["floor-lazy"].args


# --- the report ---------------------------------------------------------------------------


def test_the_report_shows_the_machine_targets_results_and_marginal_cost() -> None:
    full = Summary(
        Scenario("full", "Full synth, default path", ()),
        (Sample(9.0, 0, 0), Sample(1.0, 1536 * MIB, 512 * MIB), Sample(2.0, 1536 * MIB, 512 * MIB)),
    )
    targets = [
        TargetResult("Management stack alone", "≤ 2.00 s", "1.50 s", met=True),
        TargetResult("Warm test suite", "≤ 60.00 s", "75.00 s", met=False),
    ]

    report = render(
        machine={"CPU": "Test CPU, 2 logical CPUs", "Commit": "abc1234"},
        summaries=[full],
        marginal=Marginal(wall_s=0.0125, tree_rss=2.5 * MIB),
        targets=targets,
        runs=3,
        duration_s=90.0,
        ratio_rows=[Ratio("Full synth (default path) / floor", 1.25, 5.0, 4.0)],
    )

    lines = report.splitlines()
    assert lines[:24] == [
        "# Performance",
        "",
        "Generated by `tools/bench.py`; do not edit by hand. Regenerate with `make bench`",
        "(this run: 3 runs per scenario, 1.5 minutes).",
        "",
        "## Machine",
        "",
        "- CPU: Test CPU, 2 logical CPUs",
        "- Commit: abc1234",
        "",
        "## Targets",
        "",
        "| Target | Limit | Measured (median) | Result |",
        "|---|---|---|---|",
        "| Management stack alone | ≤ 2.00 s | 1.50 s | pass |",
        "| Warm test suite | ≤ 60.00 s | 75.00 s | MISS |",
        "",
        "## Ratios",
        "",
        "| Ratio | Value (medians) |",
        "|---|---|",
        "| Full synth (default path) / floor | 1.25x (5.00 s / 4.00 s) |",
        "",
        "## Results",
    ]
    assert lines[24:28] == [
        "",
        "| Scenario | Wall time (median) | Wall time (range) | Peak tree RSS "
        "| Largest process RSS |",
        "|---|---|---|---|---|",
        "| Full synth, default path | 2.00 s | 1.00 s to 9.00 s | 1,536 MiB | 512 MiB |",
    ]
    assert (
        "Marginal cost per experiment stack (least-squares slope over the medians of 1, 10, 50 "
        "generated experiments, one stack each): 12.5 ms of wall time, 2.5 MiB of peak tree RSS."
    ) in lines
    assert report.endswith("under similar load.\n")


def test_a_single_run_is_not_plural() -> None:
    report = render(
        machine={},
        summaries=[],
        marginal=Marginal(0.0, 0.0),
        targets=[],
        runs=1,
        duration_s=30.0,
    )

    assert "(this run: 1 run per scenario, 0.5 minutes)." in report.splitlines()


# --- helpers that touch the system (cheaply) ----------------------------------------------


def test_generated_experiments_alternate_clouds_and_are_valid_stacks(tmp_path: Path) -> None:
    tree = write_experiments(tmp_path / "experiments", 3)

    assert [
        (path.relative_to(tree).as_posix(), path.read_text(encoding="utf-8"))
        for path in sorted(tree.rglob("*"))
        if path.is_file()
    ] == [
        ("bench-000/target/cluster.yaml", "size: small\nprovider: azure\n"),
        ("bench-001/target/cluster.yaml", "size: small\nprovider: aws\n"),
        ("bench-002/target/cluster.yaml", "size: small\nprovider: azure\n"),
    ]
    assert count_experiment_stacks(tree) == 3


@pytest.mark.skipif(
    not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
    reason="needs /proc/<pid>/task/<tid>/children, as the benchmark does",
)
def test_the_process_tree_includes_children_and_their_memory() -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    try:
        tree = process_tree(os.getpid())

        assert tree[0] == os.getpid()
        assert child.pid in tree
        assert rss_bytes(child.pid) > 0
    finally:
        child.communicate(b"", timeout=30)


def test_a_process_that_does_not_exist_has_no_memory_and_no_children() -> None:
    missing = int(Path("/proc/sys/kernel/pid_max").read_text(encoding="utf-8"))  # pids stay below

    assert rss_bytes(missing) == 0
    assert process_tree(missing) == [missing]


def test_a_new_report_keeps_the_earlier_measurements_and_nothing_else() -> None:
    previous = f"# Performance\n\nold tables\n\n{KEPT_MARKER}\n## Before\n| 5.72 s |\n"
    assert with_kept_section("# Performance\n\nnew tables\n", previous) == (
        f"# Performance\n\nnew tables\n\n{KEPT_MARKER}\n## Before\n| 5.72 s |\n"
    )
    assert with_kept_section("new\n", "# Performance\n\nold tables\n") == "new\n"


def test_the_committed_report_has_the_kept_section_make_bench_carries_over() -> None:
    """The marker is how make bench finds the earlier measurements: a report without it (or
    with a marker worded otherwise) loses them on the next run."""
    report = DEFAULT_OUTPUT.read_text(encoding="utf-8")
    assert report.count(KEPT_MARKER) == 1
    kept = report[report.index(KEPT_MARKER) :]
    assert "## Before: CDK for Terraform" in kept


def test_the_argocd_scenario_s_lab_yaml_is_valid() -> None:
    """The scenario adds an argocd: section to the fixture lab; argocd_lab_config loads it, so a
    rule the section no longer meets fails here rather than at the start of `make bench`."""
    with argocd_lab_config() as path:
        assert "hub_egress_cidrs" in path.read_text()
