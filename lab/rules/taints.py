"""Kubernetes taints, written once (``key=value:Effect``) and rendered for each cloud."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from lab.rules.violation import RuleError


class TaintEffect(StrEnum):
    """What a taint does to pods that do not tolerate it (Kubernetes' spelling)."""

    NO_SCHEDULE = "NoSchedule"
    """New pods are not scheduled on the node."""
    PREFER_NO_SCHEDULE = "PreferNoSchedule"
    """The scheduler avoids the node when it can."""
    NO_EXECUTE = "NoExecute"
    """New pods are not scheduled, and running ones are evicted."""

    @property
    def eks(self) -> str:
        """The EKS API's spelling (``aws_eks_node_group.taint.effect``): ``NO_SCHEDULE``..."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.value).upper()


# A label key (an optional DNS prefix and a name) and value, as Kubernetes accepts them.
_KEY: Final = re.compile(
    r"(?:[a-z0-9]([-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
    r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?"
)
_VALUE: Final = re.compile(r"([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?")


@dataclass(frozen=True)
class Taint:
    key: str
    value: str
    effect: TaintEffect

    @property
    def kubernetes(self) -> str:
        """``key=value:Effect``, as AKS node pools and kubectl take it."""
        return (
            f"{self.key}={self.value}:{self.effect.value}"
            if self.value
            else (f"{self.key}:{self.effect.value}")
        )


def parse_taint(text: str, *, field: str) -> Taint:
    """``key=value:Effect`` (or ``key:Effect``) as a :class:`Taint`."""
    head, _, effect = text.rpartition(":")
    key, _, value = head.partition("=")
    effects = ", ".join(e.value for e in TaintEffect)
    if not head or effect not in {e.value for e in TaintEffect}:
        raise RuleError(
            field,
            f"{text!r} is not a taint; write key=value:Effect with Effect one of {effects}, "
            "e.g. 'workload=batch:NoSchedule'",
        )
    if not _KEY.fullmatch(key) or not _VALUE.fullmatch(value):
        raise RuleError(
            field,
            f"{text!r} has a key or value Kubernetes refuses; keys and values are letters, "
            "digits, '-', '_' and '.', at most 63, starting and ending with a letter or digit",
        )
    return Taint(key, value, TaintEffect(effect))


def check_labels(labels: dict[str, str], *, field: str) -> None:
    """Kubernetes node labels: keys and values Kubernetes accepts."""
    for key, value in labels.items():
        if not _KEY.fullmatch(key) or not _VALUE.fullmatch(value):
            raise RuleError(
                f"{field}.{key}",
                f"{key}={value!r} is not a Kubernetes label; keys and values are letters, "
                "digits, '-', '_' and '.', at most 63, starting and ending with a letter or digit",
            )


# --- what each cloud adds to Kubernetes' own rules ---------------------------------------

AKS_SPOT_LABEL_KEY: Final = "kubernetes.azure.com/scalesetpriority"
"""The label and taint key AKS puts on every node of a Spot pool, with the value ``spot``."""
AKS_SPOT_VALUE: Final = "spot"
AKS_SPOT_TAINT: Final = Taint(AKS_SPOT_LABEL_KEY, AKS_SPOT_VALUE, TaintEffect.NO_SCHEDULE)
"""The taint AKS puts on every Spot node."""

# Prefixes AKS refuses on node labels, and AKS's reserved system labels outside them
# (MicrosoftDocs/azure-aks-docs@07fd290, articles/aks/use-labels.md, "Reserved system labels"
# and "Reserved prefixes").
AKS_RESERVED_LABEL_PREFIXES: Final = ("kubernetes.azure.com/", "kubernetes.io/")
AKS_RESERVED_LABELS: Final = frozenset(
    {
        "node.kubernetes.io/instance-type",
        "topology.kubernetes.io/region",
        "topology.kubernetes.io/zone",
    }
)

# Both clouds hand node labels to the kubelet (--node-labels), which refuses to start with a
# key in the kubernetes.io or k8s.io namespaces (or their subdomains) unless it is one of the
# kubelet's own; the nodes then never join ("unknown 'kubernetes.io' or 'k8s.io' labels
# specified with --node-labels"; kubernetes/kubernetes cmd/kubelet/app/options/options.go,
# ValidateKubeletFlags, and pkg/kubelet/apis/well_known_labels.go, whose allowed set the
# message lists).
_KUBERNETES_NAMESPACES: Final = ("kubernetes.io", "k8s.io")
_KUBELET_NAMESPACES: Final = ("kubelet.kubernetes.io", "node.kubernetes.io")
_KUBELET_LABELS: Final = frozenset(
    {
        "beta.kubernetes.io/arch",
        "beta.kubernetes.io/instance-type",
        "beta.kubernetes.io/os",
        "failure-domain.beta.kubernetes.io/region",
        "failure-domain.beta.kubernetes.io/zone",
        "kubernetes.io/arch",
        "kubernetes.io/hostname",
        "kubernetes.io/os",
        "node.kubernetes.io/instance-type",
        "topology.kubernetes.io/region",
        "topology.kubernetes.io/zone",
    }
)


def _in_namespace(namespace: str, domains: Sequence[str]) -> bool:
    return any(namespace == d or namespace.endswith(f".{d}") for d in domains)


def kubelet_refuses(key: str) -> bool:
    """The kubelet would not start with this node label (see above)."""
    namespace, slash, _ = key.rpartition("/")
    if not slash or not _in_namespace(namespace, _KUBERNETES_NAMESPACES):
        return False
    return key not in _KUBELET_LABELS and not _in_namespace(namespace, _KUBELET_NAMESPACES)


# The EKS API's limits on a managed node group's labels and taints: the whole key (prefix
# included) at most 63, unlike Kubernetes' 253 + 63; a label value at least 1 (botocore
# 1.44.18, botocore/data/eks/2017-11-01/service-2.json, shapes labelKey, labelValue, taintKey,
# taintValue).
EKS_MAX_KEY_LENGTH: Final = 63
EKS_MAX_VALUE_LENGTH: Final = 63
_MAX_PREFIX_LENGTH: Final = 253
"""Kubernetes: a key's DNS prefix is a subdomain of at most 253 characters."""


def _check_key_lengths(key: str, *, field: str, what: str) -> None:
    prefix, slash, _ = key.rpartition("/")
    if slash and len(prefix) > _MAX_PREFIX_LENGTH:
        raise RuleError(
            field,
            f"{key!r}: the {what} key's prefix is longer than Kubernetes' {_MAX_PREFIX_LENGTH} "
            "characters; shorten it",
        )


def check_node_labels(
    labels: dict[str, str], *, cloud: str, spot: bool = False, field: str = "labels"
) -> None:
    """Node labels as Kubernetes and the pool's cloud (``"azure"`` or ``"aws"``) accept them.

    On AKS a Spot pool may repeat AKS's own ``kubernetes.azure.com/scalesetpriority: spot``
    (the pool declares it anyway); no pool may set it to anything else.
    """
    check_labels(labels, field=field)
    for key, value in labels.items():
        where = f"{field}.{key}"
        _check_key_lengths(key, field=where, what="label")
        if cloud == "aws" and kubelet_refuses(key):
            raise RuleError(
                where,
                f"{key!r} is in the kubernetes.io/k8s.io namespace, which the kubelet refuses "
                "to set on its own node (but for its own labels), so the nodes would never "
                "join; use a key of your own, e.g. 'lab.example/role'",
            )
        if cloud == "azure":
            if key == AKS_SPOT_LABEL_KEY:
                if spot and value == AKS_SPOT_VALUE:
                    continue
                raise RuleError(
                    where,
                    f"{key}={value!r}: AKS sets this label itself ({AKS_SPOT_VALUE!r} on Spot "
                    "pools, and on no other pool); remove it, and set spot: true for a Spot pool",
                )
            if (
                key in AKS_RESERVED_LABELS
                or key.startswith(AKS_RESERVED_LABEL_PREFIXES)
                or kubelet_refuses(key)
            ):
                prefixes = " and ".join(AKS_RESERVED_LABEL_PREFIXES)
                raise RuleError(
                    where,
                    f"{key!r} is reserved by AKS ({prefixes} and AKS's system labels) or by "
                    "the kubelet (the kubernetes.io and k8s.io namespaces); use a key of your "
                    "own, e.g. 'lab.example/role'",
                )
        elif cloud == "aws":
            if len(key) > EKS_MAX_KEY_LENGTH:
                raise RuleError(
                    where,
                    f"{key!r} is {len(key)} characters; EKS takes label keys of at most "
                    f"{EKS_MAX_KEY_LENGTH}, the prefix included",
                )
            if not value or len(value) > EKS_MAX_VALUE_LENGTH:
                raise RuleError(
                    where,
                    f"{key}={value!r}: EKS takes label values of 1 to {EKS_MAX_VALUE_LENGTH} "
                    "characters",
                )


def check_node_taints(
    taints: Sequence[Taint], *, cloud: str, spot: bool = False, field: str = "taints"
) -> None:
    """Node taints as the pool's cloud accepts them.

    On AKS, AKS's Spot taint (``kubernetes.azure.com/scalesetpriority=spot:NoSchedule``) is
    the pool's own: a Spot pool may repeat it exactly, and no taint may give its key another
    value or effect.
    """
    for number, taint in enumerate(taints):
        where = f"{field}[{number}]"
        _check_key_lengths(taint.key, field=where, what="taint")
        if cloud == "azure" and taint.key == AKS_SPOT_LABEL_KEY:
            if spot and taint == AKS_SPOT_TAINT:
                continue
            raise RuleError(
                where,
                f"{taint.kubernetes!r}: AKS taints Spot nodes with "
                f"{AKS_SPOT_TAINT.kubernetes} itself, and no other node; "
                "remove it, and set spot: true for a Spot pool",
            )
        if cloud == "aws":
            if len(taint.key) > EKS_MAX_KEY_LENGTH:
                raise RuleError(
                    where,
                    f"{taint.key!r} is {len(taint.key)} characters; EKS takes taint keys of at "
                    f"most {EKS_MAX_KEY_LENGTH}, the prefix included",
                )
            if len(taint.value) > EKS_MAX_VALUE_LENGTH:
                raise RuleError(
                    where,
                    f"{taint.kubernetes!r}: EKS takes taint values of at most "
                    f"{EKS_MAX_VALUE_LENGTH} characters",
                )
