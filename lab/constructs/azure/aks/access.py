"""Who may use the Kubernetes API of an AKS cluster: Azure RBAC role assignments.

With local accounts off and Azure RBAC on, Kubernetes authorization is an Azure role
assignment on the cluster (or on one namespace of it).
"""

from __future__ import annotations

from enum import Enum, StrEnum

from cdktn_provider_azurerm.role_assignment import RoleAssignment
from constructs import Construct


class AksRole(Enum):
    """The built-in "Azure Kubernetes Service RBAC" roles (Azure's built-in roles list). The
    value is the role's name; ``key`` stems construct ids."""

    CLUSTER_ADMIN = ("Azure Kubernetes Service RBAC Cluster Admin", "ClusterAdmin")
    """Everything, cluster-wide."""
    ADMIN = ("Azure Kubernetes Service RBAC Admin", "Admin")
    """Most resources and RBAC within a namespace (or all namespaces); no quotas or the
    namespace itself."""
    WRITER = ("Azure Kubernetes Service RBAC Writer", "Writer")
    """Create, change and delete most namespaced resources, Secrets included; no RBAC."""
    READER = ("Azure Kubernetes Service RBAC Reader", "Reader")
    """Read most namespaced resources; no Secrets, no RBAC."""

    def __init__(self, role_name: str, key: str) -> None:
        self.role_name = role_name
        self.key = key


class PrincipalType(StrEnum):
    """What kind of Entra ID object a principal is (``principal_type``)."""

    USER = "User"
    GROUP = "Group"
    SERVICE_PRINCIPAL = "ServicePrincipal"
    """Applications and managed identities. Given, ARM does not look the principal up, so a
    just-created identity works before it has replicated."""


class ClusterAccess(Construct):
    """One Azure RBAC role assignment on an AKS cluster or one of its namespaces. Its
    resource is ``Default``."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cluster_id: str,
        cluster_name: str,
        principal_id: str,
        role: AksRole,
        namespace: str | None = None,
        principal_type: PrincipalType | None = None,
    ) -> None:
        super().__init__(scope, id)
        where = f"namespace {namespace} of {cluster_name}" if namespace else cluster_name
        self.resource = RoleAssignment(
            self,
            "Default",
            scope=f"{cluster_id}/namespaces/{namespace}" if namespace else cluster_id,
            role_definition_name=role.role_name,
            principal_id=principal_id,
            principal_type=principal_type.value if principal_type else None,
            skip_service_principal_aad_check=(
                True if principal_type is PrincipalType.SERVICE_PRINCIPAL else None
            ),
            description=f"{role.role_name} on {where}.",
        )
