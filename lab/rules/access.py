"""Who reaches and administers the clusters: API server exposure, admin groups, ArgoCD."""

from __future__ import annotations

from collections.abc import Sequence

from lab.rules.names import check_unique
from lab.rules.violation import RuleError


def check_listed(values: Sequence[str], *, field: str, missing: str) -> None:
    """At least one value, each once; ``missing`` says why none will not do."""
    if not values:
        raise RuleError(field, missing)
    check_unique(values, field=field)


def check_api_exposure(*, private_cluster: bool, authorized_ip_ranges: Sequence[str]) -> None:
    """A public AKS API server admits named ranges only; a private one has none to admit."""
    if private_cluster and authorized_ip_ranges:
        raise RuleError(
            "authorized_ip_ranges",
            "a private cluster has no public API server to restrict; remove the ranges or set "
            "private_cluster: false",
        )
    if not private_cluster and not authorized_ip_ranges:
        raise RuleError(
            "authorized_ip_ranges",
            "list the CIDRs allowed to reach the API server, or set private_cluster: true",
        )


def check_argocd_azure_identity(principal_id: str | None, client_id: str | None) -> None:
    """ArgoCD signs in to AKS with both ids of one Entra identity, or not at all."""
    if (principal_id is None) != (client_id is None):
        raise RuleError(
            "azure_client_id" if client_id is None else "azure_principal_id",
            "give azure_principal_id (the identity's object id) and azure_client_id (its client "
            "id) together; ArgoCD needs both for AKS",
        )
