"""``main.py`` exit codes, and complete output although it exits without a teardown."""

from __future__ import annotations

import json
import os
from pathlib import Path

from lab.definition import load_definition
from tests.helpers import REPO
from tests.speed.support import CONFIG, EXPERIMENTS, MainRun, run_main

EXIT_INVALID = 2


def assert_failed_cleanly(run: MainRun, code: int, stderr: str) -> None:
    assert run.returncode == code, run.stderr
    assert run.stderr == stderr
    assert not run.outdir.exists()  # all-or-nothing: nothing was written
    assert [p.name for p in run.outdir.parent.iterdir()] == []  # no scratch left behind


def test_synth_exits_0_with_every_stack_complete(whole_app: MainRun) -> None:
    stack_ids = sorted(s.id for s in load_definition(CONFIG, EXPERIMENTS).stacks)

    assert whole_app.returncode == 0, whole_app.stderr
    # stdout is a pipe: the summary line must survive the exit without teardown.
    assert whole_app.stdout.endswith(f": {', '.join(stack_ids)}\n")
    manifest = json.loads((whole_app.outdir / "manifest.json").read_text())
    assert sorted(manifest["stacks"]) == stack_ids
    for entry in manifest["stacks"].values():
        text = (whole_app.outdir / entry["synthesizedStackPath"]).read_text()
        assert json.loads(text)["resource"], entry["name"]
        assert text.endswith("}\n"), entry["name"]
    assert sorted(p.name for p in whole_app.outdir.parent.iterdir()) == [
        "cdktf.out",
        "report.json",  # the probe's atexit handler ran
    ]


def test_invalid_definition_exits_2(tmp_path: Path) -> None:
    cluster = tmp_path / "experiments" / "broken" / "target" / "cluster.yaml"
    cluster.parent.mkdir(parents=True)
    cluster.write_text("size: huge\nprovider: azure\n")
    outdir = tmp_path / "out" / "cdktf.out"
    outdir.parent.mkdir()

    run = run_main(outdir, experiments=tmp_path / "experiments")

    shown = os.path.relpath(cluster, REPO)  # main.py runs in the repository
    assert_failed_cleanly(
        run,
        EXIT_INVALID,
        "error: 1 problem in the lab definition:\n"
        f"  {shown}: size: input should be 'small', 'medium' or 'large' (got 'huge')\n"
        "nothing was written\n",
    )


def test_unknown_stack_exits_2_and_lists_the_stacks(tmp_path: Path) -> None:
    run = run_main(tmp_path / "cdktf.out", "--stack", "no-such-stack")

    stack_ids = ", ".join(s.id for s in load_definition(CONFIG, EXPERIMENTS).stacks)
    assert_failed_cleanly(
        run,
        EXIT_INVALID,
        f"error: unknown stack no-such-stack; the stacks are: {stack_ids}\n",
    )


def test_unknown_option_exits_2(tmp_path: Path) -> None:
    run = run_main(tmp_path / "cdktf.out", "--no-such-option")

    assert_failed_cleanly(
        run,
        EXIT_INVALID,
        "Usage: main.py [OPTIONS]\nTry 'main.py --help' for help.\n\n"
        "Error: No such option '--no-such-option'.\n",
    )
