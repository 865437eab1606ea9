"""Regenerate ``tests/data/spacelift_provider_schema.json`` from the provider's documentation.

The Spacelift provider publishes no machine-readable schema, and ``terraform providers schema
-json`` needs the provider binary, which cannot be downloaded here. Its documentation pages,
however, are generated from the schema by tfplugindocs, so each page's "Schema" section lists
every attribute with its mode (Required / Optional / Read-Only), type, flags (Sensitive,
Deprecated, Write-only, ``Max: N``) and nested blocks. This script turns the pages of the
resources and data sources the project binds into the committed JSON that the conformance
checker reads.

Usage (from the repository root)::

    python -m tests.spacelift.generate_schema --docs DIR [--check]

``DIR`` is the ``docs`` directory of a terraform-provider-spacelift checkout at the release in
``DOCS_VERSION``, as the provider publishes it: ``index.md`` (the provider block),
``resources/<name>.md`` and ``data-sources/<name>.md``. ``--check`` compares instead of
writing and exits 1 on a difference.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from tests.spacelift.conformance import SCHEMA_PATH

DOCS_VERSION: Final = "v1.53.5"
"""The provider release the documentation pages were taken from."""

RESOURCES: Final = (
    "aws_integration",
    "aws_integration_attachment",
    "azure_integration",
    "azure_integration_attachment",
    "context",
    "context_attachment",
    "drift_detection",
    "environment_variable",
    "policy",
    "scheduled_delete_stack",
    "stack",
    "stack_dependency",
    "stack_dependency_reference",
    "stack_destructor",
)
"""The resources ``lab.spacelift`` binds (without the ``spacelift_`` prefix)."""

DATA_SOURCES: Final[tuple[str, ...]] = ()
"""The data sources ``lab.spacelift`` binds: none so far."""

PROVENANCE: Final = {
    "what": (
        "The subset of the spacelift-io/spacelift provider schema that lab.spacelift binds: "
        "every documented attribute of each bound resource and data source and of the "
        "provider block, with its mode, type, flags, max_items and nested blocks."
    ),
    "source": (
        f"The provider's tfplugindocs pages (docs/resources, docs/data-sources, docs/index.md) "
        f"of release {DOCS_VERSION}, on the 1.53.x line."
    ),
    "generated_by": "python -m tests.spacelift.generate_schema (do not edit by hand)",
    "caveats": [
        "Unofficial: derived from documentation, not from `terraform providers schema -json`.",
        "Cross-attribute rules (ConflictsWith, ExactlyOneOf, ...) are not recorded; the "
        "bindings enforce the ones the project relies on.",
        "Optional attributes that the provider also computes are recorded as optional.",
        "min_items of nested blocks is not documented, so only max_items is recorded.",
    ],
}

_MODES: Final = {"Required": "required", "Optional": "optional", "Read-Only": "read-only"}
_PRIMITIVES: Final = {"String": "string", "Boolean": "bool", "Number": "number"}
_COLLECTIONS: Final = {"List": "list", "Set": "set", "Map": "map"}
_NESTINGS: Final = {"Block List": "list", "Block Set": "set", "Block": "single"}

_BULLET = re.compile(r"- (?:`(?P<code>\w+)`|\*\*(?P<bold>\w+)\*\*) \((?P<spec>.*?)\)(?: |$)")
_TOP_HEADING = re.compile(r"### (?P<mode>Required|Optional|Read-Only)\s*$")
_NESTED_HEADING = re.compile(r"### Nested Schema for `(?P<path>[\w.]+)`\s*$")
_NESTED_MODE = re.compile(r"(?P<mode>Required|Optional|Read-Only):\s*$")
_COLLECTION = re.compile(r"(?P<kind>List|Set|Map) of (?P<element>String|Boolean|Number)")


@dataclass(frozen=True)
class _Entry:
    """One documented attribute or block: a bullet under a mode heading."""

    name: str
    mode: str
    type: str
    flags: tuple[str, ...]


def _schema_lines(page: Path) -> list[str]:
    """The lines of the page's ``## Schema`` section."""
    lines = page.read_text(encoding="utf-8").splitlines()
    try:
        start = lines.index("## Schema")
    except ValueError:
        raise ValueError(f"{page}: no '## Schema' section") from None
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return lines[start + 1 : end]


def _parse_page(page: Path) -> dict[str, list[_Entry]]:
    """Entries of the page by block path: ``""`` for the top level, ``"opentofu.logging"``..."""
    sections: dict[str, list[_Entry]] = {"": []}
    path, mode = "", ""
    for line in _schema_lines(page):
        if heading := _TOP_HEADING.match(line):
            path, mode = "", _MODES[heading["mode"]]
        elif heading := _NESTED_HEADING.match(line):
            path, mode = heading["path"], ""
            sections.setdefault(path, [])
        elif label := _NESTED_MODE.match(line):
            mode = _MODES[label["mode"]]
        elif bullet := _BULLET.match(line):
            if not mode:
                raise ValueError(f"{page}: attribute outside a mode section: {line!r}")
            type_, *flags = (part.strip() for part in bullet["spec"].split(","))
            name = bullet["code"] or bullet["bold"]
            sections[path].append(_Entry(name, mode, type_, tuple(flags)))
    return sections


def _type_expression(type_: str, where: str) -> str | list[str]:
    """A documented attribute type as a Terraform type expression (``["set", "string"]``)."""
    if type_ in _PRIMITIVES:
        return _PRIMITIVES[type_]
    if collection := _COLLECTION.fullmatch(type_):
        return [_COLLECTIONS[collection["kind"]], _PRIMITIVES[collection["element"]]]
    raise ValueError(f"{where}: unsupported attribute type {type_!r}")


def _flags(entry: _Entry, where: str) -> dict[str, Any]:
    """``sensitive``/``deprecated``/``write_only`` (only when true) and ``max_items``."""
    result: dict[str, Any] = {}
    for flag in entry.flags:
        if flag == "Sensitive":
            result["sensitive"] = True
        elif flag == "Deprecated":
            result["deprecated"] = True
        elif flag.startswith("[Write-only]"):
            result["write_only"] = True
        elif flag.startswith("Max: "):
            result["max_items"] = int(flag.removeprefix("Max: "))
        elif flag not in _MODES:  # "Block, Optional" repeats the mode
            raise ValueError(f"{where}: unknown flag {flag!r}")
    return result


def _block(sections: dict[str, list[_Entry]], path: str, where: str) -> dict[str, Any]:
    """The block at ``path`` with its attributes and (recursively) its nested blocks."""
    attributes: dict[str, Any] = {}
    blocks: dict[str, Any] = {}
    for entry in sections.get(path, []):
        entry_where = f"{where}.{entry.name}"
        flags = _flags(entry, entry_where)
        if entry.type in _NESTINGS:
            nested_path = f"{path}.{entry.name}" if path else entry.name
            if nested_path not in sections:
                raise ValueError(f"{entry_where}: no nested schema for block {nested_path!r}")
            nested = _block(sections, nested_path, entry_where)
            blocks[entry.name] = {
                "mode": entry.mode,
                "nesting": _NESTINGS[entry.type],
                **flags,
                **nested,
            }
        else:
            attributes[entry.name] = {
                "mode": entry.mode,
                "type": _type_expression(entry.type, entry_where),
                **flags,
            }
    return {"attributes": dict(sorted(attributes.items())), "blocks": dict(sorted(blocks.items()))}


def page_block(page: Path, where: str) -> dict[str, Any]:
    """The schema of one documentation page (``where`` names it in error messages)."""
    return _block(_parse_page(page), "", where)


def build_schema(docs_dir: Path) -> dict[str, Any]:
    """The schema document for the bound resources, data sources and the provider block.

    ``docs_dir`` is the provider's ``docs`` directory: ``index.md``, ``resources/<name>.md``
    and ``data-sources/<name>.md``.
    """
    return {
        "_provenance": PROVENANCE,
        "provider": {
            "name": "spacelift",
            "source": "spacelift-io/spacelift",
            "block": page_block(docs_dir / "index.md", "provider.spacelift"),
        },
        "resource_schemas": {
            f"spacelift_{name}": page_block(
                docs_dir / "resources" / f"{name}.md", f"spacelift_{name}"
            )
            for name in RESOURCES
        },
        "data_source_schemas": {
            f"spacelift_{name}": page_block(
                docs_dir / "data-sources" / f"{name}.md", f"data.spacelift_{name}"
            )
            for name in DATA_SOURCES
        },
    }


def render(schema: dict[str, Any]) -> str:
    """The committed file's exact text."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` compare) the committed schema file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--docs",
        type=Path,
        required=True,
        metavar="DIR",
        help="the docs directory of a provider checkout (index.md, resources/, data-sources/)",
    )
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    text = render(build_schema(args.docs))
    if args.check:
        if SCHEMA_PATH.read_text(encoding="utf-8") != text:
            print(f"{SCHEMA_PATH} is out of date; rerun without --check", file=sys.stderr)
            return 1
        return 0
    SCHEMA_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
