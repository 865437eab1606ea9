"""The schema-conformance checker: it passes on every binding and names every violation."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cdktn import Testing as CdktfTesting  # not `Testing`: pytest would try to collect it
from syrupy.assertion import SnapshotAssertion

from tests.helpers import new_stack, synth
from tests.spacelift.conformance import check_terraform_json, main
from tests.spacelift.examples import every_binding

JsonDict = dict[str, Any]

VALID: JsonDict = {
    "terraform": {
        "required_providers": {
            "spacelift": {"source": "spacelift-io/spacelift", "version": ">= 1.53.5, < 2.0.0"}
        }
    },
    "provider": {"spacelift": [{}]},
    "resource": {
        "spacelift_stack": {"s": {"name": "n", "repository": "r", "branch": "main"}},
        "spacelift_stack_destructor": {"d": {"stack_id": "${spacelift_stack.s.id}"}},
        "spacelift_scheduled_delete_stack": {"x": {"stack_id": "s", "at": 1_893_456_000}},
    },
}
"""A small conforming document; each case below breaks one thing in a copy of it."""


def stack_body(doc: JsonDict) -> JsonDict:
    return doc["resource"]["spacelift_stack"]["s"]  # type: ignore[no-any-return]


def mutated(mutate: Callable[[JsonDict], object]) -> JsonDict:
    doc = copy.deepcopy(VALID)
    mutate(doc)
    return doc


def test_a_stack_using_every_binding_with_every_argument_conforms(
    schema: JsonDict, json_snapshot: SnapshotAssertion
) -> None:
    stack = new_stack("spacelift-root")
    every_binding(stack)
    doc = synth(stack)

    assert check_terraform_json(doc, schema) == []
    assert doc == json_snapshot


def test_a_fully_synthesized_file_with_metadata_conforms(schema: JsonDict) -> None:
    stack = new_stack("spacelift-root")
    every_binding(stack)
    outdir = Path(CdktfTesting.full_synth(stack))
    try:
        doc = json.loads((outdir / "stacks" / "spacelift-root" / "cdk.tf.json").read_text())
    finally:
        shutil.rmtree(outdir)  # full_synth writes a temp dir of its own

    assert "//" in doc["resource"]["spacelift_stack"]["Foundation"]  # cdktf's construct metadata
    assert check_terraform_json(doc, schema) == []


def test_the_valid_baseline_conforms(schema: JsonDict) -> None:
    assert check_terraform_json(VALID, schema) == []


CASES: list[tuple[str, Callable[[JsonDict], object], list[str]]] = [
    (
        "unknown attribute",
        lambda doc: stack_body(doc).update(administrator=True),
        ["spacelift_stack.s: administrator: unknown attribute"],
    ),
    (
        "unknown attribute in a nested block",
        lambda doc: stack_body(doc).update(opentofu={"concise": True}),
        ["spacelift_stack.s: opentofu.concise: unknown attribute"],
    ),
    (
        "read-only attribute set",
        lambda doc: stack_body(doc).update(id="aws-foundation"),
        ["spacelift_stack.s: id: read-only attribute cannot be set"],
    ),
    (
        "read-only attribute set in a nested block",
        lambda doc: stack_body(doc).update(
            github_enterprise={"namespace": "o", "is_default": True}
        ),
        ["spacelift_stack.s: github_enterprise.is_default: read-only attribute cannot be set"],
    ),
    (
        "deprecated attribute",
        lambda doc: stack_body(doc).update(administrative=True),
        ["spacelift_stack.s: administrative: deprecated attribute; use its documented replacement"],
    ),
    (
        "string where a bool belongs",
        lambda doc: stack_body(doc).update(autodeploy="true"),
        ["spacelift_stack.s: autodeploy: expected bool, got string"],
    ),
    (
        "string where a number belongs",
        lambda doc: doc["resource"]["spacelift_scheduled_delete_stack"]["x"].update(
            at="1893456000"
        ),
        ["spacelift_scheduled_delete_stack.x: at: expected number, got string"],
    ),
    (
        "bool where a number belongs",
        lambda doc: doc["resource"]["spacelift_scheduled_delete_stack"]["x"].update(at=True),
        ["spacelift_scheduled_delete_stack.x: at: expected number, got bool"],
    ),
    (
        "number where a string belongs, in a nested block",
        lambda doc: stack_body(doc).update(opentofu={"version": 1.1}),
        ["spacelift_stack.s: opentofu.version: expected string, got number"],
    ),
    (
        "list where a scalar belongs",
        lambda doc: stack_body(doc).update(name=["n"]),
        ["spacelift_stack.s: name: expected string, got list"],
    ),
    (
        "scalar where a set belongs",
        lambda doc: stack_body(doc).update(labels="lab"),
        ["spacelift_stack.s: labels: expected set of string, got string"],
    ),
    (
        "scalar where a list belongs",
        lambda doc: stack_body(doc).update(before_init="make synth"),
        ["spacelift_stack.s: before_init: expected list of string, got string"],
    ),
    (
        "list element of the wrong type",
        lambda doc: stack_body(doc).update(labels=["lab", 1, None]),
        [
            "spacelift_stack.s: labels[1]: expected string, got number",
            "spacelift_stack.s: labels[2]: expected string, got null",
        ],
    ),
    (
        "nested block given as a scalar",
        lambda doc: stack_body(doc).update(opentofu="1.10.6"),
        [
            "spacelift_stack.s: opentofu: expected opentofu block(s) (an object or a list of "
            "objects), got string"
        ],
    ),
    (
        "nested block list holding a scalar",
        lambda doc: stack_body(doc).update(opentofu=["1.10.6"]),
        ["spacelift_stack.s: opentofu[0]: expected an object, got string"],
    ),
    (
        "single nested block given as a list",
        lambda doc: doc["resource"]["spacelift_stack_destructor"]["d"].update(
            timeouts=[{"delete": "1h"}]
        ),
        [
            "spacelift_stack_destructor.d: timeouts: expected one timeouts block (an object), "
            "got list"
        ],
    ),
    (
        "nested blocks beyond max_items",
        lambda doc: stack_body(doc).update(
            github_enterprise=[{"namespace": "a"}, {"namespace": "b"}]
        ),
        [
            "spacelift_stack.s: github_enterprise: at most 1 github_enterprise block(s) allowed, "
            "got 2"
        ],
    ),
    (
        "missing required attribute",
        lambda doc: stack_body(doc).pop("branch"),
        ["spacelift_stack.s: branch: required attribute is missing"],
    ),
    (
        "required attribute set to null",
        lambda doc: stack_body(doc).update(name=None),
        ["spacelift_stack.s: name: required attribute is missing"],
    ),
    (
        "missing required attribute in a nested block",
        lambda doc: stack_body(doc).update(github_enterprise={"id": "app"}),
        ["spacelift_stack.s: github_enterprise.namespace: required attribute is missing"],
    ),
    (
        "missing required attribute in a nested block list",
        lambda doc: stack_body(doc).update(github_enterprise=[{}]),
        ["spacelift_stack.s: github_enterprise[0].namespace: required attribute is missing"],
    ),
    (
        "every required attribute missing",
        lambda doc: doc["resource"].update(spacelift_stack_dependency={"dep": {}}),
        [
            "spacelift_stack_dependency.dep: depends_on_stack_id: required attribute is missing",
            "spacelift_stack_dependency.dep: stack_id: required attribute is missing",
        ],
    ),
    (
        "resource type outside the schema",
        lambda doc: doc["resource"].update(spacelift_space={"lab": {"name": "lab"}}),
        [
            "spacelift_space: type spacelift_space is not in the provider schema (add it to "
            "tests/spacelift/generate_schema.py and regenerate)"
        ],
    ),
    (
        "data source type outside the schema",
        lambda doc: doc.update(data={"spacelift_current_stack": {"me": {}}}),
        [
            "data.spacelift_current_stack: type spacelift_current_stack is not in the provider "
            "schema (add it to tests/spacelift/generate_schema.py and regenerate)"
        ],
    ),
    (
        "resource body that is not an object",
        lambda doc: doc["resource"]["spacelift_stack"].update(t=["n"]),
        ["spacelift_stack.t: (body): expected an object, got list"],
    ),
    (
        "unknown provider argument",
        lambda doc: doc["provider"].update(spacelift=[{}, {"alias": "other", "region": "eu"}]),
        ["provider.spacelift.other: region: unknown attribute"],
    ),
    (
        "provider argument of the wrong type",
        lambda doc: doc["provider"].update(spacelift=[{"api_key_id": 42}]),
        ["provider.spacelift: api_key_id: expected string, got number"],
    ),
    (
        "missing required_providers entry",
        lambda doc: doc.pop("terraform"),
        [
            "terraform.required_providers.spacelift: missing; without it spacelift_* blocks "
            "resolve to hashicorp/spacelift instead of spacelift-io/spacelift"
        ],
    ),
    (
        "required_providers entry with another source",
        lambda doc: doc["terraform"]["required_providers"]["spacelift"].update(
            source="hashicorp/spacelift"
        ),
        [
            "terraform.required_providers.spacelift: source: expected 'spacelift-io/spacelift', "
            "got 'hashicorp/spacelift'"
        ],
    ),
]


@pytest.mark.parametrize(
    ("mutate", "expected"), [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
def test_each_violation_is_reported_exactly(
    schema: JsonDict, mutate: Callable[[JsonDict], object], expected: list[str]
) -> None:
    assert check_terraform_json(mutated(mutate), schema) == expected


def test_violations_in_one_block_are_all_reported_in_document_order(schema: JsonDict) -> None:
    def break_everything(doc: JsonDict) -> None:
        stack_body(doc).update(id="x", autodeploy="yes", bogus=1)
        stack_body(doc).pop("repository")

    assert check_terraform_json(mutated(break_everything), schema) == [
        "spacelift_stack.s: id: read-only attribute cannot be set",
        "spacelift_stack.s: autodeploy: expected bool, got string",
        "spacelift_stack.s: bogus: unknown attribute",
        "spacelift_stack.s: repository: required attribute is missing",
    ]


def test_expressions_stand_for_any_type(schema: JsonDict) -> None:
    def use_expressions(doc: JsonDict) -> None:
        stack_body(doc).update(
            autodeploy="${var.autodeploy}",
            labels="${var.labels}",
            before_init=["${var.hook}", "make synth"],
            name="${var.name}",
        )
        doc["resource"]["spacelift_scheduled_delete_stack"]["x"]["at"] = "${var.at}"

    assert check_terraform_json(mutated(use_expressions), schema) == []


def test_an_interpolated_string_is_still_a_string(schema: JsonDict) -> None:
    doc = mutated(lambda doc: stack_body(doc).update(autodeploy="prefix-${var.x}"))

    assert check_terraform_json(doc, schema) == [
        "spacelift_stack.s: autodeploy: expected bool, got string"
    ]


def test_meta_arguments_and_comments_are_ignored(schema: JsonDict) -> None:
    def add_meta(doc: JsonDict) -> None:
        stack_body(doc).update(
            {
                "//": {"metadata": {"path": "test/s"}},
                "count": 2,
                "depends_on": ["spacelift_stack_destructor.d"],
                "for_each": "${toset(var.names)}",
                "lifecycle": {"prevent_destroy": True},
                "provider": "spacelift.other",
            }
        )
        doc["provider"]["spacelift"][0]["//"] = "comment"

    assert check_terraform_json(mutated(add_meta), schema) == []


def test_nested_block_lists_may_be_objects_or_lists(schema: JsonDict) -> None:
    as_object = mutated(lambda doc: stack_body(doc).update(opentofu={"logging": {"concise": True}}))
    as_list = mutated(
        lambda doc: stack_body(doc).update(opentofu=[{"logging": [{"concise": True}]}])
    )

    assert check_terraform_json(as_object, schema) == []
    assert check_terraform_json(as_list, schema) == []


def test_other_providers_blocks_are_ignored(schema: JsonDict) -> None:
    doc = {"resource": {"aws_vpc": {"vpc": {"anything": ["goes"]}}}, "provider": {"aws": [{}]}}

    assert check_terraform_json(doc, schema) == []


def test_cli_checks_whole_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.tf.json"
    good.write_text(json.dumps(VALID))
    bad = tmp_path / "bad.tf.json"
    bad.write_text(json.dumps(mutated(lambda doc: stack_body(doc).pop("branch"))))

    assert main([str(good)]) == 0
    assert capsys.readouterr().out == "1 file(s) conform\n"
    assert main([str(good), str(bad)]) == 1
    assert capsys.readouterr().out == (
        f"{bad}: spacelift_stack.s: branch: required attribute is missing\n"
    )
    assert main([]) == 2
