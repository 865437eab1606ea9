"""A valid lab (lab.yaml + experiments tree) in a temp dir, for tests to break one piece of."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import FIXTURE_CONFIG, FIXTURE_EXPERIMENTS, dump_yaml

ClusterWriter = Callable[..., Path]


@pytest.fixture
def lab_yaml() -> dict[str, Any]:
    """The shipped lab.yaml as data: mutate it, then write it with ``write_config``."""
    data: dict[str, Any] = yaml.safe_load((FIXTURE_CONFIG).read_text())
    return data


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[dict[str, Any]], Path]:
    def write(data: dict[str, Any]) -> Path:
        path = tmp_path / "lab.yaml"
        path.write_text(dump_yaml(data))
        return path

    return write


@pytest.fixture
def experiments_dir(tmp_path: Path) -> Path:
    """A copy of the shipped experiments/ tree."""
    target = tmp_path / "experiments"
    shutil.copytree(FIXTURE_EXPERIMENTS, target)
    return target


@pytest.fixture
def write_cluster(experiments_dir: Path) -> ClusterWriter:
    """Write ``experiments/<experiment>/<cluster>/cluster.yaml`` with raw text or a mapping."""

    def write(experiment: str, cluster: str, content: str | dict[str, Any]) -> Path:
        path = experiments_dir / experiment / cluster / "cluster.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else dump_yaml(content)
        path.write_text(text)
        return path

    return write
