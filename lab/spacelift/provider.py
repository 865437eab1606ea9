"""The ``spacelift-io/spacelift`` provider block."""

from __future__ import annotations

from typing import Any

from cdktn import TerraformProvider
from constructs import Construct

from lab.spacelift._base import GENERATOR_METADATA, PROVIDER_NAME, PROVIDER_SOURCE


class SpaceliftProvider(TerraformProvider):
    """The Spacelift provider, authenticated from the environment only.

    Inside a Spacelift run the provider uses the run's injected ``SPACELIFT_API_TOKEN``, which
    carries the permissions of the roles attached to the stack. Outside Spacelift it reads
    ``SPACELIFT_API_KEY_ENDPOINT``, ``SPACELIFT_API_KEY_ID`` and ``SPACELIFT_API_KEY_SECRET``.

    The binding deliberately accepts no arguments: a credential passed here would be written in
    clear text into the synthesized JSON.
    """

    def __init__(self, scope: Construct, id: str) -> None:
        """Declare the provider (and its ``required_providers`` entry) in the stack.

        Args:
            scope: The stack (or a construct in it).
            id: Construct id.
        """
        super().__init__(
            scope,
            id,
            terraform_resource_type=PROVIDER_NAME,
            terraform_generator_metadata=GENERATOR_METADATA,
            terraform_provider_source=PROVIDER_SOURCE,
        )

    def _synthesize_attributes(self) -> dict[str, Any]:
        return {}  # no arguments: credentials come from the environment (see the class docs)
