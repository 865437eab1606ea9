"""The shared machinery behind every Spacelift binding.

A binding is a short class: a typed, keyword-only ``__init__`` that validates its
arguments and hands them to :class:`SpaceliftResource` (or
:class:`SpaceliftDataSource`) as a mapping from provider attribute name to value.
The base classes do the rest: they register the element with cdktf under the
binding's ``TF_RESOURCE_TYPE`` and the provider's generator metadata (so cdktf adds
``required_providers`` and checks that a provider construct exists), drop unset
(``None``) arguments, and render values for both JSON and HCL synthesis. Nested
blocks are frozen dataclasses deriving from :class:`Block`; their field names are
the attribute names.

Values are plain Python: ``str`` (tokens such as ``other.id`` are strings too),
``bool``, ``int``, sequences of ``str``, ``enum.StrEnum`` members and blocks.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Final, TypeAlias, TypedDict, TypeGuard, Unpack, cast

from cdktn import (
    ITerraformDependable,
    TerraformDataSource,
    TerraformProvider,
    TerraformProviderGeneratorMetadata,
    TerraformResource,
    TerraformResourceLifecycle,
    Token,
)
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


class ResourceMetaArguments(TypedDict, total=False):
    """Terraform meta-arguments that every resource binding passes through to cdktf."""

    depends_on: Sequence[ITerraformDependable]
    """Resources (or other dependables) to create before this one and destroy after it."""
    provider: TerraformProvider
    """A specific (aliased) Spacelift provider; default: the stack's default provider."""
    lifecycle: TerraformResourceLifecycle
    """``prevent_destroy``, ``ignore_changes``, ``create_before_destroy`` and conditions."""


class DataSourceMetaArguments(TypedDict, total=False):
    """Terraform meta-arguments that every data source binding passes through to cdktf."""

    depends_on: Sequence[ITerraformDependable]
    """Resources to create before reading the data source."""
    provider: TerraformProvider
    """A specific (aliased) Spacelift provider; default: the stack's default provider."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class Block:
    """A nested configuration block. Subclasses are frozen dataclasses named after the block;
    each field is one attribute (or sub-block) of the same name, ``None`` meaning unset."""

    def arguments(self) -> dict[str, Value]:
        """The block's set attributes, by provider attribute name."""
        return present(
            (field.name, getattr(self, field.name)) for field in dataclasses.fields(self)
        )


Value: TypeAlias = str | bool | int | enum.StrEnum | Sequence[str] | Block
"""What a binding may pass for one attribute (``None`` means "not set")."""


def present(arguments: Iterable[tuple[str, Value | None]]) -> dict[str, Value]:
    """Only the arguments that are set (not ``None``), in their given order."""
    return {name: value for name, value in arguments if value is not None}


def to_terraform(value: Value) -> Any:
    """One argument as Terraform JSON: enums by value, blocks as one object."""
    if isinstance(value, Block):
        return {name: to_terraform(item) for name, item in value.arguments().items()}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, str | bool | int):
        return value
    return [to_terraform(item) for item in value]


def to_hcl(value: Value) -> dict[str, Any]:
    """One argument in the typed form cdktf's HCL renderer expects."""
    if isinstance(value, Block):
        return {
            "value": {name: to_hcl(item) for name, item in value.arguments().items()},
            "isBlock": True,
            "type": "list",
            "storageClassType": f"{type(value).__name__}List",
        }
    if isinstance(value, bool):  # before int: bool is an int subclass
        return _hcl_simple(value, "boolean")
    if isinstance(value, int):
        return _hcl_simple(value, "number")
    if isinstance(value, str):
        return _hcl_simple(to_terraform(value), "string")
    return {
        "value": list(value),
        "isBlock": False,
        "type": "list",
        "storageClassType": "stringList",
    }


def _hcl_simple(value: str | bool | int, storage_class: str) -> dict[str, Any]:
    return {"value": value, "isBlock": False, "type": "simple", "storageClassType": storage_class}


def generator_metadata() -> TerraformProviderGeneratorMetadata:
    """What cdktf needs to emit ``required_providers`` and to match elements to the provider."""
    return TerraformProviderGeneratorMetadata(
        provider_name=PROVIDER_NAME, provider_version_constraint=PROVIDER_VERSION_CONSTRAINT
    )


def require_exactly_one(element: str, **candidates: str | None) -> None:
    """Raise unless exactly one of ``candidates`` is set, e.g. the target of an attachment.

    ``element`` names the binding and construct id for the message (``"ContextAttachment
    'Prod'"``).
    """
    chosen = [name for name, value in candidates.items() if value is not None]
    if len(chosen) == 1:
        return
    *first, last = candidates
    names = f"{', '.join(first)} or {last}"
    got = "none" if not chosen else " and ".join(f"{name}={candidates[name]!r}" for name in chosen)
    raise ValueError(f"{element}: set exactly one of {names} (got {got})")


def is_literal(value: str | None) -> TypeGuard[str]:
    """True for a value known at synth time: set, not a cdktf token, not a ``${...}`` expression.

    Validations check only literals; Terraform resolves the rest at plan time.
    """
    return value is not None and not Token.is_unresolved(value) and "${" not in value


class _SpaceliftArguments:
    """What resources and data sources share: typed arguments rendered for JSON and HCL."""

    _spacelift_arguments: dict[str, Value]

    @property
    def id(self) -> str:
        """The ID as a token (``${<type>.<name>.id}``); known after apply."""
        element = cast("TerraformResource | TerraformDataSource", self)
        return element.get_string_attribute("id")

    def _synthesize_attributes(self) -> Mapping[str, Any]:
        return {name: to_terraform(value) for name, value in self._spacelift_arguments.items()}

    def _synthesize_hcl_attributes(self) -> Mapping[str, Any]:
        return {name: to_hcl(value) for name, value in self._spacelift_arguments.items()}


class SpaceliftResource(_SpaceliftArguments, TerraformResource):
    """Base of every ``spacelift_*`` resource binding."""

    TF_RESOURCE_TYPE: ClassVar[str]
    """The Terraform resource type, e.g. ``"spacelift_stack"``."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        arguments: Mapping[str, Value | None],
        /,
        **meta: Unpack[ResourceMetaArguments],
    ) -> None:
        super().__init__(
            scope,
            id,
            terraform_resource_type=self.TF_RESOURCE_TYPE,
            terraform_generator_metadata=generator_metadata(),
            **meta,
        )
        self._spacelift_arguments = present(arguments.items())


class SpaceliftDataSource(_SpaceliftArguments, TerraformDataSource):
    """Base of every ``spacelift_*`` data source binding."""

    TF_RESOURCE_TYPE: ClassVar[str]
    """The Terraform data source type, e.g. ``"spacelift_role"``."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        arguments: Mapping[str, Value | None],
        /,
        **meta: Unpack[DataSourceMetaArguments],
    ) -> None:
        super().__init__(
            scope,
            id,
            terraform_resource_type=self.TF_RESOURCE_TYPE,
            terraform_generator_metadata=generator_metadata(),
            **meta,
        )
        self._spacelift_arguments = present(arguments.items())
