"""Node labels and taints: what Kubernetes, AKS and EKS each refuse, and AKS's Spot marks."""

from __future__ import annotations

import pytest

from lab.rules import RuleError, Taint, TaintEffect, check_node_labels, check_node_taints

SPOT_KEY = "kubernetes.azure.com/scalesetpriority"


def refusal(call: object) -> str:
    with pytest.raises(RuleError) as caught:
        call()  # type: ignore[operator]
    return str(caught.value)


def test_aks_spot_label_may_be_repeated_on_a_spot_pool_only() -> None:
    check_node_labels({SPOT_KEY: "spot", "role": "batch"}, cloud="azure", spot=True)
    assert refusal(lambda: check_node_labels({SPOT_KEY: "regular"}, cloud="azure", spot=True)) == (
        f"labels.{SPOT_KEY}: {SPOT_KEY}='regular': AKS sets this label itself ('spot' on Spot "
        "pools, and on no other pool); remove it, and set spot: true for a Spot pool"
    )
    assert f"labels.{SPOT_KEY}: " in refusal(
        lambda: check_node_labels({SPOT_KEY: "spot"}, cloud="azure", spot=False)
    )


@pytest.mark.parametrize(
    "key",
    [
        "kubernetes.azure.com/mode",
        "kubernetes.io/role",
        "topology.kubernetes.io/zone",
        "node.kubernetes.io/instance-type",
    ],
)
def test_aks_reserved_label_keys_are_refused(key: str) -> None:
    message = refusal(lambda: check_node_labels({key: "x"}, cloud="azure"))
    assert message.startswith(f"labels.{key}: {key!r} is reserved by AKS")


@pytest.mark.parametrize(
    ("key", "kubelet_sets_it"),
    [
        ("app.kubernetes.io/name", False),
        ("node-role.kubernetes.io/worker", False),
        ("example.k8s.io/x", False),
        ("kubernetes.io/role", False),
        ("node.kubernetes.io/exclude-from-external-load-balancers", True),
        ("kubelet.kubernetes.io/anything", True),
        ("topology.kubernetes.io/zone", True),
        ("kubernetes.azure.com/mode", True),  # not the kubelet's namespace: AKS's (above)
        ("lab.example/role", True),
    ],
)
def test_eks_refuses_what_the_kubelet_refuses(key: str, kubelet_sets_it: bool) -> None:
    if kubelet_sets_it:
        check_node_labels({key: "x"}, cloud="aws")
    else:
        assert refusal(lambda: check_node_labels({key: "x"}, cloud="aws")) == (
            f"labels.{key}: {key!r} is in the kubernetes.io/k8s.io namespace, which the kubelet "
            "refuses to set on its own node (but for its own labels), so the nodes would never "
            "join; use a key of your own, e.g. 'lab.example/role'"
        )
        # AKS hands labels to the kubelet too.
        assert "is reserved by AKS" in refusal(lambda: check_node_labels({key: "x"}, cloud="azure"))


def test_aks_accepts_labels_of_its_own_domain() -> None:
    check_node_labels({"lab.example/role": "batch", "azure.com/team": "a"}, cloud="azure")


def test_eks_label_keys_and_values_fit_63_characters_prefix_included() -> None:
    key = "example.com/" + "k" * 51  # 63
    check_node_labels({key: "v" * 63}, cloud="aws")
    longer = "example.com/" + "k" * 52  # 64: Kubernetes accepts it, EKS does not
    check_node_labels({longer: "v"}, cloud="azure")
    assert refusal(lambda: check_node_labels({longer: "v"}, cloud="aws")) == (
        f"labels.{longer}: {longer!r} is 64 characters; EKS takes label keys of at most 63, "
        "the prefix included"
    )
    assert "EKS takes label values of 1 to 63" in refusal(
        lambda: check_node_labels({"role": ""}, cloud="aws")
    )
    check_node_labels({"role": ""}, cloud="azure")


def test_aks_spot_taint_is_the_pools_own() -> None:
    spot = Taint(SPOT_KEY, "spot", TaintEffect.NO_SCHEDULE)
    check_node_taints([spot], cloud="azure", spot=True)
    for bad, spot_pool in (
        (Taint(SPOT_KEY, "regular", TaintEffect.NO_SCHEDULE), True),
        (Taint(SPOT_KEY, "spot", TaintEffect.NO_EXECUTE), True),
        (spot, False),
    ):
        with pytest.raises(RuleError) as caught:
            check_node_taints([bad], cloud="azure", spot=spot_pool)
        message = str(caught.value)
        assert message.startswith(f"taints[0]: {bad.kubernetes!r}: AKS taints Spot nodes with")


def test_eks_taint_keys_fit_63_characters() -> None:
    ok = Taint("example.com/" + "k" * 51, "v" * 63, TaintEffect.NO_SCHEDULE)
    check_node_taints([ok], cloud="aws")
    long_key = Taint("example.com/" + "k" * 52, "v", TaintEffect.NO_SCHEDULE)
    assert refusal(lambda: check_node_taints([ok, long_key], cloud="aws")).startswith(
        f"taints[1]: {long_key.key!r} is 64 characters; EKS takes taint keys of at most 63"
    )
    check_node_taints([long_key], cloud="azure")
