"""The lab's validation rules, in one place.

``lab.config`` (``lab.yaml``, through its pydantic models) and ``lab.experiments`` (each
``cluster.yaml``) call them, and ``lab.definition`` the checks that span both files; synth
and ``lab validate`` load the lab through the same code, so they accept the same lab with
the same messages. The constructs check nothing a file could get wrong: they take checked
values and assert only against mistakes in the code that calls them (they reuse a few
names and parsers from here). Pure Python: nothing here imports cdktn, so validation stays
fast.

Each rule raises :class:`RuleError` naming the field and saying what to change. Rules see
the values written in the files, never a Terraform token.
"""

from lab.rules.budget import (
    MAX_ALERT_EMAILS,
    MIN_BUDGET_AMOUNT,
    check_alert_emails,
    check_budget_amount,
    check_budget_tag,
    check_cost,
    check_email,
)
from lab.rules.catalogue import (
    check_aws_instance_type,
    check_aws_region,
    check_azure_location,
    check_azure_vm_size,
)
from lab.rules.cidr import parse_cidr, parse_eks_public_access_cidr, parse_ipv4_cidr
from lab.rules.ingress import (
    DEFAULT_SERVICE_PORTS,
    FOUNDATION_RULE_PRIORITY,
    check_service_ports,
    check_service_sources,
    experiment_rule_priority,
)
from lab.rules.kubernetes import (
    AKS_SUPPORT,
    EKS_SUPPORT,
    SupportCalendar,
    check_kubernetes_minor,
    check_supported,
    support_warnings,
)
from lab.rules.names import (
    DNS_LABEL,
    MAX_CLUSTER_NAME_LENGTH,
    MAX_NODE_POOL_NAME_LENGTH,
    MAX_PROJECT_NAME_LENGTH,
    check_dns_label,
    check_extra_pool_name,
    check_iam_principal_arn,
    check_iam_role_arn,
    check_node_pool_name,
    check_object_id,
    check_resource_group_name,
    check_unique,
    check_vnet_name,
    construct_key,
    derived_cloud_names,
)
from lab.rules.network import (
    RFC1918_RANGES,
    check_vnet_layout,
    check_vpc_cidr,
    overlaps,
    subnet_key,
)
from lab.rules.nodes import node_bound_violations
from lab.rules.tags import check_tags
from lab.rules.taints import (
    AKS_SPOT_LABEL_KEY,
    AKS_SPOT_TAINT,
    AKS_SPOT_VALUE,
    Taint,
    TaintEffect,
    check_labels,
    check_node_labels,
    check_node_taints,
    parse_taint,
)
from lab.rules.violation import RuleError

__all__ = [
    "AKS_SPOT_LABEL_KEY",
    "AKS_SPOT_TAINT",
    "AKS_SPOT_VALUE",
    "AKS_SUPPORT",
    "DEFAULT_SERVICE_PORTS",
    "DNS_LABEL",
    "EKS_SUPPORT",
    "FOUNDATION_RULE_PRIORITY",
    "MAX_ALERT_EMAILS",
    "MAX_CLUSTER_NAME_LENGTH",
    "MAX_NODE_POOL_NAME_LENGTH",
    "MAX_PROJECT_NAME_LENGTH",
    "MIN_BUDGET_AMOUNT",
    "RFC1918_RANGES",
    "RuleError",
    "SupportCalendar",
    "Taint",
    "TaintEffect",
    "check_alert_emails",
    "check_aws_instance_type",
    "check_aws_region",
    "check_azure_location",
    "check_azure_vm_size",
    "check_budget_amount",
    "check_budget_tag",
    "check_cost",
    "check_dns_label",
    "check_email",
    "check_extra_pool_name",
    "check_iam_principal_arn",
    "check_iam_role_arn",
    "check_kubernetes_minor",
    "check_labels",
    "check_node_labels",
    "check_node_pool_name",
    "check_node_taints",
    "check_object_id",
    "check_resource_group_name",
    "check_service_ports",
    "check_service_sources",
    "check_supported",
    "check_tags",
    "check_unique",
    "check_vnet_layout",
    "check_vnet_name",
    "check_vpc_cidr",
    "construct_key",
    "derived_cloud_names",
    "experiment_rule_priority",
    "node_bound_violations",
    "overlaps",
    "parse_cidr",
    "parse_eks_public_access_cidr",
    "parse_ipv4_cidr",
    "parse_taint",
    "subnet_key",
    "support_warnings",
]
