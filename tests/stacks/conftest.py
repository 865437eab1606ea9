"""Whole-app synths shared by the stack tests (one synth per session per tree)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lab.definition import LabDefinition, load_definition
from lab.synth import synthesize
from tests.helpers import FIXTURE_CONFIG, FIXTURE_EXPERIMENTS

SynthTree = dict[str, dict[str, Any]]


def synth_tree(definition: LabDefinition, outdir: Path) -> SynthTree:
    """Synthesize in-process and return each stack's Terraform JSON by stack id."""
    result = synthesize(definition, outdir)
    return {
        stack_id: json.loads((outdir / "stacks" / stack_id / "cdk.tf.json").read_text())
        for stack_id in result.stack_ids
    }


@pytest.fixture(scope="session")
def shipped() -> LabDefinition:
    return load_definition(FIXTURE_CONFIG, FIXTURE_EXPERIMENTS)


@pytest.fixture(scope="session")
def shipped_outdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("shipped") / "cdktf.out"


@pytest.fixture(scope="session")
def shipped_synth(shipped: LabDefinition, shipped_outdir: Path) -> SynthTree:
    return synth_tree(shipped, shipped_outdir)


# Several experiments on both clouds, several clusters per experiment, every override.
MULTI_EXPERIMENT_TREE: dict[str, dict[str, str]] = {
    "alpha": {
        "api": "size: large\nprovider: azure\n",
        "db": "size: small\nprovider: azure\nnodes: 4\nvm_size: Standard_E4s_v5\n"
        "labels: {role: database}\n",
        "edge": "size: medium\nprovider: aws\nmin_nodes: 2\nmax_nodes: 6\n",
    },
    "beta": {
        "load": "size: small\nprovider: aws\nvm_size: c6i.large\nnodes: 3\nlabels: {role: load}\n",
        "arm": "size: medium\nprovider: aws\nvm_size: m7g.xlarge\n",
    },
    "gamma": {
        "solo": "size: medium\nprovider: azure\nmin_nodes: 1\nmax_nodes: 10\nexpires: 2031-03-31\n",
    },
}


@pytest.fixture(scope="session")
def multi_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("multi") / "experiments"
    for experiment, clusters in MULTI_EXPERIMENT_TREE.items():
        for cluster, text in clusters.items():
            path = root / experiment / cluster / "cluster.yaml"
            path.parent.mkdir(parents=True)
            path.write_text(text)
    return root


@pytest.fixture(scope="session")
def multi(multi_tree: Path) -> LabDefinition:
    return load_definition(FIXTURE_CONFIG, multi_tree)


@pytest.fixture(scope="session")
def multi_synth(multi: LabDefinition, tmp_path_factory: pytest.TempPathFactory) -> SynthTree:
    return synth_tree(multi, tmp_path_factory.mktemp("multi-out") / "cdktf.out")
