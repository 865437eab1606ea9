"""``DataSpaceliftRole`` and ``RoleAttachment``: the replacement for ``administrative``."""

from __future__ import annotations

from typing import Any

import pytest
from cdktn import TerraformOutput, TerraformStack
from syrupy.assertion import SnapshotAssertion

from lab.spacelift import SPACE_ADMIN_ROLE_SLUG, DataSpaceliftRole, RoleAttachment, Stack
from tests.helpers import data_sources, only_resource, synth


def test_space_admin_role_attached_to_a_stack(
    stack: TerraformStack, json_snapshot: SnapshotAssertion
) -> None:
    root = Stack(
        stack, "Root", name="spacelift-root", repository="lab", branch="main", space_id="root"
    )
    admin = DataSpaceliftRole(stack, "SpaceAdmin", slug=SPACE_ADMIN_ROLE_SLUG)
    RoleAttachment(
        stack, "RootIsSpaceAdmin", role_id=admin.id, space_id="lab-01HXYZ", stack_id=root.id
    )

    doc = synth(stack)

    assert data_sources(doc, "spacelift_role") == {"SpaceAdmin": {"slug": "space-admin"}}
    assert only_resource(doc, "spacelift_role_attachment") == {
        "role_id": "${data.spacelift_role.SpaceAdmin.id}",
        "space_id": "lab-01HXYZ",
        "stack_id": "${spacelift_stack.Root.id}",
    }
    assert {"data": doc["data"], "attachment": only_resource(doc, "spacelift_role_attachment")} == (
        json_snapshot
    )


@pytest.mark.parametrize("principal", ["api_key_id", "idp_group_mapping_id", "user_id"])
def test_role_attachment_accepts_each_other_principal(
    stack: TerraformStack, principal: str
) -> None:
    arguments: dict[str, Any] = {principal: "01PRINCIPAL"}
    RoleAttachment(stack, "Grant", role_id="01ROLE", space_id="root", **arguments)

    assert only_resource(synth(stack), "spacelift_role_attachment") == {
        "role_id": "01ROLE",
        "space_id": "root",
        principal: "01PRINCIPAL",
    }


def test_role_attachment_needs_exactly_one_principal(stack: TerraformStack) -> None:
    with pytest.raises(ValueError) as neither:
        RoleAttachment(stack, "Nobody", role_id="01ROLE", space_id="root")
    with pytest.raises(ValueError) as two:
        RoleAttachment(stack, "Two", role_id="01ROLE", space_id="root", stack_id="s", user_id="u")

    assert str(neither.value) == (
        "RoleAttachment 'Nobody': set exactly one of stack_id, api_key_id, "
        "idp_group_mapping_id or user_id (got none)"
    )
    assert str(two.value).endswith("(got stack_id='s' and user_id='u')")


def test_role_lookup_needs_exactly_one_key(stack: TerraformStack) -> None:
    with pytest.raises(ValueError) as raised:
        DataSpaceliftRole(stack, "Role", slug="space-admin", role_id="01ROLE")

    assert str(raised.value) == (
        "DataSpaceliftRole 'Role': set exactly one of slug or role_id "
        "(got slug='space-admin' and role_id='01ROLE')"
    )


def test_role_lookup_by_id_and_its_tokens(stack: TerraformStack) -> None:
    role = DataSpaceliftRole(stack, "Role", role_id="01K07523Q8B4TBF0YHQRF6J5MW")
    tokens = {
        "id": role.id,
        "name": role.name,
        "description": role.description,
        "actions": role.actions,
        "is_system": role.is_system,
    }
    for name, token in tokens.items():
        TerraformOutput(stack, name, value=token)

    doc = synth(stack)

    assert data_sources(doc, "spacelift_role") == {
        "Role": {"role_id": "01K07523Q8B4TBF0YHQRF6J5MW"}
    }
    assert {name: doc["output"][name]["value"] for name in tokens} == {
        name: f"${{data.spacelift_role.Role.{name}}}" for name in tokens
    }
