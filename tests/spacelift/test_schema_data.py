"""The committed schema facts: provenance, reproducibility, and agreement with the bindings."""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path
from typing import Any

import pytest

import lab.spacelift
from lab.spacelift import (
    StackDestructorTimeouts,
    StackGitHubEnterprise,
    StackOpenTofu,
    StackOpenTofuLogging,
)
from lab.spacelift._base import Block, SpaceliftDataSource, SpaceliftResource
from tests.spacelift.generate_schema import page_block

JsonDict = dict[str, Any]

NOT_ATTRIBUTES = {"self", "scope", "id", "meta"}
"""``__init__`` parameters that are not provider attributes."""

RESOURCE_BINDINGS = [
    binding
    for binding in (getattr(lab.spacelift, name) for name in lab.spacelift.__all__)
    if inspect.isclass(binding) and issubclass(binding, SpaceliftResource)
]
DATA_SOURCE_BINDINGS = [
    binding
    for binding in (getattr(lab.spacelift, name) for name in lab.spacelift.__all__)
    if inspect.isclass(binding) and issubclass(binding, SpaceliftDataSource)
]
BLOCKS: dict[type[Block], tuple[str, tuple[str, ...]]] = {
    StackOpenTofu: ("spacelift_stack", ("opentofu",)),
    StackOpenTofuLogging: ("spacelift_stack", ("opentofu", "logging")),
    StackGitHubEnterprise: ("spacelift_stack", ("github_enterprise",)),
    StackDestructorTimeouts: ("spacelift_stack_destructor", ("timeouts",)),
}


def binding_schema(schema: JsonDict, binding: type) -> JsonDict:
    section = (
        "resource_schemas" if issubclass(binding, SpaceliftResource) else "data_source_schemas"
    )
    return schema[section][binding.TF_RESOURCE_TYPE]  # type: ignore[attr-defined,no-any-return]


def keyword_parameters(binding: type) -> dict[str, inspect.Parameter]:
    parameters = inspect.signature(binding.__init__).parameters  # type: ignore[misc]
    return {name: p for name, p in parameters.items() if name not in NOT_ATTRIBUTES}


def test_schema_file_states_its_provenance(schema: JsonDict) -> None:
    provenance = schema["_provenance"]

    assert "v1.53.5" in provenance["source"]
    assert "tfplugindocs" in provenance["source"]
    assert provenance["caveats"][0].startswith("Unofficial")
    assert schema["provider"]["source"] == "spacelift-io/spacelift"


def test_schema_covers_exactly_the_bound_types(schema: JsonDict) -> None:
    assert sorted(b.TF_RESOURCE_TYPE for b in RESOURCE_BINDINGS) == sorted(
        schema["resource_schemas"]
    )
    assert sorted(b.TF_RESOURCE_TYPE for b in DATA_SOURCE_BINDINGS) == sorted(
        schema["data_source_schemas"]
    )
    assert len(RESOURCE_BINDINGS) == 16


@pytest.mark.parametrize(
    "binding", [*RESOURCE_BINDINGS, *DATA_SOURCE_BINDINGS], ids=lambda b: b.__name__
)
def test_binding_arguments_are_settable_schema_attributes(schema: JsonDict, binding: type) -> None:
    block = binding_schema(schema, binding)
    specs = {**block["attributes"], **block["blocks"]}
    parameters = keyword_parameters(binding)

    unknown = set(parameters) - set(specs)
    not_settable = {name for name in parameters if specs.get(name, {}).get("mode") == "read-only"}
    deprecated = {name for name in parameters if specs.get(name, {}).get("deprecated")}
    write_only = {name for name in parameters if specs.get(name, {}).get("write_only")}
    required = {name for name, spec in specs.items() if spec["mode"] == "required"}
    optional_in_binding = {
        name for name, p in parameters.items() if p.default is not inspect.Parameter.empty
    }

    assert (unknown, not_settable, deprecated, write_only) == (set(), set(), set(), set())
    assert required <= set(parameters), "every required attribute is an argument"
    assert not required & optional_in_binding, "required attributes have no default"
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters.values())


@pytest.mark.parametrize("block_class", list(BLOCKS), ids=lambda b: b.__name__)
def test_block_fields_are_settable_schema_attributes(
    schema: JsonDict, block_class: type[Block]
) -> None:
    resource_type, path = BLOCKS[block_class]
    block = schema["resource_schemas"][resource_type]
    for name in path:
        block = block["blocks"][name]
    specs = {**block["attributes"], **block["blocks"]}
    fields = {field.name: field for field in dataclasses.fields(block_class)}

    assert set(fields) <= set(specs)
    assert all(specs[name]["mode"] != "read-only" for name in fields)
    required = {name for name, spec in specs.items() if spec["mode"] == "required"}
    assert all(fields[name].default is dataclasses.MISSING for name in required)


PAGE = """\
# spacelift_example (Resource)

## Schema

### Required

- `name` (String) Name
- `schedule` (List of String) Cron expressions

### Optional

- `legacy` (Boolean, Deprecated) Old flag
- `secret` (String, Sensitive, [Write-only](https://example.invalid/wo)) Value (write-only)
- `settings` (Block List, Max: 1) Settings (see [below for nested schema](#nestedblock--settings))
- `timeouts` (Block, Optional) (see [below for nested schema](#nestedblock--timeouts))

### Read-Only

- `id` (String) The ID of this resource.

<a id="nestedblock--settings"></a>
### Nested Schema for `settings`

Required:

- `mode` (String) Mode

Optional:

- `logging` (Block List, Max: 1) Logging (see [below](#nestedblock--settings--logging))

Read-Only:

- `is_default` (Boolean) Default or not

<a id="nestedblock--settings--logging"></a>
### Nested Schema for `settings.logging`

Optional:

- `level` (Number) Level


<a id="nestedblock--timeouts"></a>
### Nested Schema for `timeouts`

Optional:

- `delete` (String)

## Import

- `ignored` (String) Not part of the schema
"""


def test_generator_parses_modes_types_flags_and_nested_blocks(tmp_path: Path) -> None:
    page = tmp_path / "example.md"
    page.write_text(PAGE)

    assert page_block(page, "spacelift_example") == {
        "attributes": {
            "id": {"mode": "read-only", "type": "string"},
            "legacy": {"mode": "optional", "type": "bool", "deprecated": True},
            "name": {"mode": "required", "type": "string"},
            "schedule": {"mode": "required", "type": ["list", "string"]},
            "secret": {"mode": "optional", "type": "string", "sensitive": True, "write_only": True},
        },
        "blocks": {
            "settings": {
                "mode": "optional",
                "nesting": "list",
                "max_items": 1,
                "attributes": {
                    "is_default": {"mode": "read-only", "type": "bool"},
                    "mode": {"mode": "required", "type": "string"},
                },
                "blocks": {
                    "logging": {
                        "mode": "optional",
                        "nesting": "list",
                        "max_items": 1,
                        "attributes": {"level": {"mode": "optional", "type": "number"}},
                        "blocks": {},
                    }
                },
            },
            "timeouts": {
                "mode": "optional",
                "nesting": "single",
                "attributes": {"delete": {"mode": "optional", "type": "string"}},
                "blocks": {},
            },
        },
    }


def test_generator_refuses_types_it_cannot_represent(tmp_path: Path) -> None:
    page = tmp_path / "example.md"
    page.write_text("## Schema\n\n### Read-Only\n\n- `items` (List of Object) Items\n")

    with pytest.raises(ValueError, match=r"spacelift_example\.items: unsupported attribute type"):
        page_block(page, "spacelift_example")
