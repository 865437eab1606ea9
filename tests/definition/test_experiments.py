"""Experiment discovery: presets, overrides, skipped folders, and every bad cluster.yaml."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from lab import clock
from lab.clouds import Cloud
from lab.errors import LabDefinitionError, Problem, display_path
from lab.experiments import SIZE_PRESETS, ClusterSize, ClusterSpec, discover_experiments
from tests.definition.conftest import ClusterWriter
from tests.helpers import FIXTURE_EXPERIMENTS

CAP = 10


def _discover(root: Path, cap: int = CAP) -> dict[str, dict[str, ClusterSpec]]:
    return {
        e.name: {c.name: c for c in e.clusters}
        for e in discover_experiments(root, max_nodes_per_cluster=cap)
    }


def test_shipped_experiments() -> None:
    found = _discover(FIXTURE_EXPERIMENTS)
    assert sorted(found) == ["http-baseline", "multi-cloud-demo"]
    baseline = found["http-baseline"]
    target, loadgen = baseline["target"].default_pool, baseline["loadgen"].default_pool
    assert (baseline["target"].cloud, target.node_count) == (Cloud.AZURE, 3)
    assert target.machine_type == "Standard_D4s_v3"
    assert (loadgen.node_count, loadgen.machine_type) == (2, "Standard_D2s_v3")
    demo = found["multi-cloud-demo"]
    assert (demo["target"].cloud, demo["target"].default_pool.machine_type) == (
        Cloud.AZURE,
        "Standard_D4s_v3",
    )
    assert (demo["loadgen"].cloud, demo["loadgen"].default_pool.machine_type) == (
        Cloud.AWS,
        "t3.large",
    )
    assert demo["loadgen"].full_name == "multi-cloud-demo-loadgen"


@pytest.mark.parametrize("size", list(ClusterSize))
@pytest.mark.parametrize("cloud", list(Cloud))
def test_presets(tmp_path: Path, size: ClusterSize, cloud: Cloud) -> None:
    path = tmp_path / "exp" / "c1" / "cluster.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(f"size: {size.value}\nprovider: {cloud.value}\n")
    pool = _discover(tmp_path)["exp"]["c1"].default_pool
    preset = SIZE_PRESETS[size]
    assert (pool.node_count, pool.machine_type) == (preset.node_count, preset.machine_type(cloud))
    # A fixed size: both bounds are the node count.
    assert (pool.min_nodes, pool.max_nodes, pool.autoscaling) == (
        preset.node_count,
        preset.node_count,
        False,
    )


def test_preset_table_is_the_documented_one() -> None:
    table = {
        s.value: (p.node_count, p.machine_type(Cloud.AZURE), p.machine_type(Cloud.AWS))
        for s, p in SIZE_PRESETS.items()
    }
    assert table == {
        "small": (2, "Standard_D2s_v3", "t3.large"),
        "medium": (3, "Standard_D4s_v3", "m5.xlarge"),
        "large": (5, "Standard_D8s_v3", "m5.2xlarge"),
    }


def test_overrides_and_autoscaling(tmp_path: Path) -> None:
    root = tmp_path
    (root / "exp" / "a").mkdir(parents=True)
    (root / "exp" / "b").mkdir(parents=True)
    (root / "exp" / "c").mkdir(parents=True)
    (root / "exp" / "a" / "cluster.yaml").write_text(
        "size: small\nprovider: aws\nnodes: 4\nvm_size: m6i.large\nmin_nodes: 2\nmax_nodes: 8\n"
        "expires: 2031-12-31\n"
    )
    (root / "exp" / "b" / "cluster.yaml").write_text(
        "size: medium\nprovider: azure\nmax_nodes: 6\nexpires: 2031-12-31\n"
    )
    (root / "exp" / "c" / "cluster.yaml").write_text(
        "size: large\nprovider: azure\nmin_nodes: 1\nexpires: 2031-12-31\n"
    )
    found = _discover(root)["exp"]
    a, b, c = (found[name].default_pool for name in ("a", "b", "c"))
    assert (a.node_count, a.machine_type, a.min_nodes, a.max_nodes) == (4, "m6i.large", 2, 8)
    assert found["a"].expires == date(2031, 12, 31)
    # A missing bound defaults to the node count.
    assert (b.node_count, b.min_nodes, b.max_nodes, b.autoscaling) == (3, 3, 6, True)
    assert (c.node_count, c.min_nodes, c.max_nodes, c.autoscaling) == (5, 1, 5, True)


def test_skipped_and_ignored_folders(tmp_path: Path) -> None:
    for skipped in ("_template", ".hidden"):
        (tmp_path / skipped / "c").mkdir(parents=True)
        (tmp_path / skipped / "c" / "cluster.yaml").write_text("not: valid: yaml: [")
    (tmp_path / "exp" / "target").mkdir(parents=True)
    (tmp_path / "exp" / "target" / "cluster.yaml").write_text("size: small\nprovider: azure\n")
    (tmp_path / "exp" / "workflow").mkdir()
    (tmp_path / "exp" / "workflow" / "experiment.yaml").write_text("kind: Workflow\n")
    (tmp_path / "exp" / "_draft").mkdir()
    (tmp_path / "exp" / "_draft" / "cluster.yaml").write_text("size: huge\n")
    (tmp_path / "README.md").write_text("not a folder")
    assert {k: list(v) for k, v in _discover(tmp_path).items()} == {"exp": ["target"]}


BAD_CLUSTERS: list[tuple[str, str | dict[str, Any], str, str]] = [
    (
        "size outside the enum",
        {"size": "huge", "provider": "azure"},
        "size",
        "input should be 'small', 'medium' or 'large' (got 'huge')",
    ),
    (
        "provider outside the enum",
        {"size": "small", "provider": "gcp"},
        "provider",
        "input should be 'azure' or 'aws' (got 'gcp')",
    ),
    (
        "missing key",
        {"provider": "azure"},
        "size",
        "is required but missing",
    ),
    (
        "unknown key",
        {"size": "small", "provider": "azure", "node_count": 3},
        "node_count",
        "is not a known key "
        "(allowed: expires, labels, max_nodes, min_nodes, node_pools, nodes, provider, size, "
        "vm_size)",
    ),
    (
        "number as a string",
        {"size": "small", "provider": "azure", "nodes": "3"},
        "nodes",
        "input should be a valid integer (got '3')",
    ),
    (
        "boolean for a number",
        {"size": "small", "provider": "azure", "nodes": True},
        "nodes",
        "input should be a valid integer (got true)",
    ),
    (
        "zero nodes",
        {"size": "small", "provider": "azure", "nodes": 0},
        "nodes",
        "input should be greater than or equal to 1 (got 0)",
    ),
    (
        "EC2 type on azure",
        {"size": "small", "provider": "azure", "vm_size": "m5.large"},
        "vm_size",
        "'m5.large' is not an Azure VM size (that is an EC2 instance type); "
        "use a name like Standard_D4s_v3",
    ),
    (
        "Azure size on aws",
        {"size": "small", "provider": "aws", "vm_size": "Standard_D2s_v3"},
        "vm_size",
        "'Standard_D2s_v3' is not an EC2 instance type (that is an Azure VM size); "
        "use a name like m5.xlarge",
    ),
    (
        "min greater than max",
        {"size": "small", "provider": "aws", "min_nodes": 5, "max_nodes": 3},
        "min_nodes",
        "min_nodes (5) is greater than max_nodes (3); swap or adjust them",
    ),
    (
        "preset node count below min_nodes",
        {"size": "small", "provider": "azure", "min_nodes": 4, "max_nodes": 6},
        "min_nodes",
        "the node count 2 (from size small) is below min_nodes (4); raise the count or lower "
        "min_nodes",
    ),
    (
        "nodes above max_nodes",
        {"size": "small", "provider": "azure", "nodes": 7, "max_nodes": 6},
        "max_nodes",
        "the node count 7 (from nodes) is above max_nodes (6); lower the count or raise max_nodes",
    ),
    (
        "nodes above the cap",
        {"size": "small", "provider": "azure", "nodes": 11},
        "nodes",
        "11 nodes (from nodes) exceed the cap of 10 nodes per cluster "
        "(limits.max_nodes_per_cluster in lab.yaml)",
    ),
    (
        "max_nodes above the cap",
        {"size": "small", "provider": "aws", "max_nodes": 12},
        "max_nodes",
        "12 exceeds the cap of 10 nodes per cluster (limits.max_nodes_per_cluster in lab.yaml)",
    ),
    (
        "expires that is not a date",
        "size: small\nprovider: azure\nexpires: next week\n",
        "expires",
        "input should be a valid date in the format YYYY-MM-DD, "
        "input is too short (got 'next week')",
    ),
    (
        "expires with an impossible month",
        "size: small\nprovider: azure\nexpires: 2026-13-45\n",
        "expires",
        "input should be a valid date in the format YYYY-MM-DD, "
        "month value is outside expected range of 1-12 (got '2026-13-45')",
    ),
    (
        "invalid YAML",
        "size: [small\n",
        "",
        "is not valid YAML at line 2, column 1: expected ',' or ']', but got '<stream end>'",
    ),
    ("empty file", "", "", "is empty; it must be a mapping of keys to values"),
    ("comments only", "# size: small\n", "", "is empty; it must be a mapping of keys to values"),
    ("a list", "- size: small\n", "", "must be a mapping of keys to values, not a list"),
]


@pytest.mark.parametrize(
    ("content", "field", "message"),
    [pytest.param(c, f, m, id=name) for name, c, f, m in BAD_CLUSTERS],
)
def test_bad_cluster_file_names_file_and_field(
    experiments_dir: Path,
    write_cluster: ClusterWriter,
    content: str | dict[str, Any],
    field: str,
    message: str,
) -> None:
    path = write_cluster("broken", "c1", content)
    with pytest.raises(LabDefinitionError) as caught:
        discover_experiments(experiments_dir, max_nodes_per_cluster=CAP)
    assert caught.value.problems == (Problem.at(path, field, message),)


def test_cap_comes_from_the_caller(experiments_dir: Path, write_cluster: ClusterWriter) -> None:
    path = write_cluster("big", "c1", {"size": "large", "provider": "aws"})
    with pytest.raises(LabDefinitionError) as caught:
        discover_experiments(experiments_dir, max_nodes_per_cluster=4)
    assert caught.value.problems == (
        Problem.at(
            path,
            "size",
            "5 nodes (from size large) exceed the cap of 4 nodes per cluster "
            "(limits.max_nodes_per_cluster in lab.yaml)",
        ),
    )


def test_folder_names_must_be_dns_labels(
    experiments_dir: Path, write_cluster: ClusterWriter
) -> None:
    bad_experiment = write_cluster("Load_Test", "target", {"size": "small", "provider": "azure"})
    bad_cluster = write_cluster("load-test", "Target", {"size": "small", "provider": "azure"})
    with pytest.raises(LabDefinitionError) as caught:
        discover_experiments(experiments_dir, max_nodes_per_cluster=CAP)
    assert caught.value.problems == tuple(
        sorted(
            [
                Problem.at(
                    bad_experiment.parent.parent,
                    "",
                    "experiment folder name 'Load_Test' is not a lowercase DNS label; "
                    "use a-z, 0-9 and '-', starting and ending with a letter or digit",
                ),
                Problem.at(
                    bad_cluster,
                    "",
                    "cluster folder name 'Target' is not a lowercase DNS label; "
                    "use a-z, 0-9 and '-', starting and ending with a letter or digit",
                ),
            ]
        )
    )


def test_cluster_name_length(experiments_dir: Path, write_cluster: ClusterWriter) -> None:
    experiment = "a-very-long-experiment-name-for-tests"  # 37 characters
    path = write_cluster(experiment, "target", {"size": "small", "provider": "aws"})
    with pytest.raises(LabDefinitionError) as caught:
        discover_experiments(experiments_dir, max_nodes_per_cluster=CAP)
    assert caught.value.problems == (
        Problem.at(
            path,
            "",
            f"cluster name '{experiment}-target' (<experiment>-<cluster>) is 44 characters; "
            "shorten the folder names to at most 40",
        ),
    )


def test_experiment_without_clusters(experiments_dir: Path) -> None:
    empty = experiments_dir / "empty"
    (empty / "workflow").mkdir(parents=True)
    with pytest.raises(LabDefinitionError) as caught:
        discover_experiments(experiments_dir, max_nodes_per_cluster=CAP)
    assert caught.value.problems == (
        Problem.at(
            empty,
            "",
            "has no <cluster>/cluster.yaml; add one, or prefix the folder with '_' to skip it",
        ),
    )


def test_clusters_of_an_experiment_expire_together(
    experiments_dir: Path, write_cluster: ClusterWriter
) -> None:
    write_cluster("timed", "a", "size: small\nprovider: azure\nexpires: 2031-12-31\n")
    later = write_cluster("timed", "b", "size: small\nprovider: aws\nexpires: 2032-01-15\n")
    undated = write_cluster("timed", "c", "size: small\nprovider: aws\n")
    with pytest.raises(LabDefinitionError) as caught:
        discover_experiments(experiments_dir, max_nodes_per_cluster=CAP)
    assert caught.value.problems == (
        Problem.at(
            later,
            "expires",
            "2032-01-15 differs from 2031-12-31 in a/cluster.yaml; "
            "an experiment's clusters expire together, so give them one date",
        ),
        Problem.at(
            undated,
            "expires",
            "is missing, but a/cluster.yaml expires on 2031-12-31; an experiment's clusters "
            "expire together, so add expires: 2031-12-31 here (or remove it there)",
        ),
    )


def test_an_expired_experiment_is_still_discovered(
    experiments_dir: Path, write_cluster: ClusterWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past its date an experiment is due for removal, not invalid: it expires at midnight
    without a change, and other pull requests must stay green (lab/expiry.py warns)."""
    write_cluster("timed", "a", "size: small\nprovider: azure\nexpires: 2031-12-31\n")
    monkeypatch.setattr(clock, "today_utc", lambda: date(2032, 1, 1))
    found = discover_experiments(experiments_dir, max_nodes_per_cluster=CAP)
    assert {e.name: e.expires for e in found}["timed"] == date(2031, 12, 31)


def test_derived_cluster_names_must_be_unique(
    experiments_dir: Path, write_cluster: ClusterWriter
) -> None:
    first = write_cluster("perf-web", "api", "size: small\nprovider: aws\n")
    second = write_cluster("perf", "web-api", "size: small\nprovider: aws\n")
    with pytest.raises(LabDefinitionError) as caught:
        discover_experiments(experiments_dir, max_nodes_per_cluster=CAP)
    assert sorted((p.file, p.field) for p in caught.value.problems) == sorted(
        [(display_path(first), ""), (display_path(second), "")]
    )
    by_file = {p.file: p.message for p in caught.value.problems}
    assert by_file[display_path(first)].startswith(
        f"cluster name 'perf-web-api' (<experiment>-<cluster>) is also the name of "
        f"{display_path(second)};"
    )
    assert f"is also the name of {display_path(first)};" in by_file[display_path(second)]


def test_equal_cluster_names_on_both_clouds_clash_too(
    experiments_dir: Path, write_cluster: ClusterWriter
) -> None:
    write_cluster("a-b", "c", "size: small\nprovider: aws\n")
    write_cluster("a", "b-c", "size: small\nprovider: azure\n")
    with pytest.raises(LabDefinitionError) as caught:
        discover_experiments(experiments_dir, max_nodes_per_cluster=CAP)
    assert len(caught.value.problems) == 2


def test_one_expiry_applies_to_the_whole_experiment(
    experiments_dir: Path, write_cluster: ClusterWriter
) -> None:
    write_cluster("timed", "a", "size: small\nprovider: azure\nexpires: 2031-12-31\n")
    write_cluster("timed", "b", "size: small\nprovider: aws\nexpires: 2031-12-31\n")
    found = {e.name: e for e in discover_experiments(experiments_dir, max_nodes_per_cluster=CAP)}
    assert found["timed"].expires == date(2031, 12, 31)
    assert found["http-baseline"].expires is None


def test_misplaced_and_misspelt_files(experiments_dir: Path, write_cluster: ClusterWriter) -> None:
    write_cluster("typo", "target", {"size": "small", "provider": "azure"})
    misspelt = experiments_dir / "typo" / "loadgen" / "cluster.yml"
    misspelt.parent.mkdir()
    misspelt.write_text("size: small\nprovider: azure\n")
    stray = experiments_dir / "typo" / "cluster.yaml"
    stray.write_text("size: small\nprovider: azure\n")
    with pytest.raises(LabDefinitionError) as caught:
        discover_experiments(experiments_dir, max_nodes_per_cluster=CAP)
    assert caught.value.problems == (
        Problem.at(
            stray, "", "belongs in a cluster folder: move it to typo/<cluster>/cluster.yaml"
        ),
        Problem.at(misspelt, "", "rename it to cluster.yaml"),
    )


def test_all_problems_of_all_files_are_reported_together(
    experiments_dir: Path, write_cluster: ClusterWriter
) -> None:
    write_cluster("one", "a", {"size": "huge", "provider": "azure"})
    write_cluster("one", "b", "")
    write_cluster("two", "a", {"size": "small", "provider": "aws", "nodes": 0})
    with pytest.raises(LabDefinitionError) as caught:
        discover_experiments(experiments_dir, max_nodes_per_cluster=CAP)
    assert [(Path(p.file).parent.parent.name, p.field) for p in caught.value.problems] == [
        ("one", "size"),
        ("one", ""),
        ("two", "nodes"),
    ]


def test_missing_experiments_dir(tmp_path: Path) -> None:
    with pytest.raises(LabDefinitionError) as caught:
        discover_experiments(tmp_path / "nope", max_nodes_per_cluster=CAP)
    assert caught.value.problems == (
        Problem.at(
            tmp_path / "nope", "", "is not a directory; create it or pass --experiments DIR"
        ),
    )


# --- node pools -------------------------------------------------------------------------

SPOT_POOL: dict[str, Any] = {
    "name": "spot",
    "vm_size": "Standard_D8s_v3",
    "nodes": 1,
    "min_nodes": 0,
    "max_nodes": 4,
    "spot": True,
    "labels": {"workload": "batch"},
    "taints": ["workload=batch:NoSchedule"],
}


def test_node_pools_resolve_with_their_defaults(
    experiments_dir: Path, write_cluster: ClusterWriter
) -> None:
    write_cluster(
        "pools",
        "a",
        {"size": "small", "provider": "azure", "node_pools": [SPOT_POOL, {"name": "extra"}]},
    )
    [spot, extra] = _discover(experiments_dir)["pools"]["a"].node_pools
    assert (spot.machine_type, spot.node_count, spot.min_nodes, spot.max_nodes) == (
        "Standard_D8s_v3",
        1,
        0,
        4,
    )
    assert (spot.spot, spot.labels, [t.kubernetes for t in spot.taints]) == (
        True,
        (("workload", "batch"),),
        ["workload=batch:NoSchedule"],
    )
    assert spot.autoscaling
    # An extra pool without vm_size takes the cluster's machine type, one node, no scaling.
    assert (extra.machine_type, extra.node_count, extra.autoscaling, extra.spot) == (
        "Standard_D2s_v3",
        1,
        False,
        False,
    )


@pytest.mark.parametrize(
    ("pools", "field", "fact"),
    [
        ([{**SPOT_POOL, "name": "Spot-1"}], "node_pools[0].name", "is not a node pool name"),
        ([{**SPOT_POOL, "name": "x" * 13}], "node_pools[0].name", "at most 12"),
        ([{**SPOT_POOL, "name": "system"}], "node_pools[0].name", "the default pool's name"),
        ([SPOT_POOL, SPOT_POOL], "node_pools[1].name", "'spot' is used by two pools"),
        (
            [{**SPOT_POOL, "vm_size": "m5.large"}],
            "node_pools[0].vm_size",
            "(that is an EC2 instance type)",
        ),
        ([{**SPOT_POOL, "min_nodes": 5}], "node_pools[0].min_nodes", "is greater than max_nodes"),
        ([{**SPOT_POOL, "max_nodes": 11}], "node_pools[0].max_nodes", "exceeds the cap of 10"),
        ([{**SPOT_POOL, "taints": ["batch"]}], "node_pools[0].taints[0]", "is not a taint"),
        (
            [{**SPOT_POOL, "labels": {"bad key": "x"}}],
            "node_pools[0].labels.bad key",
            "is not a Kubernetes label",
        ),
        ([{**SPOT_POOL, "colour": "red"}], "node_pools[0].colour", "is not a known key"),
        (
            [{**SPOT_POOL, "labels": {"kubernetes.azure.com/scalesetpriority": "regular"}}],
            "node_pools[0].labels.kubernetes.azure.com/scalesetpriority",
            "AKS sets this label itself",
        ),
        (
            [{**SPOT_POOL, "taints": ["kubernetes.azure.com/scalesetpriority=x:NoSchedule"]}],
            "node_pools[0].taints[0]",
            "AKS taints Spot nodes with kubernetes.azure.com/scalesetpriority=spot:NoSchedule",
        ),
        (
            [{**SPOT_POOL, "labels": {"kubernetes.io/role": "batch"}}],
            "node_pools[0].labels.kubernetes.io/role",
            "is reserved by AKS",
        ),
        # 2 in the default pool, 4 and 5 in the extra ones: 11 above the cap of 10.
        (
            [SPOT_POOL, {**SPOT_POOL, "name": "more", "max_nodes": 5}],
            "node_pools",
            "the cluster can grow to 11 nodes (default pool 2, spot 4, more 5)",
        ),
    ],
)
def test_bad_node_pools_name_the_pool_and_field(
    experiments_dir: Path,
    write_cluster: ClusterWriter,
    pools: list[dict[str, Any]],
    field: str,
    fact: str,
) -> None:
    path = write_cluster("pools", "a", {"size": "small", "provider": "azure", "node_pools": pools})
    with pytest.raises(LabDefinitionError) as caught:
        discover_experiments(experiments_dir, max_nodes_per_cluster=CAP)
    [problem] = caught.value.problems
    assert (problem.file, problem.field) == (display_path(path), field)
    assert fact in problem.message


@pytest.mark.parametrize("provider", ["azure", "aws"])
def test_default_pool_labels_resolve_on_both_clouds(
    experiments_dir: Path, write_cluster: ClusterWriter, provider: str
) -> None:
    write_cluster(
        "labelled",
        "a",
        {"size": "small", "provider": provider, "labels": {"role": "general", "tier": "a"}},
    )
    pool = _discover(experiments_dir)["labelled"]["a"].default_pool
    assert pool.labels == (("role", "general"), ("tier", "a"))


@pytest.mark.parametrize(
    ("provider", "key", "fact"),
    [
        ("azure", "kubernetes.azure.com/mode", "is reserved by AKS"),
        ("azure", "kubernetes.azure.com/scalesetpriority", "AKS sets this label itself"),
        ("aws", "node-role.kubernetes.io/worker", "the kubelet refuses"),
        ("aws", f"lab.example/{'k' * 60}", "EKS takes label keys of at most 63"),
    ],
)
def test_default_pool_labels_follow_the_pool_rules(
    experiments_dir: Path, write_cluster: ClusterWriter, provider: str, key: str, fact: str
) -> None:
    """The default pool's labels meet the rules of every pool's, reported at ``labels``."""
    path = write_cluster(
        "labelled", "a", {"size": "small", "provider": provider, "labels": {key: "x"}}
    )
    with pytest.raises(LabDefinitionError) as caught:
        discover_experiments(experiments_dir, max_nodes_per_cluster=CAP)
    [problem] = caught.value.problems
    assert (problem.file, problem.field) == (display_path(path), f"labels.{key}")
    assert fact in problem.message
