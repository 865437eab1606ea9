"""Kubernetes taints, written once (``key=value:Effect``) and rendered for each cloud."""

from __future__ import annotations

import re
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
