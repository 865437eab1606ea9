"""Fixtures for the `lab` command: a small lab in a temp dir, a CLI runner, a git repo."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lab.cli import main
from tests.helpers import FIXTURE_CONFIG, FIXTURE_EXPERIMENTS, dump_yaml, real_looking


@dataclass(frozen=True)
class Lab:
    """A lab definition on disk: ``lab.yaml`` and an experiments tree."""

    root: Path
    config: Path
    experiments: Path

    @property
    def options(self) -> list[str]:
        return ["--config", str(self.config), "--experiments", str(self.experiments)]

    def cluster(self, experiment: str, cluster: str, **keys: object) -> Path:
        path = self.experiments / experiment / cluster / "cluster.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump_yaml(keys))
        return path


def make_lab(root: Path, clusters: Mapping[tuple[str, str], Mapping[str, object]]) -> Lab:
    """The fixture lab.yaml, with real-looking values in place of its placeholders (so
    ``--strict`` passes), and exactly ``clusters`` ((experiment, cluster) -> keys)."""
    root.mkdir(parents=True, exist_ok=True)
    config = root / "lab.yaml"
    config.write_text(real_looking(FIXTURE_CONFIG.read_text()))
    experiments = root / "experiments"
    experiments.mkdir()
    lab = Lab(root, config, experiments)
    for (experiment, cluster), keys in clusters.items():
        lab.cluster(experiment, cluster, **keys)
    return lab


SMALL_LAB: dict[tuple[str, str], dict[str, object]] = {
    ("alpha", "target"): {"size": "medium", "provider": "azure"},
    ("beta", "loadgen"): {"size": "small", "provider": "aws"},
    ("beta", "target"): {"size": "small", "provider": "azure", "min_nodes": 2, "max_nodes": 4},
}
"""Three clusters, two experiments, both clouds: stacks exp-alpha-aks, exp-beta-aks and
exp-beta-eks besides spacelift-root and the foundations."""


@pytest.fixture
def small_lab(tmp_path: Path) -> Lab:
    return make_lab(tmp_path / "lab", SMALL_LAB)


@pytest.fixture
def shipped_lab(tmp_path: Path) -> Lab:
    """A copy of the repository's lab.yaml and experiments/."""
    root = tmp_path / "shipped"
    root.mkdir()
    shutil.copy(FIXTURE_CONFIG, root / "lab.yaml")
    shutil.copytree(FIXTURE_EXPERIMENTS, root / "experiments")
    return Lab(root, root / "lab.yaml", root / "experiments")


Invoke = Callable[..., Result]


@pytest.fixture
def invoke() -> Invoke:
    """Run ``lab ARGS`` in-process; stdout and stderr stay apart."""

    def run(*args: str, env: Mapping[str, str] | None = None) -> Result:
        return CliRunner(env=dict(env or {})).invoke(main, list(args), catch_exceptions=False)

    return run


# --- git ------------------------------------------------------------------------------


class GitRepo:
    """A throwaway git repository, committed to by the tests."""

    def __init__(self, root: Path, branch: str = "main") -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "--quiet", "--initial-branch", branch)

    def git(self, *args: str) -> str:
        done = subprocess.run(
            [
                "git",
                "-C",
                str(self.root),
                "-c",
                "user.name=Lab Test",
                "-c",
                "user.email=lab@example.test",
                "-c",
                "commit.gpgsign=false",
                *args,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    def commit(
        self,
        message: str,
        write: Mapping[str, str] | None = None,
        delete: Sequence[str] = (),
    ) -> str:
        """Write and delete paths (relative to the root), commit everything; return the id."""
        for path, text in (write or {}).items():
            target = self.root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        for path in delete:
            target = self.root / path
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink()
        self.git("add", "--all")
        self.git("commit", "--quiet", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")


def stack_json(stack_id: str, revision: int = 1) -> str:
    """A stand-in for a synthesized ``cdk.tf.json``: the tests never need real output."""
    return f'{{\n  "stack": "{stack_id}",\n  "revision": {revision}\n}}\n'


SMALL_LAB_STACKS = (
    "spacelift-root",
    "azure-foundation",
    "aws-foundation",
    "exp-alpha-aks",
    "exp-beta-aks",
    "exp-beta-eks",
)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """A repository on ``main`` holding the small lab and its (stand-in) output, committed."""
    repository = GitRepo(tmp_path / "repo")
    make_lab(repository.root, SMALL_LAB)
    files = {f"cdktf.out/stacks/{s}/cdk.tf.json": stack_json(s) for s in SMALL_LAB_STACKS}
    files["docs/README.md"] = "# Docs\n"
    repository.commit("the lab", files)
    return repository
