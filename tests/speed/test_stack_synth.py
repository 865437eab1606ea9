"""``main.py --stack ID`` rewrites that stack's files and manifest entry, nothing else."""

from __future__ import annotations

from lab.definition import MANAGEMENT_STACK_ID
from tests.speed.support import TAMPERED_STACK, MainRun

TARGET = f"stacks/{MANAGEMENT_STACK_ID}/cdk.tf.json"
TAMPERED = f"stacks/{TAMPERED_STACK}/cdk.tf.json"
MANIFEST = "manifest.json"

StackSynth = tuple[MainRun, dict[str, bytes]]


def test_stack_synth_rewrites_the_stack_as_a_full_synth_would(
    management_stack: StackSynth, whole_app: MainRun
) -> None:
    run, before = management_stack
    assert run.returncode == 0, run.stderr
    assert before[TARGET] == b"stale\n"

    assert run.tree()[TARGET] == whole_app.tree()[TARGET]
    assert run.stdout.rstrip().endswith(f": {MANAGEMENT_STACK_ID}")


def test_stack_synth_leaves_the_other_stacks_untouched(management_stack: StackSynth) -> None:
    run, before = management_stack
    after = run.tree()

    assert after[TAMPERED] == b"tampered\n"
    assert sorted(after) == sorted(before)
    changed = [path for path in before if after[path] != before[path]]
    assert changed == [TARGET]  # the manifest is rewritten byte-identical: see below


def test_stack_synth_keeps_every_manifest_entry(
    management_stack: StackSynth, whole_app: MainRun
) -> None:
    run, _ = management_stack

    assert run.tree()[MANIFEST] == whole_app.tree()[MANIFEST]
