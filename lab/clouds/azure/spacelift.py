"""Azure's Spacelift integrations: one Entra application per identity (docs/bootstrap.md)."""

from __future__ import annotations

from typing import Final

from lab.clouds.unit import Identity
from lab.config import LabConfig
from lab.spacelift import AzureIntegration, AzureIntegrationAttachment

ATTACHMENT: Final = AzureIntegrationAttachment


def integrations(config: LabConfig) -> dict[Identity, AzureIntegration]:
    """One integration per identity, when ``spacelift.azure_integration`` is set. Each is its
    own Entra application (service principal), so each gets its own consent and its own role
    assignments."""
    settings = config.spacelift.azure_integration
    if settings is None:
        return {}
    return {
        identity: AzureIntegration(
            name=f"{config.name}-azure-{identity.value}",
            tenant_id=settings.tenant_id,
            default_subscription_id=settings.subscription_id,
            space_id=config.spacelift.space_id,
        )
        for identity in Identity
    }
