"""`lab stacks`: the table, the JSON document, the filters, and the error paths."""

from __future__ import annotations

import json

import pytest

from lab.commands.table import format_table
from tests.cli.conftest import Invoke, Lab

TABLE = """\
STACK             KIND        CLOUD  DEPENDS ON                        AUTODEPLOY  EXPIRES  CLUSTERS  LABELS
spacelift-root    management  -      -                                 no          -        -         management, illm-k8s-lab
azure-foundation  foundation  azure  -                                 no          -        -         foundation, azure, illm-k8s-lab
aws-foundation    foundation  aws    -                                 no          -        -         foundation, aws, illm-k8s-lab
exp-alpha-aks     experiment  azure  azure-foundation                  yes         -        target    experiment, azure, experiment:alpha, max-nodes-per-cluster:10, illm-k8s-lab
exp-beta-aks      experiment  azure  azure-foundation, aws-foundation  yes         -        target    experiment, azure, experiment:beta, max-nodes-per-cluster:10, illm-k8s-lab
exp-beta-eks      experiment  aws    aws-foundation, azure-foundation  yes         -        loadgen   experiment, aws, experiment:beta, max-nodes-per-cluster:10, illm-k8s-lab
"""  # noqa: E501


def test_table_lists_every_stack_aligned(invoke: Invoke, small_lab: Lab) -> None:
    result = invoke("stacks", *small_lab.options)
    assert result.exit_code == 0
    assert result.stdout == TABLE
    assert result.stderr == ""


def test_wide_table_adds_sizes_protection_and_project_root(invoke: Invoke, small_lab: Lab) -> None:
    result = invoke("stacks", "--wide", "--kind", "experiment", *small_lab.options)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split("  ")[0] == "STACK"
    assert "PROTECTED  PROJECT ROOT" in lines[0]
    assert [line.split()[0] for line in lines[1:]] == [
        "exp-alpha-aks",
        "exp-beta-aks",
        "exp-beta-eks",
    ]
    assert "target (2x Standard_D2s_v3, 2-4)  no         cdktf.out/stacks/exp-beta-aks" in lines[2]
    assert "loadgen (2x t3.large)" in lines[3]


def test_filters_combine_kind_and_cloud(invoke: Invoke, small_lab: Lab) -> None:
    result = invoke("stacks", "-q", "--cloud", "aws", *small_lab.options)
    assert result.stdout == "aws-foundation\nexp-beta-eks\n"
    result = invoke(
        "stacks", "-q", "--kind", "foundation", "--kind", "management", *small_lab.options
    )
    assert result.stdout == "spacelift-root\nazure-foundation\naws-foundation\n"
    result = invoke("stacks", "-q", "--kind", "experiment", "--cloud", "azure", *small_lab.options)
    assert result.stdout == "exp-alpha-aks\nexp-beta-aks\n"


def test_json_document_shape(invoke: Invoke, small_lab: Lab) -> None:
    small_lab.cluster("beta", "target", size="small", provider="azure", expires="2031-01-31")
    small_lab.cluster("beta", "loadgen", size="small", provider="aws", expires="2031-01-31")
    result = invoke("stacks", "--json", *small_lab.options)
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["format_version"] == 1
    stacks = {stack["id"]: stack for stack in document["stacks"]}
    assert list(stacks) == [
        "spacelift-root",
        "azure-foundation",
        "aws-foundation",
        "exp-alpha-aks",
        "exp-beta-aks",
        "exp-beta-eks",
    ]
    assert stacks["spacelift-root"] == {
        "id": "spacelift-root",
        "kind": "management",
        "description": "Creates and configures every other Spacelift stack of the lab.",
        "cloud": None,
        "experiment": None,
        "project_root": "cdktf.out/stacks/spacelift-root",
        "depends_on": [],
        "labels": ["management", "illm-k8s-lab"],
        "autodeploy": False,
        "protect_from_deletion": False,
        "expires": None,
        "inputs": [],
        "outputs": [],
        "clusters": [],
    }
    aws = stacks["aws-foundation"]
    assert (aws["protect_from_deletion"], aws["autodeploy"]) == (True, False)
    assert aws["outputs"] == [
        "vpc_id",
        "private_subnet_ids",
        "public_subnet_ids",
        "egress_cidrs",
    ]
    eks = stacks["exp-beta-eks"]
    # Its own foundation's subnets, and (beta has AKS clusters too) the Azure egress.
    assert eks["depends_on"] == ["aws-foundation", "azure-foundation"]
    assert eks["inputs"] == [
        {
            "name": "private_subnet_ids",
            "env": "TF_VAR_private_subnet_ids",
            "upstream": "aws-foundation",
            "output": "private_subnet_ids",
        },
        {
            "name": "azure_egress_cidrs",
            "env": "TF_VAR_azure_egress_cidrs",
            "upstream": "azure-foundation",
            "output": "egress_cidrs",
        },
    ]
    assert eks["expires"] == "2031-01-31"
    assert eks["experiment"] == "beta"
    [cluster] = eks["clusters"]
    assert {k: v for k, v in cluster.items() if k != "source"} == {
        "name": "loadgen",
        "full_name": "beta-loadgen",
        "size": "small",
        "node_count": 2,
        "machine_type": "t3.large",
        "min_nodes": None,
        "max_nodes": None,
        "labels": {},
        "node_pools": [],
    }
    assert cluster["source"].endswith("experiments/beta/loadgen/cluster.yaml")


def test_json_shows_extra_node_pools(invoke: Invoke, small_lab: Lab) -> None:
    small_lab.cluster(
        "beta",
        "loadgen",
        size="small",
        provider="aws",
        node_pools=[
            {"name": "spot", "vm_size": "m5.large", "nodes": 0, "max_nodes": 3, "spot": True}
        ],
        labels={"team": "perf"},
    )
    document = json.loads(invoke("stacks", "--json", *small_lab.options).stdout)
    eks = next(s for s in document["stacks"] if s["id"] == "exp-beta-eks")
    assert eks["clusters"][0]["labels"] == {"team": "perf"}  # the default pool's
    assert eks["clusters"][0]["node_pools"] == [
        {
            "name": "spot",
            "machine_type": "m5.large",
            "node_count": 0,
            "min_nodes": 0,
            "max_nodes": 3,
            "spot": True,
            "labels": {},
            "taints": [],
        }
    ]
    wide = invoke("stacks", "--wide", "--cloud", "aws", *small_lab.options).stdout
    assert "loadgen (2x t3.large; spot 0x m5.large, 0-3, spot)" in wide


def test_json_respects_filters(invoke: Invoke, small_lab: Lab) -> None:
    result = invoke("stacks", "--json", "--kind", "foundation", *small_lab.options)
    ids = [stack["id"] for stack in json.loads(result.stdout)["stacks"]]
    assert ids == ["azure-foundation", "aws-foundation"]


def test_json_and_quiet_are_exclusive(invoke: Invoke, small_lab: Lab) -> None:
    result = invoke("stacks", "--json", "-q", *small_lab.options)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "error: --json and --quiet cannot be combined\n"


def test_unknown_kind_is_a_usage_error(invoke: Invoke, small_lab: Lab) -> None:
    result = invoke("stacks", "--kind", "cluster", *small_lab.options)
    assert result.exit_code == 2
    assert "'cluster' is not one of 'management', 'foundation', 'experiment'" in result.stderr


def test_invalid_definition_reports_every_problem_on_stderr(invoke: Invoke, small_lab: Lab) -> None:
    small_lab.cluster("alpha", "target", size="huge", provider="azure")
    small_lab.cluster("beta", "loadgen", size="small", provider="gcp")
    result = invoke("stacks", *small_lab.options)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "error: 2 problems in the lab definition:"
    assert any("alpha/target/cluster.yaml: size:" in line for line in lines[1:])
    assert any("beta/loadgen/cluster.yaml: provider:" in line for line in lines[1:])


def test_format_table_pads_all_but_the_last_column() -> None:
    assert format_table(("A", "LONGER", "C"), [("x", "", "last"), ("yy", "z", "")]) == (
        "A   LONGER  C\nx   -       last\nyy  z       -"
    )
    with pytest.raises(AssertionError, match="has 2 cells; expected 3"):
        format_table(("A", "B", "C"), [("x", "y")])


def test_the_table_fits_the_terminal(invoke: Invoke, small_lab: Lab) -> None:
    wide = invoke("stacks", *small_lab.options)
    narrow = invoke("stacks", *small_lab.options, env={"COLUMNS": "100"})
    assert max(len(line) for line in wide.stdout.splitlines()) > 100
    lines = narrow.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert lines[0].split() == wide.stdout.splitlines()[0].split()  # every column is there
    assert "…" in narrow.stdout
    # Stack ids are never cut: they are what people copy.
    assert [line.split()[0] for line in lines] == [
        line.split()[0] for line in wide.stdout.splitlines()
    ]


def test_commands_work_from_a_subdirectory(
    invoke: Invoke, small_lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Default paths are found at the top of the checkout, wherever the command runs."""
    monkeypatch.chdir(small_lab.experiments / "alpha")
    result = invoke("validate")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("valid: 6 stacks")
    assert invoke("stacks", "-q").stdout.splitlines()[-1] == "exp-beta-eks"
