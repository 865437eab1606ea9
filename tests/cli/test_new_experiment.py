"""`lab new-experiment`: a valid file or nothing, never an overwrite, discovery's messages."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from lab.clouds import Cloud
from lab.commands.scaffold import TEMPLATE, NewCluster, render_cluster_yaml
from lab.definition import load_definition
from lab.errors import display_path
from lab.experiments import ClusterSize
from tests.cli.conftest import Invoke, Lab
from tests.conftest import TEST_TODAY


def new(invoke: Invoke, lab: Lab, *args: str) -> tuple[int, str, str]:
    result = invoke("new-experiment", *args, *lab.options)
    return result.exit_code, result.stdout, result.stderr


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_writes_a_valid_cluster_file_and_prints_next_steps(invoke: Invoke, small_lab: Lab) -> None:
    code, out, err = new(
        invoke, small_lab, "grpc", "--cluster", "target", "--provider", "aws", "--size", "medium"
    )
    assert (code, err) == (0, "")
    path = small_lab.experiments / "grpc" / "target" / "cluster.yaml"
    # The template, every key still documented, with the two required values set.
    template = TEMPLATE.read_text().splitlines()
    written = path.read_text().splitlines()
    assert len(written) == len(template)
    assert [(old, new) for old, new in zip(template, written, strict=True) if old != new] == [
        (
            "size: small            # small | medium | large (a preset, below)",
            "size: medium            # small | medium | large (a preset, below)",
        ),
        (
            "provider: azure        # azure (AKS) | aws (EKS)",
            "provider: aws        # azure (AKS) | aws (EKS)",
        ),
    ]
    assert yaml.safe_load(path.read_text()) == {"size": "medium", "provider": "aws"}
    lines = out.splitlines()
    assert lines[0].startswith("created ")
    assert lines[0].endswith(
        "grpc/target/cluster.yaml: cluster grpc-target, 3x m5.xlarge on aws; "
        "stack exp-grpc-eks (a new stack)"
    )
    assert lines[1] == "next:"
    steps = [[part.strip() for part in line.split("  # ")] for line in lines[2:]]
    assert steps[0] == [
        "make synth",
        "adds cdktf.out/stacks/exp-grpc-eks/ and the stack to spacelift-root",
    ]
    assert steps[1][0].startswith("git add ") and steps[1][0].endswith("grpc cdktf.out")
    assert steps[2] == ["git commit", "then push a branch and open a pull request"]
    assert steps[3] == ["lab affected main...HEAD", "the stacks the pull request previews"]
    stacks = load_definition(small_lab.config, small_lab.experiments).stacks
    assert "exp-grpc-eks" in [s.id for s in stacks]


def test_overrides_are_written_and_resolved(invoke: Invoke, small_lab: Lab) -> None:
    code, out, err = new(
        invoke,
        small_lab,
        "soak",
        "--cluster",
        "target",
        "--provider",
        "azure",
        "--size",
        "large",
        "--nodes",
        "4",
        "--vm-size",
        "Standard_E4s_v5",
        "--min-nodes",
        "3",
        "--max-nodes",
        "8",
        "--expires",
        "2031-01-31",
    )
    assert (code, err) == (0, "")
    text = (small_lab.experiments / "soak" / "target" / "cluster.yaml").read_text()
    assert [line.split("#")[0].rstrip() for line in text.splitlines() if line[:1].isalpha()] == [
        "size: large",
        "provider: azure",
        "nodes: 4",
        "vm_size: Standard_E4s_v5",
        "min_nodes: 3",
        "max_nodes: 8",
        "expires: 2031-01-31",
    ]
    # Each override replaces the template's commented-out example, comment kept.
    assert "\nnodes: 4                   # node count; default: the preset's\n" in text
    assert "cluster soak-target, 4x Standard_E4s_v5, autoscaling 3-8 on azure" in out
    stack = load_definition(small_lab.config, small_lab.experiments).get("exp-soak-aks")
    assert str(stack.expires) == "2031-01-31"


def test_refuses_to_overwrite(invoke: Invoke, small_lab: Lab) -> None:
    path = small_lab.experiments / "alpha" / "target" / "cluster.yaml"
    before = path.read_text()
    code, out, err = new(invoke, small_lab, "alpha", "--cluster", "target", "--provider", "aws")
    assert code == 1
    assert out == ""
    assert err.startswith("error: ")
    assert err.endswith(
        "alpha/target/cluster.yaml already exists; edit it, or choose another --cluster name\n"
    )
    assert path.read_text() == before


def test_second_cluster_joins_the_existing_stack(invoke: Invoke, small_lab: Lab) -> None:
    code, out, _ = new(invoke, small_lab, "alpha", "--cluster", "loadgen", "--provider", "azure")
    assert code == 0
    assert "stack exp-alpha-aks (joins the existing stack)" in out.splitlines()[0]
    assert "updates cdktf.out/stacks/exp-alpha-aks/" in out
    stack = load_definition(small_lab.config, small_lab.experiments).get("exp-alpha-aks")
    assert [c.name for c in stack.clusters] == ["loadgen", "target"]

    # The same experiment on the other cloud: a second stack.
    code, out, _ = new(invoke, small_lab, "alpha", "--cluster", "remote", "--provider", "aws")
    assert code == 0
    assert "stack exp-alpha-eks (a new stack)" in out


def test_invalid_values_are_reported_like_validate_and_leave_nothing(
    invoke: Invoke, small_lab: Lab
) -> None:
    before = tree(small_lab.experiments)
    code, out, err = new(
        invoke,
        small_lab,
        "grpc",
        "--cluster",
        "target",
        "--provider",
        "aws",
        "--nodes",
        "20",
        "--vm-size",
        "Standard_D2s_v3",
    )
    assert code == 2
    assert out == ""
    assert tree(small_lab.experiments) == before  # file and folders removed again

    # The same file written by hand gives `lab validate` the same problems.
    small_lab.cluster(
        "grpc", "target", provider="aws", size="small", nodes=20, vm_size="Standard_D2s_v3"
    )
    validate = invoke("validate", *small_lab.options)
    assert validate.exit_code == 2
    assert err == f"{validate.stderr}nothing was written\n"
    where = display_path(small_lab.experiments / "grpc" / "target" / "cluster.yaml")
    assert err.splitlines() == [
        "error: 2 problems in the lab definition:",
        f"  {where}: nodes: 20 nodes (from nodes) exceed the cap of 10 nodes per cluster "
        "(limits.max_nodes_per_cluster in lab.yaml)",
        f"  {where}: vm_size: 'Standard_D2s_v3' is not an EC2 instance type (that is an Azure "
        "VM size); use a name like m5.xlarge",
        "nothing was written",
    ]


def test_an_expires_date_in_the_past_is_refused(invoke: Invoke, small_lab: Lab) -> None:
    yesterday = (TEST_TODAY - timedelta(days=2)).isoformat()
    code, out, err = new(
        invoke, small_lab, "grpc", "--cluster", "t", "--provider", "aws", "--expires", yesterday
    )
    assert (code, out) == (2, "")
    where = display_path(small_lab.experiments / "grpc" / "t" / "cluster.yaml")
    assert err.splitlines()[1].startswith(f"  {where}: expires: {yesterday} is in the past; ")
    assert not (small_lab.experiments / "grpc").exists()


def test_a_new_cluster_takes_its_experiments_date(invoke: Invoke, small_lab: Lab) -> None:
    small_lab.cluster("beta", "target", size="small", provider="azure", expires="2031-01-31")
    small_lab.cluster("beta", "loadgen", size="small", provider="aws", expires="2031-01-31")
    code, out, _ = new(invoke, small_lab, "beta", "--cluster", "extra", "--provider", "aws")
    assert code == 0
    assert (
        "expires: 2031-01-31, copied from the experiment's other clusters (an experiment's "
        "clusters expire together)\n"
    ) in out
    text = (small_lab.experiments / "beta" / "extra" / "cluster.yaml").read_text()
    assert yaml.safe_load(text)["expires"] == date(2031, 1, 31)


def test_a_new_cluster_of_an_undated_experiment_gets_no_date(
    invoke: Invoke, small_lab: Lab
) -> None:
    code, out, _ = new(invoke, small_lab, "beta", "--cluster", "extra", "--provider", "aws")
    assert code == 0
    assert "expires" not in out
    text = (small_lab.experiments / "beta" / "extra" / "cluster.yaml").read_text()
    assert "expires" not in yaml.safe_load(text)


def test_problems_with_sibling_clusters_roll_back_too(invoke: Invoke, small_lab: Lab) -> None:
    small_lab.cluster("beta", "target", size="small", provider="azure", expires="2031-01-31")
    small_lab.cluster("beta", "loadgen", size="small", provider="aws", expires="2031-01-31")
    code, _, err = new(
        invoke,
        small_lab,
        "beta",
        "--cluster",
        "extra",
        "--provider",
        "aws",
        "--expires",
        "2031-02-01",
    )
    assert code == 2
    # Discovery reports the disagreement on the siblings, against the new file's date.
    assert err.startswith("error: 2 problems in the lab definition:\n")
    assert "loadgen/cluster.yaml: expires: 2031-01-31 differs from 2031-02-01 in extra/" in err
    assert not (small_lab.experiments / "beta" / "extra").exists()


@pytest.mark.parametrize(
    ("name", "cluster", "message"),
    [
        ("Bad_Name", "target", "experiment folder name 'Bad_Name' is not a lowercase DNS label"),
        ("grpc", "Target", "cluster folder name 'Target' is not a lowercase DNS label"),
        ("_hidden", "target", "experiment folder name '_hidden' starts with '_' or '.'"),
        ("grpc", ".dot", "cluster folder name '.dot' starts with '_' or '.'"),
        ("a" * 30, "b" * 12, "cluster name '" + "a" * 30 + "-" + "b" * 12 + "' (<experiment>-"),
    ],
)
def test_invalid_names_exit_2_and_write_nothing(
    invoke: Invoke, small_lab: Lab, name: str, cluster: str, message: str
) -> None:
    before = tree(small_lab.experiments)
    code, out, err = new(invoke, small_lab, name, "--cluster", cluster, "--provider", "azure")
    assert code == 2
    assert out == ""
    assert err.startswith("error: 1 problem in the lab definition:\n")
    assert message in err
    assert tree(small_lab.experiments) == before


@pytest.mark.parametrize("name", ["../escape", "a/b", "..", ""])
def test_names_that_are_not_one_folder_are_usage_errors(
    invoke: Invoke, small_lab: Lab, name: str
) -> None:
    code, _, err = new(invoke, small_lab, name, "--cluster", "target", "--provider", "aws")
    assert code == 2
    assert err == f"error: experiment name {name!r} must be a single folder name\n"
    assert not (small_lab.root / "escape").exists()


def test_a_broken_tree_is_reported_before_writing(invoke: Invoke, small_lab: Lab) -> None:
    small_lab.cluster("alpha", "target", size="tiny", provider="azure")
    code, _, err = new(invoke, small_lab, "grpc", "--cluster", "target", "--provider", "aws")
    assert code == 2
    assert "alpha/target/cluster.yaml: size:" in err
    assert not (small_lab.experiments / "grpc").exists()


def test_bad_date_uses_discoverys_message(invoke: Invoke, small_lab: Lab) -> None:
    code, _, err = new(
        invoke, small_lab, "grpc", "--cluster", "t", "--provider", "aws", "--expires", "2031-13-01"
    )
    assert code == 2
    assert "expires: input should be a valid date in the format YYYY-MM-DD" in err


def test_missing_options_are_usage_errors(invoke: Invoke, small_lab: Lab) -> None:
    result = invoke("new-experiment", "grpc", "--provider", "aws", *small_lab.options)
    assert result.exit_code == 2
    assert "Missing option '--cluster'" in result.stderr
    result = invoke("new-experiment", "grpc", "--cluster", "t", "--provider", "gcp")
    assert result.exit_code == 2
    assert "'gcp' is not one of 'azure', 'aws'" in result.stderr


def test_an_invalid_lab_yaml_stops_before_writing(invoke: Invoke, small_lab: Lab) -> None:
    small_lab.config.write_text("name: Not A Label\n")
    code, _, err = new(invoke, small_lab, "grpc", "--cluster", "target", "--provider", "aws")
    assert code == 2
    assert err.splitlines()[-1] == "fix lab.yaml first: it sets the node cap"
    assert not (small_lab.experiments / "grpc").exists()


def test_rendered_values_read_back_unchanged() -> None:
    """Values that YAML would read as something else are quoted."""
    text = render_cluster_yaml(
        NewCluster("e", "c", Cloud.AWS, ClusterSize.SMALL, vm_size="yes", expires="2031-01-31")
    )
    assert '\nvm_size: "yes"   # ' in text
    assert "\nexpires: 2031-01-31        # " in text
    loaded = yaml.safe_load(text)
    assert (loaded["vm_size"], loaded["expires"]) == ("yes", date(2031, 1, 31))
    text = render_cluster_yaml(NewCluster("e", "c", Cloud.AWS, ClusterSize.SMALL, vm_size="a: b"))
    assert '\nvm_size: "a: b"   # ' in text
    assert yaml.safe_load(text)["vm_size"] == "a: b"
