"""`lab expired` and `lab validate --base`: expiry that works without a worker pool.

An experiment that has just expired is a warning naming `lab expired --remove` (every other
pull request stays green); one a change brings in already expired is refused.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from lab import clock
from lab.errors import display_path
from tests.cli.conftest import SMALL_LAB, GitRepo, Invoke, Lab, make_lab

TODAY = date(2026, 11, 30)


@pytest.fixture(autouse=True)
def on_today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(clock, "today_utc", lambda: TODAY)
    return TODAY


def expire(lab: Lab, experiment: str, day: str) -> None:
    for cluster in (lab.experiments / experiment).iterdir():
        path = cluster / "cluster.yaml"
        path.write_text(path.read_text() + f"expires: {day}\n")


def without_worker_pool(lab: Lab) -> None:
    data = yaml.safe_load(lab.config.read_text())
    del data["spacelift"]["worker_pool_id"]
    data["spacelift"]["drift_detection"]["enabled"] = False
    lab.config.write_text(yaml.safe_dump(data, sort_keys=False))


def test_nothing_expired(invoke: Invoke, small_lab: Lab) -> None:
    expire(small_lab, "beta", "2026-11-30")  # the day itself still runs
    result = invoke("expired", *small_lab.options)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "no experiment has expired (today is 2026-11-30, UTC)\n"


def test_lists_expired_experiments_and_exits_0(invoke: Invoke, small_lab: Lab) -> None:
    expire(small_lab, "beta", "2026-11-29")
    result = invoke("expired", *small_lab.options)
    assert result.exit_code == 0
    folder = display_path(small_lab.experiments / "beta")
    assert result.stdout.splitlines() == [
        f"expired: beta (expires 2026-11-29; {folder}/; stacks exp-beta-aks, exp-beta-eks)",
        "run `lab expired --remove`, then `make synth`, and commit",
    ]
    assert (small_lab.experiments / "beta").is_dir()  # listing deletes nothing


def test_remove_deletes_exactly_the_expired_folders(invoke: Invoke, tmp_path: Path) -> None:
    clusters = dict(SMALL_LAB)
    clusters[("gamma", "target")] = {"size": "small", "provider": "azure"}
    lab = make_lab(tmp_path / "lab", clusters)
    expire(lab, "beta", "2026-11-01")
    expire(lab, "gamma", "2026-11-29")
    (lab.experiments / "_template").mkdir()  # skipped folders stay too
    result = invoke("expired", "--remove", *lab.options)
    assert result.exit_code == 0
    assert [line.split(" (")[0] for line in result.stdout.splitlines()[:2]] == [
        "removed: beta",
        "removed: gamma",
    ]
    assert sorted(p.name for p in lab.experiments.iterdir()) == ["_template", "alpha"]
    assert (lab.experiments / "alpha" / "target" / "cluster.yaml").is_file()
    again = invoke("expired", *lab.options)
    assert again.stdout.startswith("no experiment has expired")


def test_json_names_mode_delivery_and_folders(invoke: Invoke, small_lab: Lab) -> None:
    expire(small_lab, "beta", "2026-11-29")
    document = json.loads(invoke("expired", "--json", *small_lab.options).stdout)
    assert document == {
        "format_version": 1,
        "today": "2026-11-30",
        "mode": "spacelift_schedule",  # the fixture lab has a worker pool
        "delivery": "pull_request",
        "branch": "main",
        "removed": False,
        "experiments": [
            {
                "name": "beta",
                "expires": "2026-11-29",
                "folder": display_path(small_lab.experiments / "beta"),
                "stacks": ["exp-beta-aks", "exp-beta-eks"],
            }
        ],
    }
    without_worker_pool(small_lab)
    small_lab.config.write_text(small_lab.config.read_text() + "expiry:\n  delivery: push\n")
    document = json.loads(invoke("expired", "--json", *small_lab.options).stdout)
    assert (document["mode"], document["delivery"]) == ("workflow", "push")


def test_an_unknown_delivery_is_refused(invoke: Invoke, small_lab: Lab) -> None:
    small_lab.config.write_text(small_lab.config.read_text() + "expiry:\n  delivery: email\n")
    result = invoke("expired", *small_lab.options)
    assert result.exit_code == 2
    assert "expiry.delivery" in result.stderr
    assert "'pull_request' or 'push'" in result.stderr


# --- the expired experiment in every other pull request ---------------------------------


def test_an_expired_experiment_warns_with_the_command_and_validates(
    invoke: Invoke, small_lab: Lab
) -> None:
    expire(small_lab, "beta", "2026-11-29")
    result = invoke("validate", *small_lab.options)
    assert result.exit_code == 0
    cluster = display_path(small_lab.experiments / "beta" / "loadgen" / "cluster.yaml")
    assert result.stderr == (
        f"warning: {cluster}: expires: 2026-11-29 has passed: experiment beta is due for "
        "deletion. Run `lab expired --remove` and `make synth`, and commit (the scheduled "
        "expire workflow does this for you); or move expires to a later date in every "
        "beta/*/cluster.yaml to keep it\n"
    )
    # --strict (the bootstrap's last step) fails, and the warning names the fix.
    assert invoke("validate", "--strict", *small_lab.options).exit_code == 1


@pytest.fixture
def repo(tmp_path: Path) -> tuple[GitRepo, Lab]:
    """A lab committed on main: alpha, and beta expiring on 2026-11-29."""
    git = GitRepo(tmp_path / "repo")
    lab = make_lab(tmp_path / "repo", SMALL_LAB)
    expire(lab, "beta", "2026-11-29")
    git.commit("the lab")
    return git, lab


def test_already_on_main_with_its_date_is_only_a_warning(
    invoke: Invoke, repo: tuple[GitRepo, Lab]
) -> None:
    git, lab = repo
    git.git("switch", "--quiet", "-c", "feature")
    git.commit("unrelated", write={"notes.md": "a change of someone else's\n"})
    result = invoke("validate", "--base", "main", *lab.options)
    assert result.exit_code == 0
    assert result.stderr.startswith("warning: ")
    assert "`lab expired --remove`" in result.stderr


def test_a_new_experiment_already_expired_is_refused(
    invoke: Invoke, repo: tuple[GitRepo, Lab]
) -> None:
    git, lab = repo
    git.git("switch", "--quiet", "-c", "feature")
    path = lab.cluster("gamma", "target", size="small", provider="azure", expires="2026-11-20")
    git.commit("gamma")
    result = invoke("validate", "--base", "main", *lab.options)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[-2] == "error: 1 problem in the lab definition:"
    assert lines[-1] == (
        f"  {display_path(path)}: expires: 2026-11-20 has passed, and this change brings it in "
        "(at main the file was absent): a new experiment would be created only to be "
        "deleted; give today or a later date"
    )
    # The environment variable CI sets does the same.
    by_env = invoke("validate", *lab.options, env={"LAB_BASE_REF": "main"})
    assert by_env.exit_code == 2


def test_moving_an_experiments_date_into_the_past_is_refused(
    invoke: Invoke, repo: tuple[GitRepo, Lab]
) -> None:
    git, lab = repo
    git.git("switch", "--quiet", "-c", "feature")
    for cluster in (lab.experiments / "beta").iterdir():
        path = cluster / "cluster.yaml"
        path.write_text(path.read_text().replace("2026-11-29", "2026-11-28"))
    result = invoke("validate", "--base", "main", *lab.options)
    assert result.exit_code == 2
    assert "(at main the file was expires 2026-11-29)" in result.stderr


def test_a_quoted_date_on_main_is_the_same_date(invoke: Invoke, tmp_path: Path) -> None:
    """`expires: "2026-11-29"` and `expires: 2026-11-29` are one date to the lab: quoting it on
    main does not make the unchanged experiment look new."""
    git = GitRepo(tmp_path / "repo")
    lab = make_lab(tmp_path / "repo", SMALL_LAB)
    expire(lab, "beta", "2026-11-29")
    for cluster in (lab.experiments / "beta").iterdir():
        path = cluster / "cluster.yaml"
        path.write_text(path.read_text().replace("2026-11-29", '"2026-11-29"'))
    git.commit("the lab, with a quoted date")
    git.git("switch", "--quiet", "-c", "feature")
    result = invoke("validate", "--base", "main", *lab.options)
    assert result.exit_code == 0
    assert result.stderr.startswith("warning: ")


def test_an_unknown_base_is_an_error_naming_it(invoke: Invoke, repo: tuple[GitRepo, Lab]) -> None:
    _, lab = repo
    result = invoke("validate", "--base", "no-such-branch", *lab.options)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "error: --base no-such-branch: no commit 'no-such-branch' in this repository (a CI "
        "checkout needs the base fetched: actions/checkout with fetch-depth: 0)"
    )


def test_removing_the_folder_fixes_the_warning(invoke: Invoke, repo: tuple[GitRepo, Lab]) -> None:
    git, lab = repo
    assert invoke("expired", "--remove", *lab.options).exit_code == 0
    git.commit("expire beta")
    result = invoke("validate", "--strict", "--base", "main~1", *lab.options)
    assert (result.exit_code, result.stderr) == (0, "")
