"""Synthesize the app into ``cdktf.out/``: deterministic, and all-or-nothing.

The app is synthesized into a temporary sibling directory, normalized (sorted keys, a
fixed indent, the stack dependencies of the definition in the manifest), and only then
swapped into place. A failure at any step leaves the existing ``cdktf.out/`` exactly as
it was. ``check`` synthesizes the same way and compares instead of writing.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from lab.definition import LabDefinition

MANIFEST: Final = "manifest.json"
STACK_FILE: Final = "cdk.tf.json"
# What `tofu init` or a local `cdktf deploy` may leave in a stack folder: never ours.
_IGNORED_NAMES: Final = frozenset({".terraform", ".terraform.lock.hcl", "terraform.tfstate"})


@dataclass(frozen=True)
class SynthResult:
    outdir: Path
    stack_ids: tuple[str, ...]


def synthesize(
    definition: LabDefinition, outdir: Path, *, only: Collection[str] | None = None
) -> SynthResult:
    """Write every stack (or only the stacks in ``only``) of ``definition`` into ``outdir``.

    With ``only``, the other stacks' files are left untouched and the manifest keeps
    their entries.
    """
    with _scratch_dir(outdir) as scratch:
        stack_ids = _synthesize_into(definition, scratch, only)
        if only is None:
            _replace_tree(scratch, outdir)
        else:
            _replace_stacks(scratch, outdir, stack_ids)
    return SynthResult(outdir, stack_ids)


def check(definition: LabDefinition, outdir: Path) -> list[str]:
    """How the committed ``outdir`` differs from a fresh synth; empty when it is fresh."""
    with _scratch_dir(outdir) as scratch:
        _synthesize_into(definition, scratch, None)
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
    definition: LabDefinition, scratch: Path, only: Collection[str] | None
) -> tuple[str, ...]:
    from lab.app import build_app  # imports cdktf: keep `lab validate` and friends light

    build_app(definition, outdir=str(scratch), only=only).synth()
    manifest = _read_json(scratch / MANIFEST)
    for stack_id, entry in manifest["stacks"].items():
        # Dependencies come from the definition (the one source of truth) rather than from
        # CDKTF's add_dependency, so a stack synthesized alone gets the same manifest entry.
        entry["dependencies"] = list(definition.get(stack_id).depends_on)
        _write_json(
            scratch / entry["synthesizedStackPath"],
            _read_json(scratch / entry["synthesizedStackPath"]),
        )
    _write_json(scratch / MANIFEST, manifest)
    return tuple(sorted(manifest["stacks"]))


def _replace_tree(new: Path, outdir: Path) -> None:
    """Swap ``new`` in as ``outdir`` with two renames; restore the old tree on failure."""
    old = outdir.with_name(f".{outdir.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if outdir.exists():
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
        _replace_tree(new / "stacks" / stack_id, target)
        manifest["stacks"][stack_id] = fresh["stacks"][stack_id]
    staged = manifest_path.with_name(f".{MANIFEST}.new")
    _write_json(staged, manifest)
    staged.replace(manifest_path)


@contextmanager
def _scratch_dir(outdir: Path) -> Iterator[Path]:
    """A temporary directory beside ``outdir`` (same filesystem, so renames are atomic)."""
    outdir.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", dir=outdir.parent))
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _tree(root: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _IGNORED_NAMES)
        for name in sorted(filenames):
            if name in _IGNORED_NAMES:
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
