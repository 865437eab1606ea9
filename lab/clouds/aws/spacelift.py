"""AWS's Spacelift integrations: one IAM role per identity (docs/bootstrap.md, step 3)."""

from __future__ import annotations

from typing import Final

from lab.clouds.unit import Identity
from lab.config import LabConfig
from lab.spacelift import AwsIntegration, AwsIntegrationAttachment

ATTACHMENT: Final = AwsIntegrationAttachment


def integrations(config: LabConfig) -> dict[Identity, AwsIntegration]:
    """One integration per identity, when ``spacelift.aws_integration`` is set."""
    settings = config.spacelift.aws_integration
    if settings is None:
        return {}
    roles = {
        Identity.READ: settings.read_role_arn,
        Identity.FOUNDATION: settings.foundation_role_arn,
        Identity.EXPERIMENT: settings.experiment_role_arn,
    }
    return {
        identity: AwsIntegration(
            name=f"{config.name}-aws-{identity.value}",
            role_arn=role_arn,
            # Creating an EKS cluster outlasts the 900 s default session.
            duration_seconds=settings.duration_seconds,
            region=config.aws.region,
            space_id=config.spacelift.space_id,
        )
        for identity, role_arn in roles.items()
    }
