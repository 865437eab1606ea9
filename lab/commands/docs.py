"""``lab docs``: rewrite the generated parts of ``docs/`` and ``README.md`` (``make docs``).

These parts are generated, so they cannot drift from their sources:

- the stack graph in ``docs/architecture.md``, a Mermaid block between the
  :data:`GRAPH_BEGIN` and :data:`GRAPH_END` marker comments (the prose around it is
  written by hand and left alone). It draws an example lab (one experiment with a
  cluster on each cloud), so it does not change when experiments come and go;
- all of ``docs/policies.md``, from the METADATA annotations OPA returns for
  ``policies/*.rego`` (:mod:`lab.commands.policy_docs`);
- the table of values between stacks in ``docs/architecture.md`` (between
  :data:`CONTRACT_BEGIN` and :data:`CONTRACT_END`), from :mod:`lab.contract`;
- the table of checkov suppressions in ``README.md``, from ``.checkov.yaml``;
- all of ``docs/json-output.md``, the JSON Schemas of the ``--json`` documents, from their
  models (:mod:`lab.commands.documents`).

None of them depends on ``lab.yaml`` or ``experiments/``: adding an experiment never
makes them stale. ``lab docs --check`` (in ``make lint``) fails when one is.
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from lab.clouds import CLOUDS
from lab.commands.affected import AffectedDocument
from lab.commands.doctor import DoctorDocument
from lab.commands.documents import Document
from lab.commands.expiry import ExpiredDocument
from lab.commands.graph import GraphFormat, render
from lab.commands.inventory import StacksDocument
from lab.commands.policy_docs import PolicyReference, policy_reference, render_policies_markdown
from lab.contract import experiment_inputs, experiment_upstreams
from lab.definition import MANAGEMENT_STACK_ID, StackDefinition, StackKind
from lab.policies import POLICY_DIRECTORY, PolicyFile, load_policies

ARCHITECTURE: Final = Path("docs/architecture.md")
POLICIES: Final = Path("docs/policies.md")
JSON_OUTPUT: Final = Path("docs/json-output.md")
README: Final = Path("README.md")
CHECKOV_CONFIG: Final = Path(".checkov.yaml")
GRAPH_BEGIN: Final = "<!-- BEGIN GENERATED: stack graph (`make docs` rewrites it; do not edit) -->"
GRAPH_END: Final = "<!-- END GENERATED: stack graph -->"
SUPPRESSIONS_BEGIN: Final = (
    "<!-- BEGIN GENERATED: checkov suppressions from .checkov.yaml (`make docs`) -->"
)
SUPPRESSIONS_END: Final = "<!-- END GENERATED: checkov suppressions -->"
CONTRACT_BEGIN: Final = "<!-- BEGIN GENERATED: values between stacks from lab/contract.py -->"
CONTRACT_END: Final = "<!-- END GENERATED: values between stacks -->"
EXAMPLE_EXPERIMENT: Final = "demo"
"""The experiment of the example lab the architecture graph draws."""
_SUPPRESSION = re.compile(r"^\s*-\s*(?P<check>CKV2?_[A-Z0-9_]+)\s*#\s*(?P<reason>.+?)\s*$")
_SECTION = re.compile(r"^\s*#\s*(?P<title>[A-Za-z].*?)\s*(\(.*\))?\s*$")


class DocsError(Exception):
    """A generated document cannot be produced (missing markers, an invalid policy)."""


@dataclass(frozen=True)
class GeneratedDocument:
    path: Path
    """Relative to the repository root."""
    content: str
    """The whole file as it should be."""
    source: str
    """What it is generated from, for messages."""


def example_stacks() -> tuple[StackDefinition, ...]:
    """The stacks of a lab with one experiment, :data:`EXAMPLE_EXPERIMENT`, that has a
    cluster on each cloud: every kind of stack and edge, and nothing of the user's."""
    stacks = [
        StackDefinition(MANAGEMENT_STACK_ID, StackKind.MANAGEMENT, "", (StackKind.MANAGEMENT,))
    ]
    for cloud in CLOUDS:
        stacks.append(
            StackDefinition(
                cloud.foundation_stack_id,
                StackKind.FOUNDATION,
                "",
                (StackKind.FOUNDATION, cloud.id),
                cloud=cloud.id,
                outputs=cloud.foundation_outputs,
            )
        )
    for cloud in CLOUDS:
        peers = tuple(peer for peer in CLOUDS if peer is not cloud)
        stacks.append(
            StackDefinition(
                cloud.experiment_stack_id(EXAMPLE_EXPERIMENT),
                StackKind.EXPERIMENT,
                "",
                (StackKind.EXPERIMENT, cloud.id),
                cloud=cloud.id,
                experiment=EXAMPLE_EXPERIMENT,
                peers=tuple(peer.id for peer in peers),
                depends_on=experiment_upstreams(cloud, peers),
                inputs=experiment_inputs(cloud, peers),
            )
        )
    return tuple(stacks)


def generated_documents(root: Path) -> tuple[GeneratedDocument, ...]:
    """Every generated document as it should read, given the sources under ``root``."""
    graph = f"```mermaid\n{render(example_stacks(), GraphFormat.MERMAID)}```"
    try:
        # OPA's native code releases the GIL: the policies' test traces run side by side.
        with ThreadPoolExecutor() as pool:
            references = pool.map(_policy_reference, load_policies(root / POLICY_DIRECTORY))
            policies = render_policies_markdown(list(references))
    except ValueError as error:  # the policy's METADATA, as lab.policies or OPA reads it
        raise DocsError(str(error)) from None
    architecture = replace_block(
        _required(root, ARCHITECTURE), graph, ARCHITECTURE, GRAPH_BEGIN, GRAPH_END
    )
    architecture = replace_block(
        architecture, contract_table(), ARCHITECTURE, CONTRACT_BEGIN, CONTRACT_END
    )
    readme = replace_block(
        _required(root, README),
        suppressions_table(_required(root, CHECKOV_CONFIG)),
        README,
        SUPPRESSIONS_BEGIN,
        SUPPRESSIONS_END,
    )
    return (
        GeneratedDocument(ARCHITECTURE, architecture, "an example lab definition"),
        GeneratedDocument(POLICIES, policies, f"{POLICY_DIRECTORY}/*.rego"),
        GeneratedDocument(README, readme, str(CHECKOV_CONFIG)),
        GeneratedDocument(JSON_OUTPUT, json_output_reference(), "the --json document models"),
    )


JSON_DOCUMENTS: Final[tuple[tuple[str, type[Document]], ...]] = (
    ("lab stacks --json", StacksDocument),
    ("lab affected --json", AffectedDocument),
    ("lab expired --json", ExpiredDocument),
    ("lab doctor --json", DoctorDocument),
)
"""Each command's ``--json`` document."""


def json_output_reference() -> str:
    """``docs/json-output.md``: each ``--json`` document's JSON Schema, from its model."""
    lines = [
        "# JSON output of the `lab` command",
        "",
        "<!-- Generated by `lab docs` (`make docs`) from the document models; do not edit. -->",
        "",
        "Scripts can rely on these documents. `format_version` changes when a key changes",
        "meaning or goes away; new keys may appear within a version. Enum values are the",
        "strings shown in each schema's `enum`.",
    ]
    for command, model in JSON_DOCUMENTS:
        schema = json.dumps(model.model_json_schema(), indent=2, sort_keys=True)
        lines += [
            "",
            f"## `{command}`",
            "",
            (model.__doc__ or "").strip(),
            "",
            "```json",
            schema,
            "```",
        ]
    return "\n".join(lines) + "\n"


def contract_table() -> str:
    """Every foundation output, and which experiment stacks receive it under which
    variable: every stack of the cloud, or only those of experiments on several clouds."""
    rows = ["| foundation | output | read by | as |", "|---|---|---|---|"]
    for foundation in CLOUDS:
        upstream = foundation.foundation_stack_id
        for value in foundation.foundation_outputs:
            readers = []
            for cloud in CLOUDS:
                alone = experiment_inputs(cloud, ())
                peers = tuple(peer for peer in CLOUDS if peer is not cloud)
                for received in experiment_inputs(cloud, peers):
                    if (received.upstream, received.value) != (upstream, value):
                        continue
                    who = (
                        f"every {cloud.service_name} experiment"
                        if received in alone
                        else f"{cloud.service_name} stacks of experiments on several clouds"
                    )
                    readers.append((who, f"`{received.input_name}`"))
            listed = f"`{value.name}`" + (" (JSON list)" if value.json_list else "")
            if not readers:
                rows.append(f"| `{upstream}` | {listed} | (people, Spacelift outputs) | |")
            for who, variable in readers:
                rows.append(f"| `{upstream}` | {listed} | {who} | {variable} |")
    return "\n".join(rows)


def suppressions_table(checkov_config: str) -> str:
    """The ``skip-check`` entries of ``.checkov.yaml`` as a Markdown table, with the section
    comment above each entry (``# AKS (...)``) as its area."""
    rows = ["| area | check | why it does not apply to this lab |", "|---|---|---|"]
    area = ""
    for line in checkov_config.splitlines():
        entry = _SUPPRESSION.match(line)
        if entry:
            reason = entry["reason"].replace("|", "\\|")
            rows.append(f"| {area} | `{entry['check']}` | {reason} |")
            continue
        section = _SECTION.match(line)
        if section and line.startswith("  #"):
            area = section["title"]
    if len(rows) == 2:
        raise DocsError(f"{CHECKOV_CONFIG}: no skip-check entries with a reason to list")
    return "\n".join(rows)


def _policy_reference(policy: PolicyFile) -> PolicyReference:
    tests = policy.path.with_name(f"{policy.name}_test.rego")
    try:
        return policy_reference(policy, tests.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DocsError(f"{tests}: missing; the policy reference is read from its tests") from None


def _required(root: Path, path: Path) -> str:
    text = _read(root / path)
    if text is None:
        raise DocsError(f"{path}: cannot be read")
    return text


def replace_block(text: str, block: str, path: Path, begin_marker: str, end_marker: str) -> str:
    """``text`` with the lines between two marker lines replaced by ``block``."""
    begin, end = text.find(begin_marker), text.find(end_marker)
    if begin == -1 or end == -1 or end < begin:
        raise DocsError(
            f"{path}: the generated block needs the marker lines {begin_marker} and "
            f"{end_marker}, in that order; add them where the block belongs"
        )
    if text.count(begin_marker) > 1 or text.count(end_marker) > 1:
        raise DocsError(f"{path}: the markers appear more than once; keep one pair")
    head = text[: begin + len(begin_marker)]
    return f"{head}\n{block}\n{text[end:]}"


def stale_documents(root: Path) -> list[GeneratedDocument]:
    """The generated documents whose file under ``root`` differs from what it should be."""
    return [
        document
        for document in generated_documents(root)
        if _read(root / document.path) != document.content
    ]


def write_documents(root: Path) -> list[GeneratedDocument]:
    """Rewrite the stale documents under ``root``; return the ones written."""
    written = stale_documents(root)
    for document in written:
        target = root / document.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(document.content, encoding="utf-8")
    return written


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
