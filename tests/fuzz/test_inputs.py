"""No input can hang, crash or slip through: a Hypothesis fuzzer over the lab's inputs.

Each case copies the fixture lab (tests/fixtures/lab) into a temporary tree, mutates it,
and runs the commands users run, in this process through click (a synth of the fixture
lab takes ~0.5 s once the providers are loaded):

* mutations: structural (a key removed, a value replaced by another type, a YAML 1.1
  word, an unknown key, a list emptied) and byte-wise (bytes inserted, deleted,
  replaced, a line doubled, the file cut short, YAML's special tokens spliced in) on
  ``lab.yaml`` or a ``cluster.yaml``, and on the tree (a cluster.yaml that is a directory,
  a FIFO, a looping or dangling link, a stray or misspelt file, an odd folder name, a
  manifest in a cluster's ``argocd/`` folder);
* the promise: ``lab validate`` exits 0 or 2 and never with a traceback; on exit 2 the
  output names a file of the tree; synth gives the same exit code, and on exit 2 leaves
  the output directory byte for byte as it was; no case runs longer than
  :data:`CASE_LIMIT_SECONDS` (an alarm turns a hang into a failure).

``make test`` runs the bounded, derandomized ``ci`` profile; ``make fuzz`` a long random
run (tests/fuzz/conftest.py). Interesting cases it found are regular tests in
tests/definition/test_yaml_loading.py.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import yaml
from click.testing import CliRunner, Result
from hypothesis import event, given, note, settings
from hypothesis import strategies as st

from lab.cli import main
from lab.errors import display_path
from tests.helpers import FIXTURE_LAB, dump_yaml, read_tree

CASE_LIMIT_SECONDS = 60
"""A case that runs this long is a hang (a normal case takes well under a second)."""

CLUSTER_FILES = sorted(
    str(p.relative_to(FIXTURE_LAB)) for p in (FIXTURE_LAB / "experiments").glob("*/*/cluster.yaml")
)
TARGETS = ["lab.yaml", *CLUSTER_FILES]

YAML_TOKENS = [
    "&a ", "*a", "<<: ", "!!binary ", "!!python/object:os.system ", "? ", "- ", ": ", "[", "]",
    "{", "}", ",", "#", "'", '"', "|", ">", "\t", "\x00", "\x85", "\ufeff", "no", "yes", "on",
    ".inf", ".nan", "1e999", "0x", "~", "null", "---\n", "...\n", "%YAML 1.1\n", "\n  ",
    "2026-13-45", "1:20", '"\\UA0010000"', "9" * 5000, "[" * 200,
]  # fmt: skip
"""What YAML treats specially: spliced into files byte-wise."""

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["no", "yes", "on", "off", ".inf", ".nan", "1.30", "", "0.0.0.0/0", "*"]),
    st.text(max_size=30),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)


# --- mutations ----------------------------------------------------------------------------


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path into ``data`` (mapping keys and list indexes)."""
    found: list[tuple[Any, ...]] = []
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, value in items:
        found.append((*prefix, key))
        found += _paths(value, (*prefix, key))
    return found


def _structural(draw: st.DrawFn, text: str) -> bytes:
    data = yaml.safe_load(text)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["delete", "replace", "add", "empty"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "replace":
            parent[path[-1]] = draw(VALUES)
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=12))] = draw(VALUES)
        elif action == "empty" and isinstance(parent[path[-1]], list | dict):
            parent[path[-1]].clear()
    return dump_yaml(data).encode()


def _bytewise(draw: st.DrawFn, raw: bytes) -> bytes:
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(raw)))
        action = draw(st.sampled_from(["insert", "token", "delete", "replace", "line", "cut"]))
        if action == "insert":
            raw = raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at:]
        elif action == "token":
            raw = raw[:at] + draw(st.sampled_from(YAML_TOKENS)).encode() + raw[at:]
        elif action == "delete":
            raw = raw[:at] + raw[at + draw(st.integers(1, 40)) :]
        elif action == "replace" and at < len(raw):
            raw = raw[:at] + bytes([draw(st.integers(0, 255))]) + raw[at + 1 :]
        elif action == "line":
            lines = raw.split(b"\n")
            index = draw(st.integers(0, len(lines) - 1))
            raw = b"\n".join([*lines[: index + 1], lines[index], *lines[index + 1 :]])
        elif action == "cut":
            raw = raw[:at]
    return raw


_UNREADABLE: dict[str, Callable[[Path], object]] = {
    "directory": Path.mkdir,
    "fifo": os.mkfifo,
    "loop": lambda path: path.symlink_to(path),
    "dangling": lambda path: path.symlink_to(path.parent / "gone.yaml"),
}
"""What a cluster.yaml can be instead of a file."""


def _tree_change(draw: st.DrawFn, root: Path) -> str:
    """Change the tree around the files; say what was done (for the failure report)."""
    experiments = root / "experiments"
    cluster = root / draw(st.sampled_from(CLUSTER_FILES))
    kind = draw(
        st.sampled_from(
            ["directory", "fifo", "loop", "dangling", "empty", "stray", "misspelt", "folder",
             "folder-loop", "manifest", "no-experiments", "no-lab-yaml"]
        )
    )  # fmt: skip
    if kind in _UNREADABLE:
        cluster.unlink()
        _UNREADABLE[kind](cluster)
    elif kind == "empty":
        cluster.write_bytes(b"")
    elif kind == "stray":
        shutil.copy(cluster, cluster.parent.parent / "cluster.yaml")
    elif kind == "misspelt":
        cluster.rename(cluster.with_name("cluster.yml"))
    elif kind == "folder":
        name = draw(
            st.text(
                st.characters(codec="ascii", exclude_characters="/\x00"), min_size=1, max_size=70
            )
        )
        if name in {".", ".."}:
            return "folder skipped"
        folder = experiments / name / draw(st.sampled_from(["target", "Bad_Name", "x" * 40]))
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(cluster, folder / "cluster.yaml")
    elif kind == "folder-loop":
        (experiments / "looped").symlink_to(experiments / "looped")
    elif kind == "manifest":
        apps = cluster.parent / "argocd"
        apps.mkdir(exist_ok=True)
        text = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"
        (apps / "app.yaml").write_bytes(_bytewise(draw, text))
    elif kind == "no-experiments":
        shutil.rmtree(experiments)
    elif kind == "no-lab-yaml":
        (root / "lab.yaml").unlink()
    return f"{kind} at {cluster.relative_to(root)}"


@st.composite
def mutated_labs(draw: st.DrawFn) -> Callable[[Path], None]:
    """A change to a copy of the fixture lab, applied by calling it on the copy's root."""
    target = draw(st.sampled_from(TARGETS))
    original = (FIXTURE_LAB / target).read_bytes()
    how = draw(st.sampled_from(["structural", "bytewise", "tree", "structural+bytewise"]))
    content = original
    if how.startswith("structural"):
        content = _structural(draw, original.decode())
    if how.endswith("bytewise"):
        content = _bytewise(draw, content)
    tree_draw = draw(st.data()) if how == "tree" else None

    def apply(root: Path) -> None:
        if tree_draw is not None:
            note(_tree_change(tree_draw.draw, root))
            return
        (root / target).write_bytes(content)
        note(f"{how} {target}:\n{content[:3000]!r}")

    return apply


# --- running the commands -----------------------------------------------------------------


class CaseTimeoutError(Exception):
    """A case ran past CASE_LIMIT_SECONDS: treated as a hang."""


@contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise CaseTimeoutError(f"the case ran past {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _lab_copy() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="lab-fuzz-") as scratch:
        root = Path(scratch) / "lab"
        shutil.copytree(FIXTURE_LAB, root, symlinks=True)
        yield root


def _run(*args: str) -> Result:
    return CliRunner(env={"LAB_SYNTH_PARALLEL": "0"}).invoke(main, list(args))


def _assert_kept_promise(result: Result, root: Path, command: str) -> None:
    output = result.output
    assert "Traceback" not in output, f"{command} printed a traceback:\n{output}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{command} raised instead of exiting") from result.exception
    assert result.exit_code in {0, 2}, f"{command} exited {result.exit_code}:\n{output}"
    if result.exit_code == 2:
        assert display_path(root) in output, f"{command} named no file of the lab:\n{output}"


def _inputs(root: Path) -> list[str]:
    return ["--config", str(root / "lab.yaml"), "--experiments", str(root / "experiments")]


@given(mutated_labs())
def test_validate_exits_0_or_2_naming_the_file(mutate: Callable[[Path], None]) -> None:
    with _lab_copy() as root, _time_limit(CASE_LIMIT_SECONDS):
        mutate(root)
        result = _run("validate", *_inputs(root))
        _assert_kept_promise(result, root, "lab validate")
        event(f"lab validate exit {result.exit_code}")


@settings(max_examples=max(1, settings.default.max_examples // 2))  # each may synthesize
@given(mutated_labs())
def test_synth_agrees_with_validate_and_writes_nothing_on_exit_2(
    mutate: Callable[[Path], None],
) -> None:
    with _lab_copy() as root, _time_limit(CASE_LIMIT_SECONDS):
        mutate(root)
        outdir = root.parent / "cdktf.out"
        (outdir / "stacks" / "kept").mkdir(parents=True)
        (outdir / "stacks" / "kept" / "cdk.tf.json").write_text('{"kept": true}\n')
        before = read_tree(outdir)
        validated = _run("validate", *_inputs(root))
        synthesized = _run("synth", *_inputs(root), "--outdir", str(outdir))
        _assert_kept_promise(synthesized, root, "synth")
        event(f"synth exit {synthesized.exit_code}")
        assert synthesized.exit_code == validated.exit_code, (
            f"lab validate exited {validated.exit_code}, synth {synthesized.exit_code}:\n"
            f"{validated.output}\n{synthesized.output}"
        )
        if synthesized.exit_code == 2:
            assert read_tree(outdir) == before, "synth exited 2 but changed its output directory"
