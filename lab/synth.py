"""Synthesize the app into ``cdktf.out/``: deterministic, and all-or-nothing.

The app is synthesized into a temporary sibling directory, normalized (sorted keys, a
fixed indent, the stack dependencies of the definition in the manifest), and only then
swapped into place. A failure at any step leaves the existing ``cdktf.out/`` exactly as
it was. ``check`` synthesizes the same way and compares instead of writing.

Most of a synth is jsii: loading each provider into node, then building every resource
through it, one call at a time. When both clouds are needed and this process has not
loaded the aws provider yet, a second process synthesizes the aws stacks (the costliest to
build) meanwhile, so the two halves run on two cores; its output is merged into the same
scratch directory before anything is published. The CLI asks for that (``parallel=True``);
``LAB_SYNTH_PARALLEL=0`` keeps everything in one process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from lab import prestart
from lab.clouds import cloud_unit
from lab.definition import LabDefinition, StackDefinition
from lab.errors import SynthError

MANIFEST: Final = "manifest.json"
STACK_FILE: Final = "cdk.tf.json"
NOTHING_WRITTEN: Final = "; nothing was written"
"""How the synth command ends an error: the output directory was left as it was."""
# What `tofu init` or a local `cdktf deploy` may leave in a stack folder: never ours to
# compare or delete, so it is carried over when a stack folder is replaced.
LOCAL_FILES: Final = frozenset({".terraform", ".terraform.lock.hcl", "terraform.tfstate"})


@dataclass(frozen=True)
class SynthResult:
    outdir: Path
    stack_ids: tuple[str, ...]


def synthesize(
    definition: LabDefinition,
    outdir: Path,
    *,
    only: Collection[str] | None = None,
    parallel: bool = False,
) -> SynthResult:
    """Write every stack (or only the stacks in ``only``) of ``definition`` into ``outdir``.

    With ``only``, the other stacks' files are left untouched and the manifest keeps
    their entries. ``parallel`` lets a worker process synthesize the aws stacks (worth it
    in a fresh process, as the CLI is; not for repeated calls in one process).
    """
    with _scratch_dir(outdir) as scratch:
        stack_ids = _synthesize_into(definition, scratch, only, parallel=parallel)
        if only is None:
            _replace_tree(scratch, outdir)
        else:
            _replace_stacks(scratch, outdir, stack_ids)
    return SynthResult(outdir, stack_ids)


def check(definition: LabDefinition, outdir: Path, *, parallel: bool = False) -> list[str]:
    """How the committed ``outdir`` differs from a fresh synth; empty when it is fresh."""
    with _scratch_dir(outdir) as scratch:
        _synthesize_into(definition, scratch, None, parallel=parallel)
        expected = _tree(scratch)
        actual = _tree(outdir) if outdir.is_dir() else {}
    differences = [f"missing: {path}" for path in sorted(expected.keys() - actual.keys())]
    differences += [f"unexpected: {path}" for path in sorted(actual.keys() - expected.keys())]
    differences += [
        f"stale: {path}"
        for path in sorted(expected.keys() & actual.keys())
        if expected[path] != actual[path]
    ]
    return differences


def _synthesize_into(
    definition: LabDefinition, scratch: Path, only: Collection[str] | None, *, parallel: bool
) -> tuple[str, ...]:
    wanted = [s.id for s in definition.stacks if only is None or s.id in only]
    offloaded = _offloadable(definition, wanted) if parallel else []
    with _scratch_dir(scratch) as worker_dir:
        # The worker main.py started, or one started now, before importing cdktf here, so
        # both start-ups overlap too.
        worker = _claim_worker(definition, offloaded)
        if worker is None and offloaded:
            worker = _start_worker(definition, offloaded, worker_dir)
        try:
            from lab.app import build_app  # imports cdktf: keep `lab validate` light

            local = [stack_id for stack_id in wanted if stack_id not in offloaded]
            build_app(definition, outdir=str(scratch), only=local).synth()
            manifest = _read_json(scratch / MANIFEST)
            if worker is not None:
                _merge_worker(worker.process, worker.outdir, scratch, manifest)
        finally:
            if worker is not None:
                worker.stop()
    for stack_id, entry in manifest["stacks"].items():
        # Dependencies come from the definition (the one source of truth) rather than from
        # CDKTF's add_dependency, so a stack synthesized alone gets the same manifest entry.
        entry["dependencies"] = list(definition.get(stack_id).depends_on)
        stack_file = scratch / entry["synthesizedStackPath"]
        _write_json(stack_file, _read_json(stack_file))
    _write_json(scratch / MANIFEST, manifest)
    return tuple(sorted(manifest["stacks"]))


def _offloadable(definition: LabDefinition, wanted: list[str]) -> list[str]:
    """The stacks of clouds with a heavy provider, when another process can usefully
    synthesize them meanwhile."""
    assemblies = {s: _heavy_provider(definition.get(s)) for s in wanted}
    heavy = [s for s, assembly in assemblies.items() if assembly is not None]
    if (
        not heavy
        or len(heavy) == len(wanted)
        or definition.sources is None
        or not prestart.parallel_allowed()
        or any(assemblies[s] in sys.modules for s in heavy)  # loaded here: nothing to overlap
    ):
        return []
    return heavy


def heavy_stacks(definition: LabDefinition) -> tuple[str, ...]:
    """The stacks of clouds with a heavy provider: what a worker synthesizes."""
    return tuple(s.id for s in definition.stacks if _heavy_provider(s) is not None)


def _claim_worker(definition: LabDefinition, offloaded: list[str]) -> prestart.Worker | None:
    """The worker main.py started, when it is doing exactly the stacks to offload."""
    worker = prestart.claim()
    if worker is not None and offloaded != list(heavy_stacks(definition)):
        worker.stop()
        return None
    return worker


def _heavy_provider(stack: StackDefinition) -> str | None:
    return None if stack.cloud is None else cloud_unit(stack.cloud).heavy_provider


def _start_worker(definition: LabDefinition, stack_ids: list[str], folder: Path) -> prestart.Worker:
    assert definition.sources is not None  # _offloadable checked it
    arguments = [
        "--config",
        str(definition.sources.config_path),
        "--experiments",
        str(definition.sources.experiments_dir),
        "--exact",  # spacelift-root is the parent's
    ]
    for stack_id in stack_ids:
        arguments += ["--stack", stack_id]
    return prestart.spawn(arguments, folder)


def _merge_worker(
    worker: subprocess.Popen[str], worker_out: Path, scratch: Path, manifest: dict[str, Any]
) -> None:
    """Wait for the worker and move its stacks into ``scratch``."""
    _, errors = worker.communicate()
    if worker.returncode != 0:
        # The worker is this same CLI: take its message, not its framing.
        message = errors.strip().removeprefix("error: ").removesuffix(NOTHING_WRITTEN)
        raise SynthError(message or f"the synth worker exited with {worker.returncode}")
    for stack_id, entry in _read_json(worker_out / MANIFEST)["stacks"].items():
        # A move, not a rename: main.py's worker writes into the system's temporary folder.
        shutil.move(worker_out / "stacks" / stack_id, scratch / "stacks" / stack_id)
        manifest["stacks"][stack_id] = entry


def _replace_tree(new: Path, outdir: Path) -> None:
    """Swap ``new`` in as ``outdir`` with two renames; restore the old tree on failure."""
    old = outdir.with_name(f".{outdir.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if outdir.exists():
        for stack_dir in sorted((outdir / "stacks").glob("*/")):
            _carry_local_files(stack_dir, new / "stacks" / stack_dir.name)
        outdir.rename(old)
    try:
        new.rename(outdir)
    except OSError:
        if old.exists():
            old.rename(outdir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _replace_stacks(new: Path, outdir: Path, stack_ids: tuple[str, ...]) -> None:
    """Replace only the given stacks' folders and manifest entries in ``outdir``."""
    (outdir / "stacks").mkdir(parents=True, exist_ok=True)
    fresh = _read_json(new / MANIFEST)
    manifest_path = outdir / MANIFEST
    manifest = _read_json(manifest_path) if manifest_path.exists() else {"stacks": {}}
    manifest["version"] = fresh["version"]
    for stack_id in stack_ids:
        target = outdir / "stacks" / stack_id
        if target.exists():
            _carry_local_files(target, new / "stacks" / stack_id)
        _replace_tree(new / "stacks" / stack_id, target)
        manifest["stacks"][stack_id] = fresh["stacks"][stack_id]
    staged = manifest_path.with_name(f".{MANIFEST}.new")
    _write_json(staged, manifest)
    staged.replace(manifest_path)


def _carry_local_files(old_stack: Path, new_stack: Path) -> None:
    """Move local OpenTofu state and caches into the replacement folder (created if the
    stack is gone), so a synth never deletes someone's local state."""
    for name in sorted(LOCAL_FILES):
        if (old_stack / name).exists():
            new_stack.mkdir(parents=True, exist_ok=True)
            (old_stack / name).rename(new_stack / name)


@contextmanager
def _scratch_dir(outdir: Path) -> Iterator[Path]:
    """A temporary directory beside ``outdir`` (same filesystem, so renames are atomic)."""
    outdir.parent.mkdir(parents=True, exist_ok=True)
    # Named .cdktf.out.* (gitignored) also when ``outdir`` is itself a scratch directory.
    prefix = f".{outdir.name.lstrip('.')}."
    scratch = Path(tempfile.mkdtemp(prefix=prefix, dir=outdir.parent))
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _tree(root: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in LOCAL_FILES)
        for name in sorted(filenames):
            if name in LOCAL_FILES:
                continue
            path = Path(dirpath) / name
            files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _write_json(path: Path, document: Any) -> None:
    # Sorted keys and a fixed layout: the committed output changes only when its content does.
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
