"""Statements of the customer-managed KMS key policies the AWS constructs write.

A key policy always says ``"Resource": "*"`` (meaning this key). The constructs encode
it with ``jsonencode`` rather than an ``aws_iam_policy_document``, which checkov would
scan as an identity policy and flag for that ``"*"`` (CKV_AWS_109/111/356); the tests
assert the statements exactly instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

KEY_ADMIN_ACTIONS: Final = (
    "kms:CancelKeyDeletion",
    "kms:Create*",
    "kms:Delete*",
    "kms:Describe*",
    "kms:Disable*",
    "kms:Enable*",
    "kms:Get*",
    "kms:List*",
    "kms:Put*",
    "kms:Revoke*",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:Update*",
)
"""Managing the key, not using it: the account administers, named principals encrypt."""

LOGS_KEY_ACTIONS: Final = (
    "kms:Decrypt*",
    "kms:Describe*",
    "kms:Encrypt*",
    "kms:GenerateDataKey*",
    "kms:ReEncrypt*",
)
"""What CloudWatch Logs needs to encrypt a log group (from its KMS documentation)."""

Statement = dict[str, Any]


def account_administers(partition: str, account_id: str) -> Statement:
    """The account stays the key's administrator, so deleting a role named in the policy
    can never leave the key unmanageable (orphaned)."""
    return {
        "Sid": "KeyAdministration",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
        "Action": list(KEY_ADMIN_ACTIONS),
        "Resource": "*",
    }


def logs_may_encrypt(sid: str, *, region: str, dns_suffix: str, group_arn: str) -> Statement:
    """CloudWatch Logs in ``region`` may use the key, for the one log group ``group_arn`` only
    (CloudWatch Logs names the log group in the encryption context)."""
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": f"logs.{region}.{dns_suffix}"},
        "Action": list(LOGS_KEY_ACTIONS),
        "Resource": "*",
        "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": group_arn}},
    }


def roles_keep_off(role_arns: Sequence[str]) -> Statement:
    """No KMS action on this key for the ``role_arns``, whatever their IAM policies allow.

    For a foundation's keys and the experiment write role: that role may tag any key with
    ``experiment=<name>`` (creating a tagged key needs ``kms:TagResource`` in an IAM policy
    "that isn't restricted to particular KMS keys", awsdocs/aws-kms-developer-guide@1d0d6636,
    doc_source/tag-permissions.md), and its ``kms:*`` on keys carrying that tag would then
    cover this key, deletion included. An explicit Deny in the key policy wins over every
    Allow. The principal is named by ``aws:PrincipalArn`` (KMS key policies take every global
    condition key, doc_source/conditions-aws.md@38281913), which for a role is the role's
    ARN whatever the session (awsdocs/iam-user-guide@c9017e1c,
    doc_source/reference_policies_condition-keys.md), so the key policy does not need the
    role to exist; ``aws:ResourceTag`` would not do here: KMS supports it in IAM policies
    only (doc_source/abac.md@c54d213b).
    """
    return {
        "Sid": "RolesKeepOff",
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "kms:*",
        "Resource": "*",
        "Condition": {"ArnEquals": {"aws:PrincipalArn": list(role_arns)}},
    }


def key_policy(*statements: Statement) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}
