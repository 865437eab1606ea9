"""A CloudWatch log group encrypted with a customer-managed KMS key: where the VPC flow
logs and the EKS control-plane logs go."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from cdktn_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from constructs import Construct

RETENTION_DAYS: Final = 365
"""A year: less fails checkov CKV_AWS_338. The group goes with its stack, so a lab pays only
for what it logged."""


def log_group_arn(partition: str, region: str, account_id: str, name: str) -> str:
    """The ARN of the log group ``name``, known before the group exists (for key policies)."""
    return f"arn:{partition}:logs:{region}:{account_id}:log-group:{name}"


@dataclass(frozen=True, kw_only=True)
class EncryptedLogGroupProps:
    """Inputs of :class:`EncryptedLogGroup`."""

    name: str
    """The log group's name (``/aws/eks/<cluster>/cluster``). Required."""
    kms_key_arn: str
    """The customer-managed key that encrypts it. Its key policy must let CloudWatch Logs use
    it for this group (:func:`lab.constructs.aws.key_policy.logs_may_encrypt`). Required."""
    tags: Mapping[str, str]
    """Required (the owner's tags)."""


class EncryptedLogGroup(Construct):
    """A log group kept :data:`RETENTION_DAYS` days, with a customer-managed key.

    Create it before whatever writes to it (EKS, VPC Flow Logs): a service that finds no
    group creates one itself, unencrypted and kept forever. Its resource is ``Default``, so
    a group keeps its address when an owner adopts this construct under the group's id.
    """

    def __init__(self, scope: Construct, id: str, props: EncryptedLogGroupProps) -> None:
        super().__init__(scope, id)
        self.resource = CloudwatchLogGroup(
            self,
            "Default",
            name=props.name,
            retention_in_days=RETENTION_DAYS,
            kms_key_id=props.kms_key_arn,
            tags=dict(props.tags),
        )
        self.arn: str = self.resource.arn
        """ARN of the log group."""
        self.name: str = self.resource.name
        """Name of the log group, as a reference (whatever uses it waits for it)."""
