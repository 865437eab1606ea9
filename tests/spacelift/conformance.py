"""Check synthesized Terraform JSON against the committed Spacelift provider schema.

:func:`check_terraform_json` walks every ``spacelift_*`` resource and data source block and
every ``spacelift`` provider block of one ``cdk.tf.json`` document and returns one
human-readable line per violation, ``"<address>: <attribute path>: <problem>"``:

- an attribute or block the schema does not know, or a resource type it does not cover;
- a read-only attribute that is set, or a deprecated one that is used;
- a value of the wrong type: a scalar of another type, a list where a scalar belongs or the
  reverse, a list element of the wrong type (a ``${...}`` expression stands for any type);
- a nested block of the wrong shape (not an object, or not a list of objects) or with more
  blocks than ``max_items``;
- a required attribute or block that is missing, at any depth;
- a ``terraform.required_providers.spacelift`` entry that is missing or has another source.

Terraform meta-arguments (``depends_on``, ``provider``, ``lifecycle``, ``count``,
``for_each``, ``provisioner``, ``connection``, ``dynamic``; ``alias`` on providers) and
``//`` comments are ignored.

Whole synthesized output, from the repository root::

    python -m tests.spacelift.conformance cdktf.out/stacks/*/cdk.tf.json
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

JsonDict = dict[str, Any]

SCHEMA_PATH: Final = Path(__file__).resolve().parents[1] / "data" / "spacelift_provider_schema.json"

COMMENT: Final = "//"
RESOURCE_META_ARGUMENTS: Final = frozenset(
    {
        COMMENT,
        "connection",
        "count",
        "depends_on",
        "dynamic",
        "for_each",
        "lifecycle",
        "provider",
        "provisioner",
    }
)
DATA_SOURCE_META_ARGUMENTS: Final = frozenset(
    {COMMENT, "count", "depends_on", "for_each", "lifecycle", "provider"}
)
PROVIDER_META_ARGUMENTS: Final = frozenset({COMMENT, "alias"})
NESTED_BLOCK_META_ARGUMENTS: Final = frozenset({COMMENT})


def load_schema(path: Path = SCHEMA_PATH) -> JsonDict:
    """The committed provider schema facts (``tests/data/spacelift_provider_schema.json``)."""
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def check_terraform_json(doc: JsonDict, schema: JsonDict) -> list[str]:
    """Every schema violation of the Spacelift blocks in ``doc``; empty when it conforms."""
    provider = schema["provider"]
    name = provider["name"]
    prefix = f"{name}_"
    violations: list[str] = []

    configs = doc.get("provider", {}).get(name)
    for address, config in _provider_configs(name, configs):
        _BlockChecker(address, violations).check(
            "", config, provider["block"], PROVIDER_META_ARGUMENTS
        )

    for section, schemas, meta, address_prefix in (
        ("resource", schema["resource_schemas"], RESOURCE_META_ARGUMENTS, ""),
        ("data", schema["data_source_schemas"], DATA_SOURCE_META_ARGUMENTS, "data."),
    ):
        for block_type, instances in doc.get(section, {}).items():
            if not block_type.startswith(prefix):
                continue
            type_address = f"{address_prefix}{block_type}"
            if block_type not in schemas:
                violations.append(
                    f"{type_address}: type {block_type} is not in the provider schema "
                    "(add it to tests/spacelift/generate_schema.py and regenerate)"
                )
                continue
            if not isinstance(instances, dict):
                violations.append(
                    f"{type_address}: expected an object of named blocks, got {_kind(instances)}"
                )
                continue
            for instance, body in instances.items():
                address = f"{type_address}.{instance}"
                _BlockChecker(address, violations).check("", body, schemas[block_type], meta)

    if _uses_provider(doc, name, prefix):
        _check_required_provider(doc, name, provider["source"], violations)
    return violations


def _provider_configs(name: str, configs: Any) -> Iterator[tuple[str, Any]]:
    """Each ``provider.<name>`` configuration with its address (``provider.spacelift.<alias>``)."""
    if configs is None:
        return
    for config in configs if isinstance(configs, list) else [configs]:
        alias = config.get("alias") if isinstance(config, dict) else None
        yield (f"provider.{name}.{alias}" if alias else f"provider.{name}"), config


def _uses_provider(doc: JsonDict, name: str, prefix: str) -> bool:
    return name in doc.get("provider", {}) or any(
        block_type.startswith(prefix)
        for section in ("resource", "data")
        for block_type in doc.get(section, {})
    )


def _check_required_provider(doc: JsonDict, name: str, source: str, violations: list[str]) -> None:
    required = doc.get("terraform", {}).get("required_providers", {}).get(name)
    if not isinstance(required, dict):
        violations.append(
            f"terraform.required_providers.{name}: missing; without it {name}_* blocks resolve "
            f"to hashicorp/{name} instead of {source}"
        )
    elif required.get("source") != source:
        violations.append(
            f"terraform.required_providers.{name}: source: expected {source!r}, "
            f"got {required.get('source')!r}"
        )


@dataclass(frozen=True)
class _BlockChecker:
    """Checks the body of one top-level block (and its nested blocks) at ``address``."""

    address: str
    violations: list[str]

    def report(self, where: str, problem: str) -> None:
        self.violations.append(f"{self.address}: {where}: {problem}")

    def check(self, path: str, body: Any, block: JsonDict, meta: frozenset[str]) -> None:
        """One block body: every key known and well-typed, every required key present."""
        if not isinstance(body, dict):
            self.report(path or "(body)", f"expected an object, got {_kind(body)}")
            return
        attributes: JsonDict = block["attributes"]
        blocks: JsonDict = block["blocks"]
        for key, value in body.items():
            if key in meta:
                continue
            where = f"{path}.{key}" if path else key
            if key in attributes:
                for problem_where, problem in _attribute_problems(where, value, attributes[key]):
                    self.report(problem_where, problem)
            elif key in blocks:
                self.check_nested(where, key, value, blocks[key])
            else:
                self.report(where, "unknown attribute")
        for key, spec in (*attributes.items(), *blocks.items()):
            if spec["mode"] == "required" and body.get(key) is None:
                kind = "block" if key in blocks else "attribute"
                self.report(f"{path}.{key}" if path else key, f"required {kind} is missing")

    def check_nested(self, where: str, name: str, value: Any, block: JsonDict) -> None:
        """A nested block: an object, or (list/set nesting) a list of objects within max_items."""
        if value is None:
            return
        if block["nesting"] == "single":
            if isinstance(value, dict):
                self.check(where, value, block, NESTED_BLOCK_META_ARGUMENTS)
            else:
                self.report(where, f"expected one {name} block (an object), got {_kind(value)}")
            return
        if isinstance(value, dict):
            instances = [(where, value)]
        elif isinstance(value, list):
            instances = [(f"{where}[{index}]", item) for index, item in enumerate(value)]
        else:
            self.report(
                where,
                f"expected {name} block(s) (an object or a list of objects), got {_kind(value)}",
            )
            return
        max_items = block.get("max_items")
        if max_items is not None and len(instances) > max_items:
            self.report(where, f"at most {max_items} {name} block(s) allowed, got {len(instances)}")
        for instance_where, instance in instances:
            self.check(instance_where, instance, block, NESTED_BLOCK_META_ARGUMENTS)


def _attribute_problems(where: str, value: Any, spec: JsonDict) -> list[tuple[str, str]]:
    if value is None:  # JSON null leaves an attribute unset
        return []
    if spec["mode"] == "read-only":
        return [(where, "read-only attribute cannot be set")]
    problems = _type_problems(where, value, spec["type"])
    if spec.get("deprecated"):
        problems.insert(0, (where, "deprecated attribute; use its documented replacement"))
    return problems


def _type_problems(where: str, value: Any, type_: str | list[Any]) -> list[tuple[str, str]]:
    """Why ``value`` does not fit the Terraform type expression ``type_`` (empty if it does)."""
    if _is_expression(value):
        return []
    if isinstance(type_, str):
        if _is_primitive(value, type_):
            return []
        return [(where, f"expected {type_}, got {_kind(value)}")]
    collection, element = type_
    if collection == "map":
        if not isinstance(value, dict):
            return [(where, f"expected map of {_describe(element)}, got {_kind(value)}")]
        items: list[tuple[str, Any]] = [(f"{where}.{key}", item) for key, item in value.items()]
    else:
        if not isinstance(value, list):
            return [(where, f"expected {collection} of {_describe(element)}, got {_kind(value)}")]
        items = [(f"{where}[{index}]", item) for index, item in enumerate(value)]
    return [
        problem
        for item_where, item in items
        for problem in _type_problems(item_where, item, element)
    ]


def _is_expression(value: Any) -> bool:
    """A whole-value ``${...}`` expression, which may evaluate to any type."""
    return isinstance(value, str) and value.startswith("${") and value.endswith("}")


def _is_primitive(value: Any, type_: str) -> bool:
    if type_ == "string":
        return isinstance(value, str)
    if type_ == "bool":
        return isinstance(value, bool)
    if type_ == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    raise ValueError(f"unknown primitive type {type_!r} in the schema")


def _describe(type_: str | list[Any]) -> str:
    return type_ if isinstance(type_, str) else f"{type_[0]} of {_describe(type_[1])}"


def _kind(value: Any) -> str:
    """The JSON kind of ``value`` as the messages name it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return "object"


def main(argv: list[str] | None = None) -> int:
    """Check each given ``cdk.tf.json``; print the violations, exit 1 if there are any."""
    paths = [Path(arg) for arg in (sys.argv[1:] if argv is None else argv)]
    if not paths:
        print("usage: python -m tests.spacelift.conformance FILE.json...", file=sys.stderr)
        return 2
    schema = load_schema()
    violations = [
        f"{path}: {violation}"
        for path in paths
        for violation in check_terraform_json(json.loads(path.read_text(encoding="utf-8")), schema)
    ]
    print("\n".join(violations) if violations else f"{len(paths)} file(s) conform")
    return 1 if violations else 0


if __name__ == "__main__":
    raise SystemExit(main())
