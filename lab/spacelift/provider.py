"""The ``spacelift-io/spacelift`` provider block."""

from __future__ import annotations

from typing import Any, ClassVar

from cdktn import TerraformProvider
from constructs import Construct

from lab.spacelift._base import PROVIDER_NAME, PROVIDER_SOURCE, generator_metadata


class SpaceliftProvider(TerraformProvider):
    """The Spacelift provider, authenticated from the environment only.

    Inside a Spacelift run the provider uses the run's injected ``SPACELIFT_API_TOKEN``, which
    carries the permissions of the roles attached to the stack (see
    :class:`lab.spacelift.RoleAttachment`). Outside Spacelift it reads
    ``SPACELIFT_API_KEY_ENDPOINT``, ``SPACELIFT_API_KEY_ID`` and ``SPACELIFT_API_KEY_SECRET``.

    The binding deliberately accepts no credentials (``api_key_secret``, ``api_token``, ...):
    anything passed here would be written in clear text into the synthesized JSON.
    """

    TF_RESOURCE_TYPE: ClassVar[str] = PROVIDER_NAME

    def __init__(self, scope: Construct, id: str, *, alias: str | None = None) -> None:
        """Declare the provider (and its ``required_providers`` entry) in the stack.

        Args:
            scope: The stack (or a construct in it).
            id: Construct id; ``"Spacelift"`` by convention.
            alias: Name of an additional, aliased configuration; resources select it with
                ``provider=``. Default: none, the stack's default Spacelift provider.
        """
        self._alias = alias
        super().__init__(
            scope,
            id,
            terraform_resource_type=PROVIDER_NAME,
            terraform_generator_metadata=generator_metadata(),
            terraform_provider_source=PROVIDER_SOURCE,
        )

    # cdktf reads ``alias`` for the provider's address (``spacelift.<alias>``) and its
    # ``alias`` argument; the base class leaves it to every provider to override.
    @property
    def alias(self) -> str | None:
        """The configuration's alias, or ``None`` for the default configuration."""
        return self._alias

    @alias.setter
    def alias(self, value: str | None) -> None:
        self._alias = value

    def _synthesize_attributes(self) -> dict[str, Any]:
        # No provider arguments: credentials come from the environment (see the class docs).
        return {}

    def _synthesize_hcl_attributes(self) -> dict[str, Any]:
        return {}
