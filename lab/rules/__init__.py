"""The lab's validation rules, in one place.

``lab.yaml`` and ``cluster.yaml`` (through their pydantic models) and the construct props
call the same functions, so ``lab validate`` accepts exactly what synth accepts, with the
same messages. Pure Python: nothing here imports cdktf, so validation stays fast.

Each rule raises :class:`RuleError` naming the field and saying what to change.
Callers that validate values which may be Terraform tokens skip the rule for those
values; a rule never sees a token.
"""

from lab.rules.cidr import parse_cidr, parse_ipv4_cidr
from lab.rules.kubernetes import check_kubernetes_minor
from lab.rules.names import (
    DNS_LABEL,
    MAX_CLUSTER_NAME_LENGTH,
    MAX_NODE_POOL_NAME_LENGTH,
    MAX_PROJECT_NAME_LENGTH,
    check_aws_instance_type,
    check_azure_location,
    check_azure_vm_size,
    check_dns_label,
    check_iam_principal_arn,
    check_iam_role_arn,
    check_node_pool_name,
    check_object_id,
    check_resource_group_name,
    check_unique,
    check_vnet_name,
    construct_key,
)
from lab.rules.network import (
    RFC1918_RANGES,
    check_subnet,
    check_vnet_layout,
    check_vpc_cidr,
    overlaps,
    subnet_key,
)
from lab.rules.nodes import NodeBounds, node_bound_violations, node_bounds
from lab.rules.tags import check_tags
from lab.rules.taints import Taint, TaintEffect, check_labels, parse_taint
from lab.rules.violation import RuleError

__all__ = [
    "DNS_LABEL",
    "MAX_CLUSTER_NAME_LENGTH",
    "MAX_NODE_POOL_NAME_LENGTH",
    "MAX_PROJECT_NAME_LENGTH",
    "RFC1918_RANGES",
    "NodeBounds",
    "RuleError",
    "Taint",
    "TaintEffect",
    "check_aws_instance_type",
    "check_azure_location",
    "check_azure_vm_size",
    "check_dns_label",
    "check_iam_principal_arn",
    "check_iam_role_arn",
    "check_kubernetes_minor",
    "check_labels",
    "check_node_pool_name",
    "check_object_id",
    "check_resource_group_name",
    "check_subnet",
    "check_tags",
    "check_unique",
    "check_vnet_layout",
    "check_vnet_name",
    "check_vpc_cidr",
    "construct_key",
    "node_bound_violations",
    "node_bounds",
    "overlaps",
    "parse_cidr",
    "parse_ipv4_cidr",
    "parse_taint",
    "subnet_key",
]
