"""Names derived from cluster folders and pool names are unique however their parts split."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lab.definition import load_definition
from lab.errors import LabDefinitionError, display_path
from tests.definition.conftest import ClusterWriter


def test_a_pool_and_a_cluster_that_derive_one_launch_template_are_refused_naming_both(
    lab_yaml: dict[str, Any],
    write_config: Callable[[dict[str, Any]], Path],
    write_cluster: ClusterWriter,
) -> None:
    # spike-t + pool "spot" and cluster spike-t-spot both derive "spike-t-spot-nodes".
    pooled = write_cluster(
        "spike",
        "t",
        {"size": "small", "provider": "aws", "node_pools": [{"name": "spot"}]},
    )
    plain = write_cluster("spike", "t-spot", "size: small\nprovider: aws\n")
    with pytest.raises(LabDefinitionError) as caught:
        load_definition(write_config(lab_yaml), pooled.parent.parent.parent)
    found = {(p.file, p.field): p.message for p in caught.value.problems}
    assert found == {
        (display_path(pooled), "node_pools[0].name"): (
            "this node pool's name derives the launch template name 'spike-t-spot-nodes', which "
            f"{display_path(plain)} also derives; the cloud takes each name once, so rename a "
            "cluster folder or a node pool"
        ),
        (display_path(plain), ""): (
            "this cluster's folder name derives the launch template name 'spike-t-spot-nodes', "
            f"which {display_path(pooled)} (node_pools[0].name) also derives; the cloud takes "
            "each name once, so rename a cluster folder or a node pool"
        ),
    }


def test_the_same_parts_on_azure_or_split_apart_pass(
    lab_yaml: dict[str, Any],
    write_config: Callable[[dict[str, Any]], Path],
    write_cluster: ClusterWriter,
) -> None:
    # AKS names its pools inside each cluster: the same folder and pool names derive nothing
    # shared. And an EKS pool "spot2" beside a cluster "t-spot" derives different names.
    write_cluster(
        "spike", "t", {"size": "small", "provider": "azure", "node_pools": [{"name": "spot"}]}
    )
    write_cluster("spike", "t-spot", "size: small\nprovider: azure\n")
    write_cluster(
        "probe", "t", {"size": "small", "provider": "aws", "node_pools": [{"name": "spot2"}]}
    )
    experiments = write_cluster("probe", "t-spot", "size: small\nprovider: aws\n").parents[2]
    lab = load_definition(write_config(lab_yaml), experiments)
    assert {c.full_name for e in lab.experiments for c in e.clusters} >= {
        "spike-t",
        "spike-t-spot",
        "probe-t",
        "probe-t-spot",
    }
