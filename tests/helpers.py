"""Small helpers shared by the tests: synthesize a stack and pick blocks out of it."""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from cdktn import App, TerraformStack, Testing

JsonDict = dict[str, Any]

REPO = Path(__file__).resolve().parents[1]
"""The repository root (lab.yaml, experiments/, cdktf.out/)."""

FIXTURE_LAB = REPO / "tests" / "fixtures" / "lab"
"""A lab of known content for the tests that need exact numbers. The repository's own
``lab.yaml`` and ``experiments/`` belong to its users and change in every pull request, so
tests read them only to check what holds for any valid content."""
FIXTURE_CONFIG = FIXTURE_LAB / "lab.yaml"
FIXTURE_EXPERIMENTS = FIXTURE_LAB / "experiments"

REAL_LOOKING: dict[str, str] = {
    "203.0.113.0/24": "81.2.69.0/24",
    "00000000-0000-0000-0000-000000000000": "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b",
    "111122223333": "210987654321",
    "space_id: root": "space_id: illm-k8s-lab-01JB7Q5W3X9Y2Z4A6C8E0G2J4M",
}
"""The fixture's documentation values (lab.rules.placeholders), each with a value that
could be someone's: for the tests that need ``lab validate --strict`` to pass."""


def real_looking(text: str) -> str:
    """``lab.yaml`` text with every placeholder of the fixture replaced by REAL_LOOKING."""
    for placeholder, value in REAL_LOOKING.items():
        text = text.replace(placeholder, value)
    return text


def read_tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (a synth output, say) by relative path, with its bytes."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


_APP_OUTDIR = Path(tempfile.mkdtemp(prefix="lab-test-apps-"))
"""Where test apps would write (they never synthesize to disk); removed when the tests end,
instead of one ``cdktf.outdir.*`` directory per app left in the temp dir."""
atexit.register(shutil.rmtree, _APP_OUTDIR, True)


def new_stack(stack_id: str = "test") -> TerraformStack:
    """An empty stack in a throwaway test app (stubbed version, future flags on)."""
    app: App = Testing.app(outdir=str(_APP_OUTDIR))
    return TerraformStack(app, stack_id)


class Synthesized(dict[str, Any]):
    """A stack's Terraform JSON (sorted keys, no ``//`` metadata, no backend), which also
    knows each block's construct path, so tests find blocks by the construct that made them
    rather than by parsing logical ids."""

    paths: dict[str, tuple[str, str]]
    """Construct path below the stack (``Net/Vpc``) -> (block type, logical id)."""


def synth(stack: TerraformStack) -> Synthesized:
    """The stack as Terraform JSON, with :attr:`Synthesized.paths`."""
    doc = Synthesized(json.loads(Testing.synth(stack)))
    doc.paths = {}
    for kind in ("resource", "data"):
        for block_type, blocks in stack.to_terraform().get(kind, {}).items():
            for logical, body in blocks.items():
                path = body["//"]["metadata"]["path"].split("/", 1)[1]
                doc.paths[path.removesuffix("/Default")] = (block_type, logical)
    return doc


def logical_id_at(doc: JsonDict, block_type: str, path: str) -> str:
    """The logical id of the ``block_type`` block the construct at ``path`` (below the
    stack, ``Default`` left out) created."""
    assert isinstance(doc, Synthesized), "synthesize with tests.helpers.synth"
    found = doc.paths.get(path)
    assert found is not None, f"no block at {path}; blocks: {sorted(doc.paths)}"
    assert found[0] == block_type, f"{path} is a {found[0]}, not a {block_type}"
    return found[1]


def resources(doc: JsonDict, resource_type: str) -> dict[str, JsonDict]:
    """Every resource of one type, keyed by logical id (empty when there is none)."""
    return doc.get("resource", {}).get(resource_type, {})  # type: ignore[no-any-return]


def only_resource(doc: JsonDict, resource_type: str) -> JsonDict:
    """The single resource of a type; fails the test when there are zero or several."""
    found = resources(doc, resource_type)
    assert len(found) == 1, f"expected one {resource_type}, found {sorted(found)}"
    return next(iter(found.values()))


def data_sources(doc: JsonDict, data_type: str) -> dict[str, JsonDict]:
    """Every data source of one type, keyed by logical id."""
    return doc.get("data", {}).get(data_type, {})  # type: ignore[no-any-return]


class _PlainDumper(yaml.SafeDumper):
    """Writes a value used twice out twice: the lab's files take no anchors or aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_yaml(data: Any) -> str:
    """YAML text as a user would write it (keys in order, no anchors)."""
    return yaml.dump(data, Dumper=_PlainDumper, sort_keys=False)
