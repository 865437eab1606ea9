"""AwsNetwork: subnet layout, NAT wiring, locked-down defaults, flow logs, validation."""

from __future__ import annotations

import ipaddress
import json
from typing import Any

import pytest
from cdktn import TerraformOutput
from syrupy.assertion import SnapshotAssertion

from lab.constructs.aws.network import EKS_UNSUPPORTED_ZONE_IDS, AwsNetwork, AwsNetworkProps
from lab.constructs.aws.vpc_types import NatMode
from tests.helpers import (
    JsonDict,
    data_sources,
    logical_id_at,
    new_stack,
    only_resource,
    resources,
    synth,
)

ANY_IPV4 = "0.0.0.0/0"
EXPERIMENT_ROLE = "arn:aws:iam::111122223333:role/lab/spacelift-experiment"


def props(**overrides: Any) -> AwsNetworkProps:
    """The shipped lab.yaml's choices: a /16, three AZs, one NAT gateway."""
    values: dict[str, Any] = {
        "name": "lab",
        "cidr": "10.0.0.0/16",
        "az_count": 3,
        "nat_mode": NatMode.SINGLE,
        **overrides,
    }
    return AwsNetworkProps(**values)


def build(**overrides: Any) -> tuple[AwsNetwork, JsonDict]:
    stack = new_stack()
    network = AwsNetwork(stack, "Network", props(**overrides))
    return network, synth(stack)


@pytest.fixture(scope="module")
def doc() -> JsonDict:
    """The default network (three AZs, one NAT gateway), synthesized once for this module."""
    return build()[1]


def logical_id(doc: JsonDict, resource_type: str, construct_id: str) -> str:
    """The logical id of the resource the construct ``Network/<construct_id>`` created."""
    return logical_id_at(doc, resource_type, f"Network/{construct_id}")


def ref(doc: JsonDict, resource_type: str, construct_id: str, attribute: str = "id") -> str:
    return f"${{{resource_type}.{logical_id(doc, resource_type, construct_id)}.{attribute}}}"


def data_ref(doc: JsonDict, data_type: str, attribute: str) -> str:
    (key,) = data_sources(doc, data_type)
    return f"${{data.{data_type}.{key}.{attribute}}}"


def resource(doc: JsonDict, resource_type: str, construct_id: str) -> JsonDict:
    return resources(doc, resource_type)[logical_id(doc, resource_type, construct_id)]


def subnets(doc: JsonDict, tier: str) -> list[JsonDict]:
    """The subnets of one tier ("Public" or "Private"), in AZ order."""
    found = {
        key: value for key, value in resources(doc, "aws_subnet").items() if f"_{tier}Subnet" in key
    }
    assert found, f"no {tier} subnets"
    return [resource(doc, "aws_subnet", f"{tier}Subnet{n}") for n in range(1, len(found) + 1)]


# --- VPC and subnets ----------------------------------------------------------------


def test_vpc_has_dns_support_and_hostnames(doc: JsonDict) -> None:
    vpc = only_resource(doc, "aws_vpc")
    assert vpc["cidr_block"] == "10.0.0.0/16"
    assert vpc["enable_dns_support"] is True
    assert vpc["enable_dns_hostnames"] is True


def test_no_subnet_assigns_public_ips_on_launch(doc: JsonDict) -> None:
    all_subnets = resources(doc, "aws_subnet")
    assert len(all_subnets) == 6
    # Explicitly false, on the public tier too (CKV_AWS_130).
    assert all(subnet["map_public_ip_on_launch"] is False for subnet in all_subnets.values())


def test_each_tier_spreads_over_the_first_available_zones_in_order(doc: JsonDict) -> None:
    (zones,) = data_sources(doc, "aws_availability_zones").values()
    assert zones["state"] == "available"
    assert zones["filter"] == [{"name": "opt-in-status", "values": ["opt-in-not-required"]}]
    # Zone IDs where EKS refuses cluster subnets (EKS User Guide, network requirements).
    assert zones["exclude_zone_ids"] == ["use1-az3", "usw1-az2", "cac1-az3"]
    assert list(EKS_UNSUPPORTED_ZONE_IDS) == zones["exclude_zone_ids"]
    # A region with too few zones fails the plan with a message, not an index error.
    (check,) = zones["lifecycle"]["postcondition"]
    assert check["condition"] == "${length(self.names) >= 3}"
    assert "lower az_count" in check["error_message"]
    assert "that EKS supports" in check["error_message"]
    names = data_ref(doc, "aws_availability_zones", "names")[:-1]
    for tier in ("Public", "Private"):
        assert [subnet["availability_zone"] for subnet in subnets(doc, tier)] == [
            f"{names}.{index}}}" for index in range(3)
        ]
        # A later change of the zone list must not move (replace) existing subnets.
        assert all(
            subnet["lifecycle"] == {"ignore_changes": ["availability_zone"]}
            for subnet in subnets(doc, tier)
        )


def test_subnets_carry_the_eks_load_balancer_tags(doc: JsonDict) -> None:
    for subnet in subnets(doc, "Public"):
        assert subnet["tags"]["kubernetes.io/role/elb"] == "1"
        assert "kubernetes.io/role/internal-elb" not in subnet["tags"]
    for subnet in subnets(doc, "Private"):
        assert subnet["tags"]["kubernetes.io/role/internal-elb"] == "1"
        assert "kubernetes.io/role/elb" not in subnet["tags"]


@pytest.mark.parametrize(
    ("cidr", "az_count", "private", "public"),
    [
        (
            "10.0.0.0/16",
            3,
            ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"],
            ["10.0.240.0/24", "10.0.241.0/24", "10.0.242.0/24"],
        ),
        (
            "10.50.0.0/16",
            2,
            ["10.50.0.0/20", "10.50.16.0/20"],
            ["10.50.240.0/24", "10.50.241.0/24"],
        ),
        (
            "172.16.0.0/18",
            4,
            ["172.16.0.0/22", "172.16.4.0/22", "172.16.8.0/22", "172.16.12.0/22"],
            ["172.16.60.0/26", "172.16.60.64/26", "172.16.60.128/26", "172.16.60.192/26"],
        ),
        (
            "192.168.0.0/20",
            6,
            [f"192.168.{n}.0/24" for n in range(6)],
            [f"192.168.15.{16 * n}/28" for n in range(6)],
        ),
    ],
)
def test_subnet_cidrs_derive_from_the_vpc_cidr_and_az_count(
    cidr: str, az_count: int, private: list[str], public: list[str]
) -> None:
    network, doc = build(cidr=cidr, az_count=az_count)
    assert network.vpc_cidr == cidr
    assert network.private_subnet_cidrs == private
    assert network.public_subnet_cidrs == public
    assert [subnet["cidr_block"] for subnet in subnets(doc, "Private")] == private
    assert [subnet["cidr_block"] for subnet in subnets(doc, "Public")] == public
    blocks = [ipaddress.IPv4Network(block) for block in private + public]
    assert all(block.subnet_of(ipaddress.IPv4Network(cidr)) for block in blocks)
    assert not any(a.overlaps(b) for i, a in enumerate(blocks) for b in blocks[i + 1 :])


def test_exposed_ids_reference_the_vpc_and_subnets_in_az_order() -> None:
    stack = new_stack()
    network = AwsNetwork(stack, "Network", props())
    TerraformOutput(stack, "vpc", value=network.vpc_id)
    TerraformOutput(stack, "private", value=network.private_subnet_ids)
    TerraformOutput(stack, "public", value=network.public_subnet_ids)
    doc = synth(stack)
    assert doc["output"]["vpc"]["value"] == ref(doc, "aws_vpc", "Vpc")
    for tier in ("Private", "Public"):
        assert doc["output"][tier.lower()]["value"] == [
            ref(doc, "aws_subnet", f"{tier}Subnet{n}") for n in (1, 2, 3)
        ]


# --- routing and NAT ----------------------------------------------------------------


def routes_of(doc: JsonDict, table_ref: str) -> list[JsonDict]:
    return [r for r in resources(doc, "aws_route").values() if r["route_table_id"] == table_ref]


def table_of(doc: JsonDict, subnet_ref: str) -> str:
    (table,) = [
        a["route_table_id"]
        for a in resources(doc, "aws_route_table_association").values()
        if a["subnet_id"] == subnet_ref
    ]
    return str(table)


@pytest.mark.parametrize("mode", list(NatMode))
def test_public_subnets_route_to_the_internet_gateway(mode: NatMode) -> None:
    _, doc = build(nat_mode=mode)
    public_table = ref(doc, "aws_route_table", "PublicRouteTable")
    assert routes_of(doc, public_table) == [
        {
            "destination_cidr_block": ANY_IPV4,
            "gateway_id": ref(doc, "aws_internet_gateway", "InternetGateway"),
            "route_table_id": public_table,
        }
    ]
    for n in (1, 2, 3):
        assert table_of(doc, ref(doc, "aws_subnet", f"PublicSubnet{n}")) == public_table


def test_nat_mode_none_leaves_private_subnets_without_internet_egress() -> None:
    _, doc = build(nat_mode=NatMode.NONE)
    assert resources(doc, "aws_nat_gateway") == {}
    assert resources(doc, "aws_eip") == {}
    private_table = ref(doc, "aws_route_table", "PrivateRouteTable1")
    assert len(resources(doc, "aws_route_table")) == 2  # public + one private
    assert routes_of(doc, private_table) == []
    for n in (1, 2, 3):
        assert table_of(doc, ref(doc, "aws_subnet", f"PrivateSubnet{n}")) == private_table


def test_nat_mode_single_shares_one_gateway_in_the_first_public_subnet() -> None:
    _, doc = build(nat_mode=NatMode.SINGLE)
    gateway = only_resource(doc, "aws_nat_gateway")
    assert gateway["subnet_id"] == ref(doc, "aws_subnet", "PublicSubnet1")
    assert gateway["allocation_id"] == ref(doc, "aws_eip", "NatEip1", "allocation_id")
    assert only_resource(doc, "aws_eip")["domain"] == "vpc"
    private_table = ref(doc, "aws_route_table", "PrivateRouteTable1")
    assert len(resources(doc, "aws_route_table")) == 2
    assert routes_of(doc, private_table) == [
        {
            "destination_cidr_block": ANY_IPV4,
            "nat_gateway_id": ref(doc, "aws_nat_gateway", "NatGateway1"),
            "route_table_id": private_table,
        }
    ]
    for n in (1, 2, 3):
        assert table_of(doc, ref(doc, "aws_subnet", f"PrivateSubnet{n}")) == private_table


def test_nat_mode_one_per_az_routes_each_private_subnet_through_its_own_az() -> None:
    _, doc = build(nat_mode=NatMode.ONE_PER_AZ)
    assert len(resources(doc, "aws_nat_gateway")) == 3
    assert len(resources(doc, "aws_eip")) == 3
    assert len(resources(doc, "aws_route_table")) == 4  # public + one private per AZ
    for n in (1, 2, 3):
        gateway = resource(doc, "aws_nat_gateway", f"NatGateway{n}")
        assert gateway["subnet_id"] == ref(doc, "aws_subnet", f"PublicSubnet{n}")
        assert gateway["allocation_id"] == ref(doc, "aws_eip", f"NatEip{n}", "allocation_id")
        table = ref(doc, "aws_route_table", f"PrivateRouteTable{n}")
        assert routes_of(doc, table) == [
            {
                "destination_cidr_block": ANY_IPV4,
                "nat_gateway_id": ref(doc, "aws_nat_gateway", f"NatGateway{n}"),
                "route_table_id": table,
            }
        ]
        assert table_of(doc, ref(doc, "aws_subnet", f"PrivateSubnet{n}")) == table


@pytest.mark.parametrize(
    ("nat_mode", "gateways"), [(NatMode.NONE, 0), (NatMode.SINGLE, 1), (NatMode.ONE_PER_AZ, 3)]
)
def test_egress_cidrs_are_the_nat_gateways_addresses(nat_mode: NatMode, gateways: int) -> None:
    """Known before any cluster exists: another cloud can admit them."""
    stack = new_stack()
    network = AwsNetwork(stack, "Network", props(nat_mode=nat_mode))
    TerraformOutput(stack, "egress", value=network.egress_cidrs)
    doc = synth(stack)
    assert doc["output"]["egress"]["value"] == [
        f"{ref(doc, 'aws_nat_gateway', f'NatGateway{n}', 'public_ip')}/32"
        for n in range(1, gateways + 1)
    ]


def test_elastic_ips_and_nat_gateways_wait_for_the_internet_gateway() -> None:
    _, doc = build(nat_mode=NatMode.ONE_PER_AZ)
    igw = f"aws_internet_gateway.{logical_id(doc, 'aws_internet_gateway', 'InternetGateway')}"
    for resource_type in ("aws_eip", "aws_nat_gateway"):
        assert all(r["depends_on"] == [igw] for r in resources(doc, resource_type).values())


# --- default resources ---------------------------------------------------------------


def test_default_security_group_is_adopted_with_every_rule_removed(doc: JsonDict) -> None:
    group = only_resource(doc, "aws_default_security_group")
    assert group["vpc_id"] == ref(doc, "aws_vpc", "Vpc")
    assert group["ingress"] == []
    assert group["egress"] == []
    assert resources(doc, "aws_security_group_rule") == {}


def test_default_route_table_keeps_only_the_local_route(doc: JsonDict) -> None:
    table = only_resource(doc, "aws_default_route_table")
    assert table["default_route_table_id"] == ref(doc, "aws_vpc", "Vpc", "default_route_table_id")
    assert table["route"] == []


def test_default_network_acl_states_the_aws_defaults_for_every_subnet(doc: JsonDict) -> None:
    acl = only_resource(doc, "aws_default_network_acl")
    assert acl["default_network_acl_id"] == ref(doc, "aws_vpc", "Vpc", "default_network_acl_id")
    assert sorted(acl["subnet_ids"]) == sorted(
        ref(doc, "aws_subnet", f"{tier}Subnet{n}")
        for tier in ("Public", "Private")
        for n in (1, 2, 3)
    )
    allow_all = {
        "action": "allow",
        "cidr_block": ANY_IPV4,
        "from_port": 0,
        "protocol": "-1",
        "rule_no": 100,
        "to_port": 0,
    }
    assert acl["ingress"] == [allow_all]
    assert acl["egress"] == [allow_all]
    assert resources(doc, "aws_network_acl") == {}


# --- flow logs -----------------------------------------------------------------------


def test_flow_log_captures_all_traffic_into_the_log_group(doc: JsonDict) -> None:
    flow_log = only_resource(doc, "aws_flow_log")
    assert flow_log["vpc_id"] == ref(doc, "aws_vpc", "Vpc")
    assert flow_log["traffic_type"] == "ALL"
    assert flow_log["log_destination_type"] == "cloud-watch-logs"
    assert flow_log["log_destination"] == ref(
        doc, "aws_cloudwatch_log_group", "FlowLogGroup", "arn"
    )
    assert flow_log["iam_role_arn"] == ref(doc, "aws_iam_role", "FlowLogRole", "arn")


def test_log_group_is_kms_encrypted_and_kept_a_year(doc: JsonDict) -> None:
    group = only_resource(doc, "aws_cloudwatch_log_group")
    assert group["name"] == "/aws/vpc-flow-logs/lab"
    assert group["kms_key_id"] == ref(doc, "aws_kms_key", "FlowLogKey", "arn")
    assert group["retention_in_days"] == 365


def test_flow_log_key_rotates_and_its_policy_names_exactly_two_principals(doc: JsonDict) -> None:
    key = only_resource(doc, "aws_kms_key")
    assert key["enable_key_rotation"] is True
    assert key.get("is_enabled", True) is True
    partition = data_ref(doc, "aws_partition", "partition")
    account = data_ref(doc, "aws_caller_identity", "account_id")
    region = data_ref(doc, "aws_region", "region")
    dns_suffix = data_ref(doc, "aws_partition", "dns_suffix")
    policy = json.loads(key["policy"])
    assert policy["Version"] == "2012-10-17"
    admin, logs = policy["Statement"]
    # The account administers the key but cannot use it: only CloudWatch Logs encrypts.
    assert admin == {
        "Sid": "KeyAdministration",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
        "Action": [
            "kms:CancelKeyDeletion",
            "kms:Create*",
            "kms:Delete*",
            "kms:Describe*",
            "kms:Disable*",
            "kms:Enable*",
            "kms:Get*",
            "kms:List*",
            "kms:Put*",
            "kms:Revoke*",
            "kms:RotateKeyOnDemand",
            "kms:ScheduleKeyDeletion",
            "kms:TagResource",
            "kms:UntagResource",
            "kms:Update*",
        ],
        "Resource": "*",
    }
    assert logs == {
        "Sid": "FlowLogGroupEncryption",
        "Effect": "Allow",
        "Principal": {"Service": f"logs.{region}.{dns_suffix}"},
        "Action": [
            "kms:Decrypt*",
            "kms:Describe*",
            "kms:Encrypt*",
            "kms:GenerateDataKey*",
            "kms:ReEncrypt*",
        ],
        "Resource": "*",
        "Condition": {
            "ArnEquals": {
                "kms:EncryptionContext:aws:logs:arn": (
                    f"arn:{partition}:logs:{region}:{account}:log-group:/aws/vpc-flow-logs/lab"
                )
            }
        },
    }


def test_the_flow_log_key_denies_the_named_roles_every_kms_action() -> None:
    _, doc = build(key_denied_role_arns=[EXPERIMENT_ROLE])
    admin, logs, deny = json.loads(only_resource(doc, "aws_kms_key")["policy"])["Statement"]

    assert (admin["Sid"], logs["Sid"]) == ("KeyAdministration", "FlowLogGroupEncryption")
    # Deny wins over the account's Allow (and over any IAM policy it delegates to): the
    # experiment role cannot tag, manage, delete or use the foundation's key.
    assert deny == {
        "Sid": "RolesKeepOff",
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "kms:*",
        "Resource": "*",
        "Condition": {"ArnEquals": {"aws:PrincipalArn": [EXPERIMENT_ROLE]}},
    }


def test_without_denied_roles_the_key_policy_has_no_deny(doc: JsonDict) -> None:
    statements = json.loads(only_resource(doc, "aws_kms_key")["policy"])["Statement"]

    assert [s["Effect"] for s in statements] == ["Allow", "Allow"]


def test_flow_log_role_trusts_only_this_accounts_flow_log_service(doc: JsonDict) -> None:
    role = only_resource(doc, "aws_iam_role")
    trust_key = next(key for key in data_sources(doc, "aws_iam_policy_document") if "Trust" in key)
    assert role["assume_role_policy"] == (f"${{data.aws_iam_policy_document.{trust_key}.json}}")
    partition = data_ref(doc, "aws_partition", "partition")
    account = data_ref(doc, "aws_caller_identity", "account_id")
    region = data_ref(doc, "aws_region", "region")
    (statement,) = data_sources(doc, "aws_iam_policy_document")[trust_key]["statement"]
    assert statement == {
        "effect": "Allow",
        "actions": ["sts:AssumeRole"],
        "principals": [{"type": "Service", "identifiers": ["vpc-flow-logs.amazonaws.com"]}],
        "condition": [
            {"test": "StringEquals", "variable": "aws:SourceAccount", "values": [account]},
            {
                "test": "ArnLike",
                "variable": "aws:SourceArn",
                "values": [f"arn:{partition}:ec2:{region}:{account}:vpc-flow-log/*"],
            },
        ],
    }
    assert role["name"] == f"lab-{region}-vpc-flow-logs"


def test_flow_log_role_can_only_write_to_its_log_group(doc: JsonDict) -> None:
    """AWS's documented flow-log policy, with the writes narrowed to the one group."""
    role_policy = only_resource(doc, "aws_iam_role_policy")
    assert role_policy["role"] == ref(doc, "aws_iam_role", "FlowLogRole")
    write_key = next(key for key in data_sources(doc, "aws_iam_policy_document") if "Write" in key)
    assert role_policy["policy"] == f"${{data.aws_iam_policy_document.{write_key}.json}}"
    group_arn = ref(doc, "aws_cloudwatch_log_group", "FlowLogGroup", "arn")
    write, describe = data_sources(doc, "aws_iam_policy_document")[write_key]["statement"]
    assert write == {
        "effect": "Allow",
        "actions": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        "resources": [group_arn, f"{group_arn}:*"],
    }
    # DescribeLogGroups lists groups: it cannot name one, so it gets this region's groups.
    assert describe["actions"] == ["logs:DescribeLogGroups"]
    [groups] = describe["resources"]
    assert groups.startswith("arn:${data.aws_partition.") and groups.endswith(":log-group:*")
    assert "logs:CreateLogGroup" not in write["actions"] + describe["actions"]
    assert resources(doc, "aws_iam_role_policy_attachment") == {}


# --- tags and snapshot ---------------------------------------------------------------

UNTAGGABLE = {"aws_route", "aws_route_table_association", "aws_iam_role_policy"}


def test_every_taggable_resource_gets_a_name(doc: JsonDict) -> None:
    """The lab's own tags come from the provider's default_tags (aws-foundation)."""
    taggable = set(doc["resource"]) - UNTAGGABLE
    assert taggable == {
        "aws_vpc",
        "aws_subnet",
        "aws_internet_gateway",
        "aws_eip",
        "aws_nat_gateway",
        "aws_route_table",
        "aws_default_security_group",
        "aws_default_route_table",
        "aws_default_network_acl",
        "aws_kms_key",
        "aws_cloudwatch_log_group",
        "aws_iam_role",
        "aws_flow_log",
    }
    for resource_type in taggable:
        for key, body in resources(doc, resource_type).items():
            assert body["tags"]["Name"].startswith("lab"), key
    names = [subnet["tags"]["Name"] for subnet in resources(doc, "aws_subnet").values()]
    assert sorted(names) == [f"lab-{tier}-{n}" for tier in ("private", "public") for n in (1, 2, 3)]


def test_synthesized_network_matches_the_snapshot(
    doc: JsonDict, json_snapshot: SnapshotAssertion
) -> None:
    assert doc == json_snapshot
