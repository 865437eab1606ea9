"""The committed schema facts and the generator that writes them.

Tested here: the committed file's provenance and coverage, its agreement with the bindings,
and the generator (page parsing, the provider's docs layout, the command line) on small
hand-written pages. Regenerating from the real provider docs needs a checkout of the
provider, so whether the committed file matches them is not tested here.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from lab.spacelift import Block, StackGitHubEnterprise, StackOpenTofu
from tests.spacelift import generate_schema
from tests.spacelift.examples import BINDINGS
from tests.spacelift.generate_schema import PROVENANCE, build_schema, page_block, render

JsonDict = dict[str, Any]

NESTED_BLOCKS: dict[type[Block], tuple[str, ...]] = {
    StackOpenTofu: ("spacelift_stack", "opentofu"),
    StackGitHubEnterprise: ("spacelift_stack", "github_enterprise"),
}
"""Each nested block binding: its resource type and its path of block names."""


def test_schema_file_states_its_provenance(schema: JsonDict) -> None:
    provenance = schema["_provenance"]

    assert provenance == PROVENANCE, "the file is generated; regenerate it, do not edit it"
    assert "v1.53.5" in provenance["source"]
    assert "tfplugindocs" in provenance["source"]
    assert provenance["caveats"][0].startswith("Unofficial")
    assert schema["provider"]["source"] == "spacelift-io/spacelift"


def test_schema_covers_exactly_the_bound_types(schema: JsonDict) -> None:
    assert sorted(b.TERRAFORM_TYPE for b in BINDINGS) == sorted(schema["resource_schemas"])
    assert schema["data_source_schemas"] == {}
    assert len(BINDINGS) == 14


BLOCK_PATHS: dict[type[Block], tuple[str, ...]] = {
    **{binding: (binding.TERRAFORM_TYPE,) for binding in BINDINGS},
    **NESTED_BLOCKS,
}


@pytest.mark.parametrize("binding", list(BLOCK_PATHS), ids=lambda b: b.__name__)
def test_binding_fields_are_settable_schema_attributes(
    schema: JsonDict, binding: type[Block]
) -> None:
    resource_type, *path = BLOCK_PATHS[binding]
    block = schema["resource_schemas"][resource_type]
    for name in path:
        block = block["blocks"][name]
    specs = {**block["attributes"], **block["blocks"]}
    fields = {field.name: field for field in dataclasses.fields(binding)}
    required = {name for name, spec in specs.items() if spec["mode"] == "required"}

    assert set(fields) - set(specs) == set(), "unknown attributes"
    assert {name for name in fields if specs[name]["mode"] == "read-only"} == set()
    assert {name for name in fields if specs[name].get("deprecated")} == set()
    assert {name for name in fields if specs[name].get("write_only")} == set()
    assert required <= set(fields), "every required attribute is a field"
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


PROVIDER_PAGE = """\
---
# generated by https://github.com/hashicorp/terraform-plugin-docs
page_title: "Spacelift Terraform provider"
---

# Spacelift Terraform provider

## Running outside of Spacelift

- `SPACELIFT_API_KEY_ID` for `api_key_id`;

<!-- schema generated by tfplugindocs -->
## Schema

### Optional

- **api_key_id** (String) ID of the API key to use when executing outside of Spacelift
- **api_key_secret** (String, Sensitive) API key secret to use when executing outside of Spacelift
"""

CONTEXT_PAGE = """\
---
page_title: "spacelift_context Resource - terraform-provider-spacelift"
---

# spacelift_context (Resource)

<!-- schema generated by tfplugindocs -->
## Schema

### Required

- `name` (String) Name of the context

### Optional

- `labels` (Set of String)

### Read-Only

- `id` (String) The ID of this resource.

## Import

- `not_an_attribute` (String) Import notes are not schema
"""

STACK_PAGE = """\
# spacelift_stack (Resource)

## Schema

### Required

- `name` (String) Name of the stack - should be unique in one account

### Optional

- `github_enterprise` (Block List, Max: 1) (see [below](#nestedblock--github_enterprise))

<a id="nestedblock--github_enterprise"></a>
### Nested Schema for `github_enterprise`

Required:

- `namespace` (String) The GitHub organization / user the repository belongs to
"""

ROLE_PAGE = """\
# spacelift_role (Data Source)

## Schema

### Optional

- `role_id` (String) ID of the role

### Read-Only

- `is_system` (Boolean) Whether the role is a system role
"""


def write_docs(docs: Path) -> Path:
    """A provider ``docs`` directory in the published layout, with two resource pages."""
    pages = {
        "index.md": PROVIDER_PAGE,
        "resources/context.md": CONTEXT_PAGE,
        "resources/stack.md": STACK_PAGE,
        "data-sources/role.md": ROLE_PAGE,
    }
    for name, text in pages.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    return docs


@pytest.fixture
def two_resources(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the generator cover only the resources and the data source of :func:`write_docs`."""
    monkeypatch.setattr(generate_schema, "RESOURCES", ("context", "stack"))
    monkeypatch.setattr(generate_schema, "DATA_SOURCES", ("role",))


@pytest.mark.usefixtures("two_resources")
def test_generator_reads_the_provider_docs_layout(tmp_path: Path) -> None:
    docs = write_docs(tmp_path / "docs")

    assert build_schema(docs) == {
        "_provenance": PROVENANCE,
        "provider": {
            "name": "spacelift",
            "source": "spacelift-io/spacelift",
            "block": {
                "attributes": {
                    "api_key_id": {"mode": "optional", "type": "string"},
                    "api_key_secret": {"mode": "optional", "type": "string", "sensitive": True},
                },
                "blocks": {},
            },
        },
        "resource_schemas": {
            "spacelift_context": {
                "attributes": {
                    "id": {"mode": "read-only", "type": "string"},
                    "labels": {"mode": "optional", "type": ["set", "string"]},
                    "name": {"mode": "required", "type": "string"},
                },
                "blocks": {},
            },
            "spacelift_stack": {
                "attributes": {"name": {"mode": "required", "type": "string"}},
                "blocks": {
                    "github_enterprise": {
                        "mode": "optional",
                        "nesting": "list",
                        "max_items": 1,
                        "attributes": {"namespace": {"mode": "required", "type": "string"}},
                        "blocks": {},
                    }
                },
            },
        },
        "data_source_schemas": {
            "spacelift_role": {
                "attributes": {
                    "is_system": {"mode": "read-only", "type": "bool"},
                    "role_id": {"mode": "optional", "type": "string"},
                },
                "blocks": {},
            }
        },
    }


@pytest.mark.usefixtures("two_resources")
def test_generator_command_writes_the_schema_and_then_checks_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = write_docs(tmp_path / "docs")
    schema_path = tmp_path / "schema.json"
    monkeypatch.setattr(generate_schema, "SCHEMA_PATH", schema_path)

    assert generate_schema.main(["--docs", str(docs)]) == 0
    assert schema_path.read_text(encoding="utf-8") == render(build_schema(docs))
    assert generate_schema.main(["--docs", str(docs), "--check"]) == 0
    (docs / "resources" / "context.md").write_text(STACK_PAGE, encoding="utf-8")
    assert generate_schema.main(["--docs", str(docs), "--check"]) == 1
    assert capsys.readouterr() == (
        f"wrote {schema_path}\n",
        f"{schema_path} is out of date; rerun without --check\n",
    )
