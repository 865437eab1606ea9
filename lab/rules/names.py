"""Names the lab derives resource names from (machine types and regions: ``catalogue``)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Collection, Hashable, Sequence
from typing import Final, TypeVar

from lab.rules.violation import RuleError

DNS_LABEL: Final = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
"""A lowercase DNS label (RFC 1123): what experiment, cluster and project names must be."""

MAX_PROJECT_NAME_LENGTH: Final = 24
"""``lab.yaml`` ``name`` prefixes resource names; 24 keeps the longest derived one (the VPC
flow-log role, ``<name>-<region>-vpc-flow-logs``) inside IAM's 64."""

MAX_CLUSTER_NAME_LENGTH: Final = 40
"""``<experiment>-<cluster>`` names the cluster and prefixes its IAM roles, KMS alias and AKS
DNS prefix; 40 keeps the longest derived IAM role name (``<name>-eks-cluster``...) inside 64."""

MAX_NODE_POOL_NAME_LENGTH: Final = 12
"""AKS's limit for Linux node pool names, kept on both clouds so a pool can move between them."""

T = TypeVar("T")

_NODE_POOL_NAME: Final = re.compile(rf"[a-z][a-z0-9]{{0,{MAX_NODE_POOL_NAME_LENGTH - 1}}}")
_RESOURCE_GROUP_NAME: Final = re.compile(r"[-\w.()]{0,89}[-\w()]")
_VNET_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}[A-Za-z0-9_]")


def check_dns_label(value: str, *, field: str, max_length: int, purpose: str = "") -> str:
    """``value`` when it is a lowercase DNS label of at most ``max_length`` characters.

    ``purpose`` (why the limit exists) ends the message.
    """
    if len(value) <= max_length and DNS_LABEL.fullmatch(value):
        return value
    why = f"; {purpose}" if purpose else ""
    raise RuleError(
        field,
        f"{value!r} is not a lowercase DNS label of at most {max_length} characters (a-z, 0-9 "
        f"and '-', starting and ending with a letter or digit){why}",
    )


def check_node_pool_name(value: str, *, field: str) -> str:
    """A node pool (AKS) or node group (EKS) name: lowercase letters and digits, at most 12."""
    return _matching(
        value,
        _NODE_POOL_NAME,
        field=field,
        refusal="is not a node pool name: use lowercase letters and digits, starting with a "
        f"letter, at most {MAX_NODE_POOL_NAME_LENGTH} (AKS's limit, kept on both clouds)",
    )


def check_extra_pool_name(
    value: str, *, field: str, reserved: Collection[str], taken: Collection[str]
) -> None:
    """An extra pool's name: not one the cloud keeps for the default pool (``reserved``),
    and not another extra pool's (``taken``)."""
    if value in reserved:
        raise RuleError(field, f"{value!r} is the default pool's name; choose another")
    if value in taken:
        raise RuleError(field, f"{value!r} is used by two pools; name each once")


def check_object_id(value: str, *, field: str, what: str = "Entra ID object") -> str:
    """An Entra ID id (a GUID: an object id by default, ``what`` says which), written in
    lowercase as Azure returns it."""
    try:
        canonical = str(uuid.UUID(value))
    except ValueError:
        canonical = None
    if canonical == value:
        return value
    raise RuleError(
        field,
        f"{value!r} is not an {what} id; write the id as a lowercase GUID like "
        "'00000000-0000-0000-0000-000000000000'",
    )


def check_resource_group_name(value: str, *, field: str) -> str:
    """An Azure resource group name: 1-90 word characters, '-', '.', '(' or ')', not ending
    in '.'."""
    return _matching(
        value,
        _RESOURCE_GROUP_NAME,
        field=field,
        refusal="must be 1-90 letters, digits, '_', '-', '.', '(' or ')' and must not end "
        "with '.'; use e.g. 'rg-lab'",
    )


def check_vnet_name(value: str, *, field: str) -> str:
    """An Azure virtual network name: 2-64 characters."""
    return _matching(
        value,
        _VNET_NAME,
        field=field,
        refusal="must be 2-64 letters, digits, '_', '.' or '-', start with a letter or digit "
        "and end with a letter, digit or '_'; use e.g. 'vnet-lab'",
    )


IAM_PRINCIPAL_ARN: Final = re.compile(
    r"arn:aws[a-z-]*:iam::(?P<account>\d{12}):(?P<kind>role|user)/(?P<path>[\w+=,.@/-]{1,512})"
)
IAM_ROLE_ARN: Final = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}")


def check_iam_principal_arn(value: str, *, field: str) -> str:
    """An IAM role or user ARN (not an STS session of one)."""
    if ":assumed-role/" in value:
        raise RuleError(
            field,
            f"{value!r} is an STS session, not a principal; use the role's own ARN, "
            "arn:aws:iam::<account>:role/<name>",
        )
    return _matching(
        value,
        IAM_PRINCIPAL_ARN,
        field=field,
        refusal="is not an IAM role or user ARN; use the form "
        "'arn:aws:iam::123456789012:role/<name>'",
    )


def check_iam_role_arn(value: str, *, field: str) -> str:
    """An IAM role ARN."""
    return _matching(
        value,
        IAM_ROLE_ARN,
        field=field,
        refusal="is not an IAM role ARN; use the form 'arn:aws:iam::123456789012:role/<name>'",
    )


def _matching(value: str, pattern: re.Pattern[str], *, field: str, refusal: str) -> str:
    """``value`` when ``pattern`` matches all of it; otherwise the refusal, after the value."""
    if pattern.fullmatch(value):
        return value
    raise RuleError(field, f"{value!r} {refusal}")


def check_unique(
    values: Sequence[T], *, field: str, key: Callable[[T], Hashable] = lambda value: value
) -> None:
    """Each value once (compared by ``key``): a repeated entry would create the same resource
    twice."""
    seen: set[Hashable] = set()
    for index, value in enumerate(values):
        if key(value) in seen:
            raise RuleError(f"{field}[{index}]", f"{value!r} is listed twice; list it once")
        seen.add(key(value))


def construct_key(name: str) -> str:
    """``vpc-cni`` -> ``VpcCni``, ``spot`` -> ``Spot``: the PascalCase stem of the construct
    ids a named thing gets (its parts split at ``-``, ``_`` and ``.``)."""
    return "".join(part.capitalize() for part in re.split(r"[-_.]+", name))


# --- names derived from cluster and pool names ------------------------------------------

EKS_DEFAULT_GROUP: Final = "default"
"""The name of an EKS cluster's own node group: its launch template is ``<cluster>-nodes``."""
AKS_DEFAULT_POOL: Final = "system"
"""The name of an AKS cluster's default (system) node pool."""
AKS_ROTATION_POOL: Final = "systemrotate"
"""Temporary pool AKS moves the nodes to when a change (VM size, OS SKU, zones...) would
otherwise recreate the default pool, and with it the cluster. At most 12 lowercase
alphanumerics; no extra pool may take it."""
EKS_ROLE_SUFFIXES: Final = (
    "eks-cluster",
    "vpc-cni",
    "eks-node",
    "ebs-csi-controller-sa",
    "cluster-autoscaler",
)
"""The IAM roles every lab EKS cluster creates, ``<cluster>-<suffix>``: the control plane's,
the VPC CNI's, the nodes', and the Pod Identity roles of the EBS CSI controller and the
Cluster Autoscaler (each stack adds both)."""


def derived_cloud_names(cloud: str, cluster: str, pools: Sequence[str]) -> dict[str, str]:
    """Every name the cloud requires to be unique (in the account and region, or in the
    experiment's resource group) that the lab derives from one cluster's name (its
    ``<experiment>-<cluster>``) and its extra pools' names, as ``{name: what it names}``.

    Derived names join their parts with ``-``, so different parts can derive one name: an
    EKS cluster ``demo-target`` with a pool ``spot`` and a cluster ``demo-target-spot`` both
    derive the launch template ``demo-target-spot-nodes``. The constructs name their
    resources the same way (``tests/rules/test_names.py`` checks them against a synth).
    """
    names: dict[str, str] = {}
    if cloud == "aws":
        names[cluster] = "EKS cluster"
        names[f"/aws/eks/{cluster}/cluster"] = "CloudWatch log group"
        for suffix in EKS_ROLE_SUFFIXES:
            names[f"{cluster}-{suffix}"] = "IAM role"
        names[f"{cluster}-nodes"] = "launch template"
        for pool in pools:
            names[f"{cluster}-{pool}-nodes"] = "launch template"
    elif cloud == "azure":
        names[cluster] = "AKS cluster"
        names[f"{cluster}-control-plane"] = "managed identity"
    return names
