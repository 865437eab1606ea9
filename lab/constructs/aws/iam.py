"""IAM roles for AWS services and for pods, as the AWS constructs create them.

Functions rather than constructs: each creates the role, its trust document and its policy
attachments in the caller's scope, under ids derived from the role's (``<id>Trust``,
``<id><PolicyName>``), so a role keeps its address wherever it is built.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final, TypedDict, Unpack

from cdktn import Fn, ITerraformDependable
from cdktn_provider_aws.data_aws_iam_policy_document import (
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementCondition,
    DataAwsIamPolicyDocumentStatementPrincipals,
)
from cdktn_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from cdktn_provider_aws.iam_role import IamRole
from cdktn_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from constructs import Construct

IRSA_AUDIENCE: Final = "sts.amazonaws.com"

LAB_ROLE_PATH: Final = "/lab/"
"""Every IAM role the lab creates lives under this path, and the Spacelift integrations may
create and change roles under it only (docs/bootstrap/aws-*-policy.json), never their own."""
CLUSTER_ROLE_PATH: Final = f"{LAB_ROLE_PATH}clusters/"
"""The clusters' roles (control plane, nodes, pods): the experiment integration's."""
NETWORK_ROLE_PATH: Final = f"{LAB_ROLE_PATH}network/"
"""The foundation's roles (VPC flow logs): the foundation integration's."""
PERMISSIONS_BOUNDARY_POLICY: Final = "lab-permissions-boundary"
"""The customer managed policy every lab role carries as its permissions boundary, created
by hand at bootstrap (docs/bootstrap/aws-permissions-boundary.json). The integrations may
create or change a role only with it attached and may not remove it, so no role they make
can hold more than it allows: the delegation pattern of the AWS IAM User Guide
(awsdocs/iam-user-guide@0f5432d, doc_source/access_policies_boundaries.md, "Delegating
responsibility to others using permissions boundaries")."""


def permissions_boundary_arn(partition: str, account_id: str) -> str:
    """The ARN of :data:`PERMISSIONS_BOUNDARY_POLICY` in ``account_id``."""
    return f"arn:{partition}:iam::{account_id}:policy/{PERMISSIONS_BOUNDARY_POLICY}"


class RoleArgs(TypedDict):
    """What every lab role takes besides who may assume it."""

    role_name: str
    description: str
    tags: Mapping[str, str]
    permissions_boundary: str
    """The ARN of :data:`PERMISSIONS_BOUNDARY_POLICY` (:func:`permissions_boundary_arn`)."""


def service_role(scope: Construct, id: str, *, service: str, **role: Unpack[RoleArgs]) -> IamRole:
    """A role that only ``service`` (``eks.amazonaws.com``...) may assume."""
    trust = DataAwsIamPolicyDocumentStatement(
        effect="Allow",
        actions=["sts:AssumeRole"],
        principals=[
            DataAwsIamPolicyDocumentStatementPrincipals(type="Service", identifiers=[service])
        ],
    )
    return _role(scope, id, trust, **role)


def irsa_role(
    scope: Construct,
    id: str,
    *,
    oidc_provider: IamOpenidConnectProvider,
    issuer: str,
    service_account: str,
    **role: Unpack[RoleArgs],
) -> IamRole:
    """A role that one Kubernetes service account (``system:serviceaccount:<ns>:<name>``)
    assumes with the tokens the cluster's OIDC issuer minted for STS (IRSA)."""
    issuer_host = Fn.replace(issuer, "https://", "")
    trust = DataAwsIamPolicyDocumentStatement(
        effect="Allow",
        actions=["sts:AssumeRoleWithWebIdentity"],
        principals=[
            DataAwsIamPolicyDocumentStatementPrincipals(
                type="Federated", identifiers=[oidc_provider.arn]
            )
        ],
        # This one service account only, and only with tokens minted for STS.
        condition=[
            DataAwsIamPolicyDocumentStatementCondition(
                test="StringEquals", variable=f"{issuer_host}:sub", values=[service_account]
            ),
            DataAwsIamPolicyDocumentStatementCondition(
                test="StringEquals", variable=f"{issuer_host}:aud", values=[IRSA_AUDIENCE]
            ),
        ],
    )
    return _role(scope, id, trust, **role)


def _role(
    scope: Construct,
    id: str,
    trust: DataAwsIamPolicyDocumentStatement,
    **role: Unpack[RoleArgs],
) -> IamRole:
    """The role ``id`` with the one-statement trust policy ``<id>Trust``, on the clusters'
    path with the lab's permissions boundary."""
    document = DataAwsIamPolicyDocument(scope, f"{id}Trust", statement=[trust])
    return IamRole(
        scope,
        id,
        name=role["role_name"],
        path=CLUSTER_ROLE_PATH,
        permissions_boundary=role["permissions_boundary"],
        description=role["description"],
        assume_role_policy=document.json,
        tags=dict(role["tags"]),
    )


def attach_managed_policies(
    scope: Construct,
    role_id: str,
    role: IamRole,
    policy_arns: Mapping[str, str],
) -> list[ITerraformDependable]:
    """Attach AWS managed policies (construct id stem -> ARN) to ``role``, as
    ``<role_id><stem>``."""
    return [
        IamRolePolicyAttachment(scope, f"{role_id}{stem}", role=role.name, policy_arn=arn)
        for stem, arn in policy_arns.items()
    ]


def managed_policies(partition: str, names: Sequence[str]) -> dict[str, str]:
    """AWS managed policies by name (``service-role/AmazonEBSCSIDriverPolicy`` included), as
    the construct id stem (``AmazonEKSCNIPolicy``) -> ARN map :func:`attach_managed_policies`
    takes."""
    return {
        name.rsplit("/", 1)[-1].replace("_", ""): f"arn:{partition}:iam::aws:policy/{name}"
        for name in names
    }
