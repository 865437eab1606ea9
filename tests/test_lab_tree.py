"""What holds for the repository's own lab.yaml and experiments/, whatever they contain.

These files belong to the lab's users and change in every pull request, so nothing here
names an experiment or counts stacks: exact expectations use the fixture lab
(``tests/fixtures/lab``). ``make check-synth`` checks that cdktf.out/ is fresh.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest

from lab.clouds import cloud_unit
from lab.contract import StackInput, foundation_stack_id
from lab.definition import LabDefinition, StackKind, load_definition
from lab.experiments import discover_experiments
from tests.helpers import REPO


@pytest.fixture(scope="module")
def lab() -> LabDefinition:
    return load_definition(REPO / "lab.yaml", REPO / "experiments")


def test_the_lab_is_valid_and_each_warning_names_its_file(lab: LabDefinition) -> None:
    """Loading the users' lab raised nothing. Warnings are valid content (support that ends
    soon, an expired experiment due for `lab expired --remove`): `lab validate` prints them and
    `--strict` fails on them, but the suite does not, or a date would turn every pull request
    red. Each names a file of the lab."""
    for warning in (*lab.warnings, *lab.placeholders):
        where = Path(warning.file).resolve()
        assert where == REPO / "lab.yaml" or (REPO / "experiments") in where.parents, warning
        assert warning.message, warning


def test_every_experiment_stack_runs_after_its_foundation_and_reads_its_outputs(
    lab: LabDefinition,
) -> None:
    assert_stacks_are_wired(lab)


def test_the_committed_output_holds_exactly_the_lab_s_stacks(lab: LabDefinition) -> None:
    assert_output_holds_the_stacks(lab, REPO / "cdktf.out")


def test_every_managed_stack_runs_its_own_folder(lab: LabDefinition) -> None:
    assert_managed_stacks_run_their_folders(lab, REPO / "cdktf.out")


# The invariants, also run by tests/journey/test_optional_sections.py on every optional
# section of lab.yaml turned on and off.


def assert_stacks_are_wired(lab: LabDefinition) -> None:
    """Every experiment stack runs after its foundation and reads its outputs."""
    for stack in lab.stacks:
        if stack.kind is StackKind.EXPERIMENT:
            assert stack.cloud is not None
            own = foundation_stack_id(stack.cloud)
            experiment = next(e for e in lab.experiments if e.name == stack.experiment)
            assert stack.depends_on[0] == own
            assert set(stack.depends_on) <= {foundation_stack_id(c) for c in experiment.clouds}
            basics = cloud_unit(stack.cloud).experiment_inputs
            assert stack.inputs[: len(basics)] == tuple(StackInput(own, v, v.name) for v in basics)
            # Every upstream passes something, and only upstreams do.
            assert {i.upstream for i in stack.inputs} == set(stack.depends_on), stack.id
            assert stack.clusters, stack.id


def assert_output_holds_the_stacks(lab: LabDefinition, outdir: Path) -> None:
    manifest = json.loads((outdir / "manifest.json").read_text())
    folders = {p.name for p in (outdir / "stacks").iterdir() if p.is_dir()}
    expected = {stack.id for stack in lab.stacks}
    assert set(manifest["stacks"]) == expected
    assert folders == expected


def assert_managed_stacks_run_their_folders(lab: LabDefinition, outdir: Path) -> None:
    root = json.loads((outdir / "stacks" / "spacelift-root" / "cdk.tf.json").read_text())
    roots = {
        slug: stack["project_root"] for slug, stack in root["resource"]["spacelift_stack"].items()
    }
    assert roots == {s.id: f"cdktf.out/stacks/{s.id}" for s in lab.managed_stacks}


def test_the_template_is_a_valid_cluster(tmp_path: Path) -> None:
    """experiments/_template/ documents the format: copied under a real name, it is valid."""
    shutil.copytree(REPO / "experiments" / "_template", tmp_path / "copied")
    (tmp_path / "copied" / "README.md").unlink()
    [experiment] = discover_experiments(tmp_path, max_nodes_per_cluster=10)
    assert [cluster.name for cluster in experiment.clusters] == ["target"]


def test_test_stacks_leave_no_directories_behind() -> None:
    """Test apps write to one directory that goes when the tests end, not to a new
    ``cdktf.outdir.*`` in the temp dir per app."""
    from tests.helpers import new_stack, synth

    def leftovers() -> set[str]:
        return {p.name for p in Path(tempfile.gettempdir()).glob("cdktf.outdir.*")}

    before = leftovers()
    for name in ("a", "b", "c"):
        synth(new_stack(name))
    assert leftovers() == before


def test_placeholders_name_lab_yaml_and_the_field(lab: LabDefinition) -> None:
    """The shipped lab.yaml may hold documentation values (lab validate --strict refuses
    them before a first push); each warning names the file and the field to change."""
    for placeholder in lab.placeholders:
        assert (Path(placeholder.file).name, bool(placeholder.field)) == ("lab.yaml", True)
