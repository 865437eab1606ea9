"""Who may use the Kubernetes API of an EKS cluster: access entries and access policies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from cdktn_provider_aws.eks_access_entry import EksAccessEntry
from cdktn_provider_aws.eks_access_policy_association import (
    EksAccessPolicyAssociation,
    EksAccessPolicyAssociationAccessScope,
)
from constructs import Construct

from lab.rules.names import IAM_PRINCIPAL_ARN


class AccessPolicy(Enum):
    """The EKS access policies the lab grants (the EKS User Guide's "access policy
    permissions"). The value is the policy's name; ``key`` stems construct ids."""

    CLUSTER_ADMIN = ("AmazonEKSClusterAdminPolicy", "Admin")
    """Everything, cluster-wide: the equivalent of ``cluster-admin``."""
    ADMIN = ("AmazonEKSAdminPolicy", "Manage")
    """Most resources, RBAC included, without the cluster-scoped ones of cluster-admin."""
    EDIT = ("AmazonEKSEditPolicy", "Edit")
    """Create, change and delete most namespaced resources; no RBAC."""
    VIEW = ("AmazonEKSViewPolicy", "View")
    """Read most resources; no Secrets."""

    def __init__(self, policy_name: str, key: str) -> None:
        self.policy_name = policy_name
        self.key = key

    def arn(self, partition: str) -> str:
        return f"arn:{partition}:eks::aws:cluster-access-policy/{self.policy_name}"


@dataclass(frozen=True)
class AccessScope:
    """Where an access policy applies: the whole cluster, or some namespaces."""

    namespaces: tuple[str, ...] = ()
    """Empty: the cluster."""

    @classmethod
    def cluster(cls) -> AccessScope:
        return cls()

    @classmethod
    def namespace(cls, *namespaces: str) -> AccessScope:
        assert namespaces, "name at least one namespace, or use AccessScope.cluster()"
        return cls(tuple(namespaces))

    def block(self) -> EksAccessPolicyAssociationAccessScope:
        if not self.namespaces:
            return EksAccessPolicyAssociationAccessScope(type="cluster")
        return EksAccessPolicyAssociationAccessScope(
            type="namespace", namespaces=list(self.namespaces)
        )


class AccessEntry(Construct):
    """One IAM principal's entry to the cluster (type ``STANDARD``), to which access policies
    are associated. Its resource is ``Default``."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cluster_name: str,
        principal_arn: str,
        tags: Mapping[str, str],
    ) -> None:
        super().__init__(scope, id)
        self.resource = EksAccessEntry(
            self,
            "Default",
            cluster_name=cluster_name,
            principal_arn=principal_arn,
            type="STANDARD",
            tags=dict(tags),
        )
        self.principal_arn: str = self.resource.principal_arn
        self.policies: list[EksAccessPolicyAssociation] = []
        self.scopes: dict[AccessPolicy, AccessScope] = {}
        """Each policy associated so far, and where it applies."""


def principal_key(arn: str, index: int) -> str:
    """A construct-id suffix for a principal that stays the same when the list around it
    changes: ``<account>-<role|user>-<name>``, or its position when ``arn`` is a token."""
    match = IAM_PRINCIPAL_ARN.fullmatch(arn)
    if match is None:
        return str(index)
    name = match["path"].rsplit("/", 1)[-1]
    return f"{match['account']}-{match['kind']}-{name}"
