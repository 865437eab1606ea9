"""IAM roles for pods: EKS Pod Identity (and IRSA, for the one pod that runs before it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from cdktn_provider_aws.data_aws_iam_policy_document import (
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementCondition,
    DataAwsIamPolicyDocumentStatementPrincipals,
)
from cdktn_provider_aws.eks_pod_identity_association import EksPodIdentityAssociation
from cdktn_provider_aws.iam_role import IamRole
from cdktn_provider_aws.iam_role_policy import IamRolePolicy
from constructs import Construct

from lab.constructs.aws.iam import CLUSTER_ROLE_PATH, attach_managed_policies

POD_IDENTITY_PRINCIPAL: Final = "pods.eks.amazonaws.com"
"""The service that assumes Pod Identity roles (EKS User Guide, "Create IAM role with trust
policy required by EKS Pod Identity")."""
POD_IDENTITY_ACTIONS: Final = ("sts:AssumeRole", "sts:TagSession")
"""Pod Identity tags each session with the cluster, namespace and service account."""


@dataclass(frozen=True, kw_only=True)
class PodIdentityProps:
    cluster_name: str
    namespace: str
    service_account: str
    role_name: str
    """IAM role name (unique in the account)."""
    permissions_boundary: str
    """ARN of the permissions boundary the role carries (the lab's)."""
    description: str
    managed_policy_arns: Mapping[str, str] = field(default_factory=dict)
    """AWS managed policies to attach: construct id stem -> ARN."""
    inline_policy: str | None = None
    """A policy document (JSON) of the role's own. Default: none."""
    associate: bool = True
    """Default: true: create the association. False when an EKS add-on makes it itself (its
    ``pod_identity_association``)."""
    tags: Mapping[str, str] = field(default_factory=dict)


class PodIdentity(Construct):
    """An IAM role that one Kubernetes service account gets through EKS Pod Identity: no
    OIDC trust, no annotation on the service account, credentials only for pods that run as
    it. Its role is ``role``; the association (if any) is ``resource``."""

    def __init__(self, scope: Construct, id: str, props: PodIdentityProps) -> None:
        super().__init__(scope, id)
        trust = DataAwsIamPolicyDocument(
            self,
            "Trust",
            statement=[
                DataAwsIamPolicyDocumentStatement(
                    effect="Allow",
                    actions=list(POD_IDENTITY_ACTIONS),
                    principals=[
                        DataAwsIamPolicyDocumentStatementPrincipals(
                            type="Service", identifiers=[POD_IDENTITY_PRINCIPAL]
                        )
                    ],
                    # Only this cluster's one service account: the session tags Pod Identity
                    # sends with every AssumeRole (awsdocs/amazon-eks-user-guide@2edffcb,
                    # latest/ug/manage-access/aws-access/pod-id-role.adoc, "Setting
                    # Conditions"). Without them, any association in the account naming this
                    # role would get its credentials.
                    condition=[
                        DataAwsIamPolicyDocumentStatementCondition(
                            test="StringEquals", variable=f"aws:RequestTag/{tag}", values=[value]
                        )
                        for tag, value in (
                            ("eks-cluster-name", props.cluster_name),
                            ("kubernetes-namespace", props.namespace),
                            ("kubernetes-service-account", props.service_account),
                        )
                    ],
                )
            ],
        )
        self.role = IamRole(
            self,
            "Role",
            name=props.role_name,
            path=CLUSTER_ROLE_PATH,
            permissions_boundary=props.permissions_boundary,
            description=props.description,
            assume_role_policy=trust.json,
            tags=dict(props.tags),
        )
        self.policies = attach_managed_policies(self, "Role", self.role, props.managed_policy_arns)
        if props.inline_policy is not None:
            self.policies.append(
                IamRolePolicy(
                    self,
                    "Policy",
                    name=props.service_account,
                    role=self.role.id,
                    policy=props.inline_policy,
                )
            )
        self.resource: EksPodIdentityAssociation | None = None
        if props.associate:
            self.resource = EksPodIdentityAssociation(
                self,
                "Default",
                cluster_name=props.cluster_name,
                namespace=props.namespace,
                service_account=props.service_account,
                role_arn=self.role.arn,
                tags=dict(props.tags),
                depends_on=list(self.policies),
            )
        self.role_arn: str = self.role.arn
        self.namespace = props.namespace
        self.service_account = props.service_account
