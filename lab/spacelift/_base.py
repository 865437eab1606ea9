"""What every Spacelift binding shares: the provider's identity, arguments as dataclasses, and
the one construct that puts a resource into a stack.

A binding is a frozen dataclass named after the resource (:class:`lab.spacelift.Stack`): it
declares its Terraform type once, in ``TERRAFORM_TYPE``, and its arguments as typed fields named
after the provider's attributes, ``None`` meaning unset. :class:`SpaceliftResource` registers it
with cdktf and renders the fields as the resource's configuration. Nested blocks are
:class:`Block` dataclasses in the same way.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from typing import Any, ClassVar, Final

from cdktn import ITerraformDependable, TerraformProviderGeneratorMetadata, TerraformResource
from constructs import Construct

PROVIDER_NAME: Final = "spacelift"
"""The provider's local name: the prefix of every resource type and the provider block's key."""

PROVIDER_SOURCE: Final = "spacelift-io/spacelift"
"""Where Terraform/OpenTofu downloads the provider from."""

PROVIDER_VERSION_CONSTRAINT: Final = ">= 1.53.5, < 2.0.0"
"""The provider versions the bindings are written for.

1.53.5 is the first release with the native ``opentofu`` stack block; a 2.x release may
remove or rename attributes, so it must be adopted deliberately.
"""

GENERATOR_METADATA: Final = TerraformProviderGeneratorMetadata(
    provider_name=PROVIDER_NAME, provider_version_constraint=PROVIDER_VERSION_CONSTRAINT
)
"""What cdktf needs to emit ``required_providers`` and to match resources to the provider."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class Block:
    """Provider attributes as a frozen dataclass: each field is the attribute (or nested block)
    of the same name, ``None`` meaning unset. Nested blocks subclass it directly, resources
    through :class:`Arguments`."""

    def to_terraform(self) -> dict[str, Any]:
        """The set attributes as Terraform JSON: enums by value, nested blocks as objects."""
        return {
            field.name: _to_terraform(value)
            for field in dataclasses.fields(self)
            if (value := getattr(self, field.name)) is not None
        }


def _to_terraform(value: Any) -> Any:
    if isinstance(value, Block):
        return value.to_terraform()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, str | bool | int):
        return value
    return [_to_terraform(item) for item in value]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Arguments(Block):
    """The arguments of one ``spacelift_*`` resource; a subclass names its type."""

    TERRAFORM_TYPE: ClassVar[str]
    """The Terraform resource type, e.g. ``"spacelift_stack"``."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class SpaceEntity(Arguments):
    """The arguments of a named resource that lives in a Spacelift space (stacks, contexts,
    policies and cloud integrations do; a space's roles grant access to what it holds)."""

    name: str
    """Display name. Stack, context and policy names are unique in the account (a context's ID
    is derived from its name)."""
    space_id: str | None = None
    """ID of the space it lives in. Default: unset, the provider's default space (``legacy``
    if the account still has it, otherwise ``root``)."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class LabelledEntity(SpaceEntity):
    """A space's resource that also has a description and labels. A context or policy labelled
    ``autoattach:<label>`` applies to every stack labelled ``<label>`` in its space."""

    description: str | None = None
    """Default: none."""
    labels: Sequence[str] | None = None
    """Default: none."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class StackChild(Arguments):
    """The arguments of a resource that belongs to one stack and goes with it."""

    stack_id: str
    """ID of the stack (``SpaceliftResource.id`` of a :class:`lab.spacelift.Stack`)."""


class SpaceliftResource(TerraformResource):
    """One ``spacelift_*`` resource in a stack, configured by its :class:`Arguments`.

    The stack must also declare a :class:`lab.spacelift.SpaceliftProvider`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        arguments: Arguments,
        *,
        depends_on: Sequence[ITerraformDependable] | None = None,
    ) -> None:
        """Declare the resource ``arguments`` describe.

        Args:
            scope: The construct this resource belongs to.
            id: Construct id; becomes the Terraform logical id.
            arguments: The resource's type and arguments.
            depends_on: Resources to create before this one and destroy after it. Default:
                none beyond the references in ``arguments``.
        """
        super().__init__(
            scope,
            id,
            terraform_resource_type=arguments.TERRAFORM_TYPE,
            terraform_generator_metadata=GENERATOR_METADATA,
            depends_on=depends_on,
        )
        self.arguments = arguments

    @property
    def id(self) -> str:
        """The ID as a token (``${<type>.<name>.id}``); known after apply."""
        return self.get_string_attribute("id")

    def _synthesize_attributes(self) -> dict[str, Any]:
        return self.arguments.to_terraform()
