"""Who reaches and administers the clusters: exposure, admin lists, ArgoCD's identity."""

from __future__ import annotations

import pytest

from lab.rules import RuleError
from lab.rules.access import check_api_exposure, check_argocd_azure_identity, check_listed


def test_a_list_needs_one_value_each_once() -> None:
    check_listed(["a", "b"], field="xs", missing="name one")
    with pytest.raises(RuleError) as caught:
        check_listed([], field="xs", missing="name one")
    assert str(caught.value) == "xs: name one"
    with pytest.raises(RuleError) as caught:
        check_listed(["a", "a"], field="xs", missing="name one")
    assert str(caught.value) == "xs[1]: 'a' is listed twice; list it once"


@pytest.mark.parametrize(
    ("private", "ranges", "fact"),
    [
        (False, [], "list the CIDRs allowed to reach the API server"),
        (True, ["198.51.100.0/24"], "a private cluster has no public API server to restrict"),
    ],
)
def test_a_public_api_server_needs_ranges_and_a_private_one_none(
    private: bool, ranges: list[str], fact: str
) -> None:
    check_api_exposure(private_cluster=True, authorized_ip_ranges=[])
    check_api_exposure(private_cluster=False, authorized_ip_ranges=["198.51.100.0/24"])
    with pytest.raises(RuleError) as caught:
        check_api_exposure(private_cluster=private, authorized_ip_ranges=ranges)
    assert caught.value.field == "authorized_ip_ranges"
    assert fact in caught.value.message


@pytest.mark.parametrize(
    ("principal", "client", "missing"),
    [("p", None, "azure_client_id"), (None, "c", "azure_principal_id")],
)
def test_argocds_azure_ids_come_together(
    principal: str | None, client: str | None, missing: str
) -> None:
    check_argocd_azure_identity(None, None)
    check_argocd_azure_identity("p", "c")
    with pytest.raises(RuleError) as caught:
        check_argocd_azure_identity(principal, client)
    assert str(caught.value) == (
        f"{missing}: give azure_principal_id (the identity's object id) and azure_client_id "
        "(its client id) together; ArgoCD needs both for AKS"
    )
