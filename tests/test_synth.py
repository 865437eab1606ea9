"""Synthesis is deterministic and all-or-nothing: bad input never touches cdktf.out/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest
import yaml
from click.testing import CliRunner

from lab import app as app_module
from lab.cli import EXIT_CHECK_FAILED, EXIT_INVALID, synth
from lab.definition import load_definition
from lab.synth import check, synthesize
from tests.helpers import FIXTURE_CONFIG, FIXTURE_EXPERIMENTS, REPO, read_tree

FIXTURE_OPTIONS = ("--config", str(FIXTURE_CONFIG), "--experiments", str(FIXTURE_EXPERIMENTS))
"""The fixture lab (known content), for runs of the synth command."""


@pytest.fixture(autouse=True)
def _no_cdktf_outdir(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # The cdktf CLI sets CDKTF_OUTDIR; a developer shell that has it must not redirect tests.
    monkeypatch.delenv("CDKTF_OUTDIR", raising=False)
    yield


@pytest.fixture(scope="session")
def fixture_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture lab synthesized once, as it would be committed."""
    outdir = tmp_path_factory.mktemp("fixture-synth") / "cdktf.out"
    synthesize(load_definition(FIXTURE_CONFIG, FIXTURE_EXPERIMENTS), outdir)
    return outdir


@pytest.fixture
def committed_copy(tmp_path: Path, fixture_output: Path) -> Path:
    """A copy of the fixture lab's output that a test may try (and fail) to overwrite."""
    outdir = tmp_path / "cdktf.out"
    shutil.copytree(fixture_output, outdir)
    return outdir


Breakage = Callable[[Path, Path], str]


def _bad_cluster(text: str, expected: str) -> Breakage:
    def breakage(_config: Path, experiments: Path) -> str:
        path = experiments / "broken" / "c1" / "cluster.yaml"
        path.parent.mkdir(parents=True)
        path.write_text(text)
        return expected

    return breakage


def _bad_config(change: Callable[[dict[str, Any]], None], expected: str) -> Breakage:
    def breakage(config: Path, _experiments: Path) -> str:
        data = yaml.safe_load(config.read_text())
        change(data)
        config.write_text(yaml.safe_dump(data))
        return expected

    return breakage


def _renamed_experiment(name: str) -> Breakage:
    def breakage(_config: Path, experiments: Path) -> str:
        (experiments / "http-baseline").rename(experiments / name)
        return f"experiments/{name}: experiment folder name {name!r} is not a lowercase DNS label"

    return breakage


BREAKAGES: dict[str, Breakage] = {
    "invalid YAML": _bad_cluster(
        "size: [small\n", "broken/c1/cluster.yaml: is not valid YAML at line 2"
    ),
    "empty file": _bad_cluster("", "broken/c1/cluster.yaml: is empty"),
    "non-mapping": _bad_cluster("- small\n", "broken/c1/cluster.yaml: must be a mapping"),
    "unknown key": _bad_cluster(
        "size: small\nprovider: aws\ncolour: red\n",
        "broken/c1/cluster.yaml: colour: is not a known key",
    ),
    "missing key": _bad_cluster("size: small\n", "broken/c1/cluster.yaml: provider: is required"),
    "wrong type": _bad_cluster(
        "size: small\nprovider: aws\nnodes: three\n",
        "broken/c1/cluster.yaml: nodes: input should be a valid integer",
    ),
    "size outside enum": _bad_cluster(
        "size: xl\nprovider: aws\n", "broken/c1/cluster.yaml: size: input should be 'small'"
    ),
    "vm_size for the other cloud": _bad_cluster(
        "size: small\nprovider: aws\nvm_size: Standard_D2s_v3\n",
        "broken/c1/cluster.yaml: vm_size: 'Standard_D2s_v3' is not an EC2 instance type",
    ),
    "min above max": _bad_cluster(
        "size: small\nprovider: aws\nmin_nodes: 4\nmax_nodes: 2\n",
        "broken/c1/cluster.yaml: min_nodes: min_nodes (4) is greater than max_nodes (2)",
    ),
    "above the cap": _bad_cluster(
        "size: small\nprovider: azure\nnodes: 40\n",
        "broken/c1/cluster.yaml: nodes: 40 nodes (from nodes) exceed",
    ),
    "expires not a date": _bad_cluster(
        "size: small\nprovider: azure\nexpires: soon\n",
        "broken/c1/cluster.yaml: expires: input should be a valid date",
    ),
    "folder not a DNS label": _renamed_experiment("HTTP_Baseline"),
    "overlapping subnets": _bad_config(
        lambda d: d["azure"]["vnet"]["subnets"].append(
            {"name": "snet-extra", "address_prefix": "10.40.1.0/24"}
        ),
        "lab.yaml: azure.vnet.subnets[2].address_prefix: "
        "10.40.1.0/24 overlaps subnet 'snet-aks-nodes'",
    ),
    "open API server": _bad_config(
        lambda d: d["aws"]["eks"].update(public_access_cidrs=["0.0.0.0/0"]),
        "lab.yaml: aws.eks.public_access_cidrs[0]: 0.0.0.0/0 would open the Kubernetes API server",
    ),
    "IPv6 subnet": _bad_config(
        lambda d: d["azure"]["vnet"]["subnets"].append(
            {"name": "snet-v6", "address_prefix": "fd00::/64"}
        ),
        "lab.yaml: azure.vnet.subnets[2].address_prefix: 'fd00::/64' is not an IPv4 CIDR block",
    ),
    "duplicate key": _bad_cluster(
        "size: small\nprovider: aws\nsize: large\n",
        "broken/c1/cluster.yaml: size: is given twice (lines 1 and 3); YAML keeps only the last",
    ),
    "unquoted version": _bad_config(
        lambda d: d["aws"]["eks"].update(kubernetes_version=1.35),
        "lab.yaml: aws.eks.kubernetes_version: input should be a valid string (got 1.35); put it "
        "in quotes: unquoted, YAML reads it as the number 1.35",
    ),
    "tag Azure refuses": _bad_config(
        lambda d: d["tags"].update({"team/owner": "me"}),
        "lab.yaml: tags.team/owner: 'team/owner' is not a tag key both clouds accept",
    ),
    "admin listed twice": _bad_config(
        lambda d: d["aws"]["eks"].update(
            admin_principal_arns=[d["aws"]["eks"]["admin_principal_arns"][0]] * 2
        ),
        "lab.yaml: aws.eks.admin_principal_arns[1]: 'arn:aws:iam::111122223333:role/platform-admin'"
        " is listed twice",
    ),
}


def test_two_experiments_whose_cluster_names_collide_name_both_files(
    tmp_path: Path, committed_copy: Path
) -> None:
    experiments = tmp_path / "experiments"
    shutil.copytree(FIXTURE_EXPERIMENTS, experiments)
    for experiment, cluster in (("perf-web", "api"), ("perf", "web-api")):
        path = experiments / experiment / cluster / "cluster.yaml"
        path.parent.mkdir(parents=True)
        path.write_text("size: small\nprovider: aws\n")
    before = read_tree(committed_copy)
    result = CliRunner().invoke(
        synth,
        [
            *("--config", str(FIXTURE_CONFIG)),
            *("--experiments", str(experiments)),
            *("--outdir", str(committed_copy)),
        ],
    )
    assert result.exit_code == EXIT_INVALID
    lines = result.stderr.splitlines()
    assert lines[0] == "error: 2 problems in the lab definition:"
    assert (
        "perf-web/api/cluster.yaml: cluster name 'perf-web-api' (<experiment>-<cluster>) is "
        "also the name of " in lines[1] + lines[2]
    )
    assert all("perf/web-api/cluster.yaml" in line for line in lines[1:3])
    assert read_tree(committed_copy) == before


@pytest.mark.parametrize("breakage", list(BREAKAGES.values()), ids=list(BREAKAGES))
def test_bad_input_exits_2_names_file_and_field_and_writes_nothing(
    tmp_path: Path, committed_copy: Path, breakage: Breakage
) -> None:
    config = tmp_path / "lab.yaml"
    shutil.copy2(FIXTURE_CONFIG, config)
    experiments = tmp_path / "experiments"
    shutil.copytree(FIXTURE_EXPERIMENTS, experiments)
    expected = breakage(config, experiments)
    before = read_tree(committed_copy)

    result = CliRunner().invoke(
        synth,
        [
            "--config",
            str(config),
            "--experiments",
            str(experiments),
            "--outdir",
            str(committed_copy),
        ],
    )

    assert result.exit_code == EXIT_INVALID
    assert result.stdout == ""
    assert result.stderr.startswith("error: 1 problem in the lab definition:\n")
    assert expected in result.stderr
    assert read_tree(committed_copy) == before
    assert sorted(p.name for p in committed_copy.parent.iterdir()) == [
        "cdktf.out",
        "experiments",
        "lab.yaml",
    ]


def test_failure_while_building_stacks_leaves_output_untouched(
    committed_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A construct that raises halfway through the app: no partial output, no scratch left."""
    definition = load_definition(FIXTURE_CONFIG, FIXTURE_EXPERIMENTS)
    real_builder_for = app_module.builder_for

    def builder_for(stack: Any) -> Any:
        if stack.id == "exp-multi-cloud-demo-aks":
            raise ValueError("authorized_ip_ranges: boom")
        return real_builder_for(stack)

    monkeypatch.setattr(app_module, "builder_for", builder_for)
    before = read_tree(committed_copy)
    with pytest.raises(ValueError, match="boom"):
        synthesize(definition, committed_copy)
    assert read_tree(committed_copy) == before
    assert [p.name for p in committed_copy.parent.iterdir()] == ["cdktf.out"]


def test_check_reports_stale_missing_and_unexpected_files(committed_copy: Path) -> None:
    definition = load_definition(FIXTURE_CONFIG, FIXTURE_EXPERIMENTS)
    assert check(definition, committed_copy) == []

    stale = committed_copy / "stacks" / "aws-foundation" / "cdk.tf.json"
    stale.write_text(stale.read_text().replace("10.50.0.0/16", "10.51.0.0/16"))
    shutil.rmtree(committed_copy / "stacks" / "exp-multi-cloud-demo-eks")
    (committed_copy / "stacks" / "exp-gone-aks").mkdir()
    (committed_copy / "stacks" / "exp-gone-aks" / "cdk.tf.json").write_text("{}\n")
    # What `tofu init` leaves behind is not the app's output and is ignored.
    (committed_copy / "stacks" / "aws-foundation" / ".terraform").mkdir()
    (committed_copy / "stacks" / "aws-foundation" / ".terraform.lock.hcl").write_text("#\n")

    assert check(definition, committed_copy) == [
        "missing: stacks/exp-multi-cloud-demo-eks/cdk.tf.json",
        "unexpected: stacks/exp-gone-aks/cdk.tf.json",
        "stale: stacks/aws-foundation/cdk.tf.json",
    ]


def test_check_command_exit_codes(committed_copy: Path) -> None:
    runner = CliRunner()
    fresh = runner.invoke(synth, ["--check", "--outdir", str(committed_copy), *FIXTURE_OPTIONS])
    assert (fresh.exit_code, fresh.stdout) == (0, f"{committed_copy}/ is up to date (6 stacks)\n")

    (committed_copy / "manifest.json").write_text("{}\n")
    stale = runner.invoke(synth, ["--check", "--outdir", str(committed_copy), *FIXTURE_OPTIONS])
    assert stale.exit_code == EXIT_CHECK_FAILED
    assert stale.stderr == (
        f"error: {committed_copy}/ is stale; run `make synth` and commit it:\n"
        "  stale: manifest.json\n"
    )


def test_unknown_stack_is_refused_before_anything_is_built(committed_copy: Path) -> None:
    before = read_tree(committed_copy)
    result = CliRunner().invoke(
        synth, ["--stack", "exp-nope-eks", "--outdir", str(committed_copy), *FIXTURE_OPTIONS]
    )
    assert result.exit_code == EXIT_INVALID  # a usage error, like every other
    assert result.stderr.startswith(
        "error: unknown stack exp-nope-eks; the stacks are: spacelift-root, "
    )
    assert read_tree(committed_copy) == before
    assert [p.name for p in committed_copy.parent.iterdir()] == ["cdktf.out"]


def test_config_and_experiments_come_from_the_environment(
    tmp_path: Path, committed_copy: Path
) -> None:
    experiments = tmp_path / "elsewhere"
    (experiments / "solo" / "c1").mkdir(parents=True)
    (experiments / "solo" / "c1" / "cluster.yaml").write_text("size: tiny\nprovider: aws\n")
    before = read_tree(committed_copy)
    result = CliRunner().invoke(
        synth,
        ["--outdir", str(committed_copy)],
        env={"LAB_CONFIG": str(tmp_path / "missing.yaml"), "LAB_EXPERIMENTS_DIR": str(experiments)},
    )
    assert result.exit_code == EXIT_INVALID
    assert result.stderr.startswith("error: 2 problems in the lab definition:")
    assert "missing.yaml: cannot be read: No such file or directory" in result.stderr
    assert "elsewhere/solo/c1/cluster.yaml: size: input should be" in result.stderr
    assert read_tree(committed_copy) == before


# Makes the EKS construct refuse its props, but only in the aws worker (which the parent
# starts with LAB_SYNTH_PARALLEL=0): if the parent built the aws stacks itself, the synth
# would succeed and the test fail.
SITECUSTOMIZE = """
import os

if os.environ.get("LAB_SYNTH_PARALLEL") == "0":
    import lab.constructs.aws.eks as eks

    def refuse(self, *args):
        raise ValueError("instance_type: refused by the test")

    eks.EksCluster.__init__ = refuse
"""
EARLY_WORKER_SITECUSTOMIZE = SITECUSTOMIZE.replace(
    'os.environ.get("LAB_SYNTH_PARALLEL") == "0"', '"--heavy" in __import__("sys").argv'
)
"""Refuses the EKS cluster only in the worker main.py starts (``lab.worker --heavy``), not in
the one lab/synth.py would start instead (``--exact --stack ...``) nor in one process."""


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="the worker needs a second CPU")
def test_a_construct_error_in_the_aws_worker_names_the_stack_and_writes_nothing(
    tmp_path: Path, committed_copy: Path
) -> None:
    """A fresh process hands the aws stacks to a worker process; its error reads the same."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE)
    before = read_tree(committed_copy)
    environment = {**os.environ, "PYTHONPATH": f"{hooks}:{REPO}", "LAB_SYNTH_PARALLEL": "1"}
    # The management stack stays here (it loads no provider); the EKS stack goes to the worker.
    only = ["--stack", "spacelift-root", "--stack", "exp-multi-cloud-demo-eks"]
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "main.py"),
            *only,
            *FIXTURE_OPTIONS,
            "--outdir",
            str(committed_copy),
        ],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == EXIT_INVALID
    assert done.stderr == (
        "error: stack exp-multi-cloud-demo-eks: instance_type: refused by the test; "
        "nothing was written\n"
    )
    assert read_tree(committed_copy) == before
    assert sorted(p.name for p in committed_copy.parent.iterdir()) == ["cdktf.out", "hooks"]


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="the worker needs a second CPU")
def test_a_full_synth_uses_the_worker_main_py_starts_first(
    tmp_path: Path, committed_copy: Path
) -> None:
    """A full synth hands the aws stacks to the worker main.py starts before reading the
    definition: its output equals a one-process synth, its error reads the same, and its
    temporary folder goes either way."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    run = [sys.executable, str(REPO / "main.py"), *FIXTURE_OPTIONS]
    environment = {**os.environ, "TMPDIR": str(temporary), "LAB_SYNTH_PARALLEL": "1"}
    fresh = tmp_path / "fresh"
    done = subprocess.run(
        [*run, "--outdir", str(fresh)], cwd=REPO, env=environment, capture_output=True, check=True
    )
    assert done.returncode == 0
    assert read_tree(fresh) == read_tree(committed_copy)
    assert list(temporary.iterdir()) == []

    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(EARLY_WORKER_SITECUSTOMIZE)
    before = read_tree(committed_copy)
    refused = subprocess.run(
        [*run, "--outdir", str(committed_copy)],
        cwd=REPO,
        env={**environment, "PYTHONPATH": f"{hooks}:{REPO}"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert (refused.returncode, refused.stderr.splitlines()[-1]) == (
        EXIT_INVALID,
        "error: stack exp-multi-cloud-demo-eks: instance_type: refused by the test; "
        "nothing was written",
    )
    assert read_tree(committed_copy) == before
    assert list(temporary.iterdir()) == []


def test_main_py_starts_a_worker_only_for_a_full_synth(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from lab import prestart

    started: list[list[str]] = []

    class Recorded:
        def __init__(self, command: list[str], **_options: object) -> None:
            started.append(command)
            self.stderr = None

        def poll(self) -> int:
            return 0

    monkeypatch.setattr(subprocess, "Popen", Recorded)
    monkeypatch.setattr(tempfile, "mkdtemp", lambda prefix: str(tmp_path))
    monkeypatch.setattr(prestart, "_usable_cpus", lambda: 2)
    monkeypatch.setenv("LAB_SYNTH_PARALLEL", "1")
    for partial in (["--stack", "aws-foundation"], ["--stack=aws-foundation"], ["--help"]):
        prestart.start(partial)
        assert prestart.claim() is None
    monkeypatch.setenv("LAB_SYNTH_PARALLEL", "0")
    prestart.start([])
    assert prestart.claim() is None
    monkeypatch.setenv("LAB_SYNTH_PARALLEL", "1")
    prestart.start(["--config", "a.yaml", "--check", "--experiments=exps", "--outdir", "x"])
    worker = prestart.claim()
    assert worker is not None and prestart.claim() is None
    assert started == [
        [sys.executable, "-m", "lab.worker", "--heavy", "--config", "a.yaml",
         "--experiments=exps", "--outdir", str(tmp_path / "out")]
    ]  # fmt: skip
    worker.stop()
    assert not tmp_path.exists()


def test_the_early_worker_is_used_only_for_exactly_the_heavy_stacks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from lab import prestart
    from lab import synth as synthesis

    stopped: list[str] = []

    class Early:
        def stop(self) -> None:
            stopped.append("stopped")

    definition = load_definition(FIXTURE_CONFIG, FIXTURE_EXPERIMENTS)
    heavy = list(synthesis.heavy_stacks(definition))
    assert heavy == ["aws-foundation", "exp-multi-cloud-demo-eks"]
    early = Early()
    monkeypatch.setattr(prestart, "_started", [early])
    assert synthesis._claim_worker(definition, heavy) is cast(prestart.Worker, early)
    assert (prestart.claim(), stopped) == (None, [])
    monkeypatch.setattr(prestart, "_started", [early])
    assert synthesis._claim_worker(definition, heavy[:1]) is None  # synth --stack aws-foundation
    assert (prestart.claim(), stopped) == (None, ["stopped"])


def test_a_construct_error_in_this_process_names_the_stack_and_writes_nothing(
    committed_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lab.constructs.aws import eks

    def refuse(*_args: object) -> None:
        raise ValueError("instance_type: refused by the test")

    monkeypatch.setattr(eks.EksCluster, "__init__", refuse)
    before = read_tree(committed_copy)
    result = CliRunner().invoke(
        synth,
        ["--outdir", str(committed_copy), *FIXTURE_OPTIONS],
        env={"LAB_SYNTH_PARALLEL": "0"},
    )
    assert result.exit_code == EXIT_INVALID
    assert result.stderr == (
        "error: stack exp-multi-cloud-demo-eks: instance_type: refused by the test; "
        "nothing was written\n"
    )
    assert read_tree(committed_copy) == before
    assert [p.name for p in committed_copy.parent.iterdir()] == ["cdktf.out"]


def test_local_opentofu_files_survive_a_synth(committed_copy: Path) -> None:
    """`tofu init` or a local plan in a stack folder leaves files a synth must not delete."""
    definition = load_definition(FIXTURE_CONFIG, FIXTURE_EXPERIMENTS)
    aws = committed_copy / "stacks" / "aws-foundation"
    (aws / ".terraform" / "providers").mkdir(parents=True)
    (aws / ".terraform.lock.hcl").write_text("# lock\n")
    (aws / "terraform.tfstate").write_text('{"version": 4}\n')
    gone = committed_copy / "stacks" / "exp-retired-aks"
    gone.mkdir()
    (gone / "cdk.tf.json").write_text("{}\n")
    (gone / "terraform.tfstate").write_text('{"version": 4}\n')

    synthesize(definition, committed_copy, only=["aws-foundation"])
    assert (aws / "terraform.tfstate").read_text() == '{"version": 4}\n'
    assert (aws / ".terraform" / "providers").is_dir()

    synthesize(definition, committed_copy)
    assert (aws / ".terraform.lock.hcl").read_text() == "# lock\n"
    assert (aws / "terraform.tfstate").read_text() == '{"version": 4}\n'
    # A stack that left the definition loses its output but keeps its local state.
    assert sorted(p.name for p in gone.iterdir()) == ["terraform.tfstate"]
    assert check(definition, committed_copy) == []


def test_one_stack_is_one_stack(committed_copy: Path) -> None:
    result = CliRunner().invoke(
        synth, ["--stack", "spacelift-root", "--outdir", str(committed_copy), *FIXTURE_OPTIONS]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"synthesized 1 stack into {committed_copy}/: spacelift-root\n"
    # The fixture's lab.yaml holds placeholders: synth warns with validate's messages.
    definition = load_definition(FIXTURE_CONFIG, FIXTURE_EXPERIMENTS)
    assert definition.placeholders
    assert result.stderr == "".join(f"warning: {p}\n" for p in definition.placeholders)


def test_a_new_stack_synthesized_alone_brings_spacelift_root_along(
    tmp_path: Path, committed_copy: Path
) -> None:
    """spacelift-root creates the stack: left stale, the next push would not create it."""
    experiments = tmp_path / "experiments"
    shutil.copytree(FIXTURE_EXPERIMENTS, experiments)
    (experiments / "gamma" / "target").mkdir(parents=True)
    (experiments / "gamma" / "target" / "cluster.yaml").write_text("size: small\nprovider: azure\n")
    before = read_tree(committed_copy)
    options = ["--config", str(FIXTURE_CONFIG), "--experiments", str(experiments)]
    result = CliRunner().invoke(
        synth, ["--stack", "exp-gamma-aks", "--outdir", str(committed_copy), *options]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"synthesized 1 stack into {committed_copy}/: exp-gamma-aks\n"
        "and spacelift-root, which was stale: it creates and configures the stacks in "
        "Spacelift, so commit it with them\n"
    )
    after = read_tree(committed_copy)
    changed = sorted(path for path in after if after[path] != before.get(path))
    assert changed == [
        "manifest.json",
        "stacks/exp-gamma-aks/cdk.tf.json",
        "stacks/spacelift-root/cdk.tf.json",
    ]
    assert b"exp-gamma-aks" in after["stacks/spacelift-root/cdk.tf.json"]


def test_a_stack_synthesized_alone_leaves_a_fresh_spacelift_root_unmentioned(
    committed_copy: Path,
) -> None:
    before = read_tree(committed_copy)
    result = CliRunner().invoke(
        synth,
        ["--stack", "exp-http-baseline-aks", "--outdir", str(committed_copy), *FIXTURE_OPTIONS],
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"synthesized 1 stack into {committed_copy}/: exp-http-baseline-aks\n"
    assert read_tree(committed_copy) == before
