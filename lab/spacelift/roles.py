"""Roles: the ``spacelift_role`` data source and ``spacelift_role_attachment``.

A stack's permissions over Spacelift itself (the replacement for the deprecated
``administrative`` flag) come from a role attached to the stack in a space.
"""

from __future__ import annotations

from typing import ClassVar, Final, Unpack

from cdktn import IResolvable
from constructs import Construct

from lab.spacelift._base import (
    DataSourceMetaArguments,
    ResourceMetaArguments,
    SpaceliftDataSource,
    SpaceliftResource,
    require_exactly_one,
)

SPACE_ADMIN_ROLE_SLUG: Final = "space-admin"
"""Slug of the built-in role that may manage everything in a space (and its children)."""


class DataSpaceliftRole(SpaceliftDataSource):
    """Look up a role by slug (built-in roles such as ``space-admin``) or by ID.

    Reading roles needs admin access to the ``root`` space.
    """

    TF_RESOURCE_TYPE: ClassVar[str] = "spacelift_role"

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        slug: str | None = None,
        role_id: str | None = None,
        **meta: Unpack[DataSourceMetaArguments],
    ) -> None:
        """Look up exactly one of ``slug`` or ``role_id``.

        Args:
            scope: The construct this lookup belongs to.
            id: Construct id; becomes the Terraform logical id.
            slug: The role's slug, e.g. :data:`SPACE_ADMIN_ROLE_SLUG`. Default: none (set
                this or ``role_id``).
            role_id: The role's ULID. Default: none.
            **meta: ``depends_on``, ``provider``.

        Raises:
            ValueError: Not exactly one of ``slug`` and ``role_id`` is set.
        """
        require_exactly_one(f"DataSpaceliftRole {id!r}", slug=slug, role_id=role_id)
        super().__init__(scope, id, {"slug": slug, "role_id": role_id}, **meta)

    @property
    def name(self) -> str:
        """Token: the role's display name."""
        return self.get_string_attribute("name")

    @property
    def description(self) -> str:
        """Token: the role's description."""
        return self.get_string_attribute("description")

    @property
    def actions(self) -> list[str]:
        """Token: the permissions the role grants (``SPACE_ADMIN``, ``RUN_TRIGGER``, ...)."""
        return self.get_list_attribute("actions")

    @property
    def is_system(self) -> IResolvable:
        """Token: whether the role is built in (cannot be changed or deleted)."""
        return self.get_boolean_attribute("is_system")


class RoleAttachment(SpaceliftResource):
    """Grant a role in a space to exactly one stack, API key, IdP group mapping or user.

    A role attached in a space also applies to its child spaces. A role in ``root`` can only
    be given to a stack that itself lives in ``root``.
    """

    TF_RESOURCE_TYPE: ClassVar[str] = "spacelift_role_attachment"

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        role_id: str,
        space_id: str,
        stack_id: str | None = None,
        api_key_id: str | None = None,
        idp_group_mapping_id: str | None = None,
        user_id: str | None = None,
        **meta: Unpack[ResourceMetaArguments],
    ) -> None:
        """Attach ``role_id`` in ``space_id`` to exactly one principal.

        Args:
            scope: The construct this attachment belongs to.
            id: Construct id; becomes the Terraform logical id.
            role_id: The role's ULID (``DataSpaceliftRole.id``).
            space_id: ID of the space the role applies in (and its children).
            stack_id: Slug of the stack to grant the role to (``Stack.id``). Default: none
                (set exactly one principal).
            api_key_id: ULID of the API key to grant the role to. Default: none.
            idp_group_mapping_id: ULID of the IdP group mapping to grant it to. Default: none.
            user_id: ULID of the user to grant it to. Default: none.
            **meta: ``depends_on``, ``provider``, ``lifecycle``.

        Raises:
            ValueError: Not exactly one principal is set.
        """
        require_exactly_one(
            f"RoleAttachment {id!r}",
            stack_id=stack_id,
            api_key_id=api_key_id,
            idp_group_mapping_id=idp_group_mapping_id,
            user_id=user_id,
        )
        super().__init__(
            scope,
            id,
            {
                "role_id": role_id,
                "space_id": space_id,
                "stack_id": stack_id,
                "api_key_id": api_key_id,
                "idp_group_mapping_id": idp_group_mapping_id,
                "user_id": user_id,
            },
            **meta,
        )
