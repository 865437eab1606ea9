"""An AWS VPC for EKS: public and private subnets per AZ, NAT, locked-down defaults, flow logs."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, TypeVar

from cdktn import Fn, Postcondition, TerraformResourceLifecycle, Token
from cdktn_provider_aws.data_aws_availability_zones import (
    DataAwsAvailabilityZones,
    DataAwsAvailabilityZonesFilter,
)
from cdktn_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktn_provider_aws.data_aws_iam_policy_document import (
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementCondition,
    DataAwsIamPolicyDocumentStatementPrincipals,
)
from cdktn_provider_aws.data_aws_partition import DataAwsPartition
from cdktn_provider_aws.data_aws_region import DataAwsRegion
from cdktn_provider_aws.default_network_acl import (
    DefaultNetworkAcl,
    DefaultNetworkAclEgress,
    DefaultNetworkAclIngress,
)
from cdktn_provider_aws.default_route_table import DefaultRouteTable
from cdktn_provider_aws.default_security_group import DefaultSecurityGroup
from cdktn_provider_aws.eip import Eip
from cdktn_provider_aws.flow_log import FlowLog
from cdktn_provider_aws.iam_role import IamRole
from cdktn_provider_aws.iam_role_policy import IamRolePolicy
from cdktn_provider_aws.internet_gateway import InternetGateway
from cdktn_provider_aws.kms_key import KmsKey
from cdktn_provider_aws.nat_gateway import NatGateway
from cdktn_provider_aws.route import Route
from cdktn_provider_aws.route_table import RouteTable
from cdktn_provider_aws.route_table_association import RouteTableAssociation
from cdktn_provider_aws.subnet import Subnet
from cdktn_provider_aws.vpc import Vpc
from constructs import Construct

from lab.constructs.aws.iam import NETWORK_ROLE_PATH, permissions_boundary_arn
from lab.constructs.aws.key_policy import (
    account_administers,
    key_policy,
    logs_may_encrypt,
    roles_keep_off,
)
from lab.constructs.aws.log_group import EncryptedLogGroup, EncryptedLogGroupProps, log_group_arn
from lab.constructs.aws.vpc_types import NatMode

# Subnets the AWS Load Balancer Controller (and the in-tree cloud provider) picks for
# internet-facing and internal load balancers.
PUBLIC_ELB_TAG: Final = "kubernetes.io/role/elb"
INTERNAL_ELB_TAG: Final = "kubernetes.io/role/internal-elb"

_ANY_IPV4: Final = "0.0.0.0/0"
# Each sixteenth of the VPC is one private subnet; the last sixteenth is cut into sixteen
# public subnets. The sixteenths between them stay free for later tiers.
_TIER_BITS: Final = 4

EKS_UNSUPPORTED_ZONE_IDS: Final = ("use1-az3", "usw1-az2", "cac1-az3")
"""Availability Zone IDs (not names: names map to different IDs per account) where EKS refuses
cluster subnets, from the EKS User Guide's network requirements (awsdocs/amazon-eks-user-guide,
latest/ug/networking/network-reqs.adoc, "Subnet requirements"): us-east-1, us-west-1 and
ca-central-1 each have one. The VPC skips them, so every subnet can host an EKS cluster."""


@dataclass(frozen=True, kw_only=True)
class AwsNetworkProps:
    """Inputs of :class:`AwsNetwork`, from ``lab.yaml`` (``name`` and ``aws``), whose rules
    have checked them."""

    name: str
    """Prefix of every resource name and ``Name`` tag, e.g. ``"lab"``. Required.

    At most 24 characters, so that the flow-log IAM role name (``<name>-<region>-vpc-flow-logs``)
    fits IAM's 64."""

    cidr: str
    """IPv4 block of the VPC: private (RFC 1918), /16 to /20. Required.

    Every subnet CIDR is derived from it, so changing it replaces the whole network."""

    az_count: int
    """Availability Zones to spread the subnets over, 2 to 6. Required.

    EKS needs subnets in at least two AZs. The AZs are the region's first ``az_count``
    available zones in name order."""

    nat_mode: NatMode
    """NAT gateways for the private subnets' internet egress. Required.

    ``NatMode.SINGLE`` is the lab's cost choice: one gateway (about 33 USD a month plus data)
    instead of one per AZ, at the price of a single point of failure. Use
    ``NatMode.ONE_PER_AZ`` for anything that must survive an AZ outage."""

    key_denied_role_arns: Sequence[str] = ()
    """IAM roles the flow-log key's policy denies every KMS action, whatever their IAM
    policies allow. Default: none.

    The foundation names the experiment write role here: it may tag any key with
    ``experiment=<name>`` and manage every key so tagged
    (:func:`lab.constructs.aws.key_policy.roles_keep_off`)."""


_AclRule = TypeVar("_AclRule", DefaultNetworkAclIngress, DefaultNetworkAclEgress)


def _allow_all(rule: type[_AclRule]) -> _AclRule:
    """The rule AWS puts in both directions of a default network ACL: everything allowed."""
    return rule(
        rule_no=100, action="allow", protocol="-1", from_port=0, to_port=0, cidr_block=_ANY_IPV4
    )


def _subnet_cidrs(cidr: str, az_count: int) -> tuple[list[str], list[str]]:
    """The (private, public) subnet CIDRs, one each per AZ, in AZ order.

    A private subnet is a sixteenth of the VPC (a /20 in a /16): with the VPC CNI, nodes and
    pods both take their addresses from it. Public subnets only hold load balancers and NAT
    gateways, so they are sixteenths of the VPC's last sixteenth (a /24 in a /16).
    """
    sixteenths = list(ipaddress.IPv4Network(cidr).subnets(prefixlen_diff=_TIER_BITS))
    public_pool = list(sixteenths[-1].subnets(prefixlen_diff=_TIER_BITS))
    return (
        [str(block) for block in sixteenths[:az_count]],
        [str(block) for block in public_pool[:az_count]],
    )


class AwsNetwork(Construct):
    """A VPC for EKS with public and private subnets in ``az_count`` Availability Zones.

    * Public subnets route to an internet gateway; private subnets route to NAT gateways as
      ``nat_mode`` says. No subnet assigns public IPs on launch: whatever needs one (NAT
      gateways, internet-facing load balancers) gets it explicitly.
    * Subnets carry the EKS load balancer discovery tags (``kubernetes.io/role/elb`` on public,
      ``kubernetes.io/role/internal-elb`` on private ones).
    * The VPC's default security group is adopted with every rule removed, the default route
      table with no routes, and the default network ACL with AWS's allow-all rules stated
      explicitly (security groups do the filtering).
    * All traffic is logged to a CloudWatch log group encrypted with a customer managed KMS key
      (rotated, explicit key policy), through an IAM role that can only write to that group.
    * Every taggable resource gets a ``Name`` tag; the stack's provider ``default_tags`` give
      the lab's own tags.
    """

    def __init__(self, scope: Construct, id: str, props: AwsNetworkProps) -> None:
        super().__init__(scope, id)
        self._props = props
        private_cidrs, public_cidrs = _subnet_cidrs(props.cidr, props.az_count)
        self._zone_names = self._pick_zones()

        self._vpc = Vpc(
            self,
            "Vpc",
            cidr_block=props.cidr,
            # EKS needs both: nodes register by private DNS name, and private endpoints resolve.
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags=self._tags(props.name),
        )
        internet_gateway = InternetGateway(
            self, "InternetGateway", vpc_id=self._vpc.id, tags=self._tags(props.name)
        )
        public_subnets = self._add_public_subnets(public_cidrs, internet_gateway)
        private_subnets = self._add_private_subnets(private_cidrs)
        nat_gateways = self._add_nat_gateways(public_subnets, internet_gateway)
        self._route_private_subnets(private_subnets, nat_gateways)
        self._lock_down_defaults([*public_subnets, *private_subnets])
        self._add_flow_log()

        self.vpc_id: str = self._vpc.id
        """Id of the VPC."""
        self.vpc_cidr: str = props.cidr
        """IPv4 block of the VPC."""
        self.private_subnet_ids: list[str] = [subnet.id for subnet in private_subnets]
        """Ids of the private subnets, one per AZ in AZ order: where EKS nodes and pods go."""
        self.public_subnet_ids: list[str] = [subnet.id for subnet in public_subnets]
        """Ids of the public subnets, one per AZ in AZ order: NAT gateways and public LBs."""
        self.private_subnet_cidrs: list[str] = private_cidrs
        """CIDRs of the private subnets, in the order of ``private_subnet_ids``."""
        self.public_subnet_cidrs: list[str] = public_cidrs
        """CIDRs of the public subnets, in the order of ``public_subnet_ids``."""
        self.egress_cidrs: list[str] = [f"{gateway.public_ip}/32" for gateway in nat_gateways]
        """The addresses the private subnets reach the internet from, one ``/32`` per NAT
        gateway (none with ``NatMode.NONE``): known before any cluster exists, so another
        cloud can admit them."""

    @staticmethod
    def _tags(name: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        return {**(extra or {}), "Name": name}

    def _pick_zones(self) -> list[str]:
        """The names of the first ``az_count`` available zones, resolved at plan time."""
        az_count = self._props.az_count
        # Only standard AZs: Local and Wavelength Zones are opt-in, and EKS cannot use them
        # for cluster subnets; nor the zones where EKS creates no control plane interfaces.
        zones = DataAwsAvailabilityZones(
            self,
            "AvailabilityZones",
            state="available",
            exclude_zone_ids=list(EKS_UNSUPPORTED_ZONE_IDS),
            filter=[
                DataAwsAvailabilityZonesFilter(name="opt-in-status", values=["opt-in-not-required"])
            ],
            lifecycle=TerraformResourceLifecycle(
                postcondition=[
                    Postcondition(
                        condition=f"${{length(self.names) >= {az_count}}}",
                        error_message=(
                            f"az_count is {az_count} but this region has fewer available "
                            "Availability Zones that EKS supports; lower az_count or use "
                            "another region."
                        ),
                    )
                ]
            ),
        )
        # Indexing (rather than element(), which wraps around) can never put two subnets of a
        # tier in one AZ.
        return [
            Token.as_string(Fn.lookup_nested(zones.names, [index])) for index in range(az_count)
        ]

    def _add_public_subnets(
        self, cidrs: list[str], internet_gateway: InternetGateway
    ) -> list[Subnet]:
        name = self._props.name
        route_table = RouteTable(
            self, "PublicRouteTable", vpc_id=self._vpc.id, tags=self._tags(f"{name}-public")
        )
        Route(
            self,
            "PublicDefaultRoute",
            route_table_id=route_table.id,
            destination_cidr_block=_ANY_IPV4,
            gateway_id=internet_gateway.id,
        )
        subnets = []
        for number, (cidr, zone) in enumerate(zip(cidrs, self._zone_names, strict=True), 1):
            subnet = self._subnet(
                f"PublicSubnet{number}",
                cidr,
                zone,
                self._tags(f"{name}-public-{number}", {PUBLIC_ELB_TAG: "1"}),
            )
            RouteTableAssociation(
                self,
                f"PublicSubnet{number}RouteTableAssociation",
                subnet_id=subnet.id,
                route_table_id=route_table.id,
            )
            subnets.append(subnet)
        return subnets

    def _add_private_subnets(self, cidrs: list[str]) -> list[Subnet]:
        name = self._props.name
        return [
            self._subnet(
                f"PrivateSubnet{number}",
                cidr,
                zone,
                self._tags(f"{name}-private-{number}", {INTERNAL_ELB_TAG: "1"}),
            )
            for number, (cidr, zone) in enumerate(zip(cidrs, self._zone_names, strict=True), 1)
        ]

    def _subnet(self, id: str, cidr: str, zone: str, tags: dict[str, str]) -> Subnet:
        return Subnet(
            self,
            id,
            vpc_id=self._vpc.id,
            cidr_block=cidr,
            availability_zone=zone,
            # Public subnets too: only NAT gateways and load balancers live there, and they ask
            # for a public address explicitly (CKV_AWS_130).
            map_public_ip_on_launch=False,
            tags=tags,
            # The zone list is read on every plan and shrinks while an AZ is impaired; a subnet
            # keeps the zone it was created in instead of being planned for replacement.
            lifecycle=TerraformResourceLifecycle(ignore_changes=["availability_zone"]),
        )

    def _add_nat_gateways(
        self, public_subnets: list[Subnet], internet_gateway: InternetGateway
    ) -> list[NatGateway]:
        mode = self._props.nat_mode
        count = {NatMode.NONE: 0, NatMode.SINGLE: 1, NatMode.ONE_PER_AZ: len(public_subnets)}[mode]
        gateways = []
        for number, subnet in enumerate(public_subnets[:count], 1):
            nat_name = f"{self._props.name}-nat-{number}"
            # AWS can only give an Elastic IP to a VPC that has an internet gateway.
            address = Eip(
                self,
                f"NatEip{number}",
                domain="vpc",
                tags=self._tags(nat_name),
                depends_on=[internet_gateway],
            )
            gateways.append(
                NatGateway(
                    self,
                    f"NatGateway{number}",
                    allocation_id=address.allocation_id,
                    subnet_id=subnet.id,
                    tags=self._tags(nat_name),
                    depends_on=[internet_gateway],
                )
            )
        return gateways

    def _route_private_subnets(
        self, private_subnets: list[Subnet], nat_gateways: list[NatGateway]
    ) -> None:
        name = self._props.name
        per_az = self._props.nat_mode is NatMode.ONE_PER_AZ
        # Table n serves subnet n with ONE_PER_AZ; otherwise table 1 serves them all. Keeping
        # table 1's id in both layouts makes a switch of nat_mode add or remove tables only.
        tables: list[RouteTable] = []
        for number in range(1, (len(private_subnets) if per_az else 1) + 1):
            table_name = f"{name}-private-{number}" if per_az else f"{name}-private"
            table = RouteTable(
                self, f"PrivateRouteTable{number}", vpc_id=self._vpc.id, tags=self._tags(table_name)
            )
            tables.append(table)
            if nat_gateways:
                Route(
                    self,
                    f"PrivateDefaultRoute{number}",
                    route_table_id=table.id,
                    destination_cidr_block=_ANY_IPV4,
                    nat_gateway_id=nat_gateways[number - 1].id,
                )
        for number, subnet in enumerate(private_subnets, 1):
            RouteTableAssociation(
                self,
                f"PrivateSubnet{number}RouteTableAssociation",
                subnet_id=subnet.id,
                route_table_id=tables[number - 1 if per_az else 0].id,
            )

    def _lock_down_defaults(self, subnets: list[Subnet]) -> None:
        """Adopt the resources AWS creates with every VPC, so their state is declared here."""
        name = self._props.name
        # No rules at all: anything that lands in the default group by accident talks to
        # nothing (CKV2_AWS_12). Explicit empty lists remove rules; omitting them would not.
        DefaultSecurityGroup(
            self,
            "DefaultSecurityGroup",
            vpc_id=self._vpc.id,
            ingress=[],
            egress=[],
            tags=self._tags(f"{name}-default"),
        )
        # Only the implicit local route: a subnet that misses its explicit association gets no
        # internet path.
        DefaultRouteTable(
            self,
            "DefaultRouteTable",
            default_route_table_id=self._vpc.default_route_table_id,
            route=[],
            tags=self._tags(f"{name}-default"),
        )
        # AWS's own allow-all rules, written down so drift shows up in a plan. Listing every
        # subnet matches where AWS puts them and stops the provider from planning to detach them.
        DefaultNetworkAcl(
            self,
            "DefaultNetworkAcl",
            default_network_acl_id=self._vpc.default_network_acl_id,
            subnet_ids=[subnet.id for subnet in subnets],
            ingress=[_allow_all(DefaultNetworkAclIngress)],
            egress=[_allow_all(DefaultNetworkAclEgress)],
            tags=self._tags(f"{name}-default"),
        )

    def _add_flow_log(self) -> None:
        name = self._props.name
        account_id = DataAwsCallerIdentity(self, "CallerIdentity").account_id
        partition = DataAwsPartition(self, "Partition")
        region = DataAwsRegion(self, "Region").region
        log_group_name = f"/aws/vpc-flow-logs/{name}"
        group_arn = log_group_arn(partition.partition, region, account_id, log_group_name)
        key = KmsKey(
            self,
            "FlowLogKey",
            description=f"Encrypts the {name} VPC flow logs",
            enable_key_rotation=True,
            policy=json.dumps(
                key_policy(
                    account_administers(partition.partition, account_id),
                    logs_may_encrypt(
                        "FlowLogGroupEncryption",
                        region=region,
                        dns_suffix=partition.dns_suffix,
                        group_arn=group_arn,
                    ),
                    *(
                        [roles_keep_off(self._props.key_denied_role_arns)]
                        if self._props.key_denied_role_arns
                        else []
                    ),
                )
            ),
            tags=self._tags(f"{name}-vpc-flow-logs"),
        )
        log_group = EncryptedLogGroup(
            self,
            "FlowLogGroup",
            EncryptedLogGroupProps(
                name=log_group_name,
                kms_key_arn=key.arn,
                tags=self._tags(f"{name}-vpc-flow-logs"),
            ),
        )

        # Only the flow-log service, acting for this account's flow logs, may assume the role
        # (the confused-deputy guard AWS recommends).
        trust = DataAwsIamPolicyDocument(
            self,
            "FlowLogTrustPolicy",
            statement=[
                DataAwsIamPolicyDocumentStatement(
                    effect="Allow",
                    actions=["sts:AssumeRole"],
                    principals=[
                        DataAwsIamPolicyDocumentStatementPrincipals(
                            type="Service", identifiers=["vpc-flow-logs.amazonaws.com"]
                        )
                    ],
                    condition=[
                        DataAwsIamPolicyDocumentStatementCondition(
                            test="StringEquals", variable="aws:SourceAccount", values=[account_id]
                        ),
                        DataAwsIamPolicyDocumentStatementCondition(
                            test="ArnLike",
                            variable="aws:SourceArn",
                            values=[
                                f"arn:{partition.partition}:ec2:{region}:{account_id}:vpc-flow-log/*"
                            ],
                        ),
                    ],
                )
            ],
        )
        # IAM names are global: the region keeps two stacks of the same name apart.
        role = IamRole(
            self,
            "FlowLogRole",
            name=f"{name}-{region}-vpc-flow-logs",
            path=NETWORK_ROLE_PATH,
            permissions_boundary=permissions_boundary_arn(partition.partition, account_id),
            description=f"Lets VPC Flow Logs write the {name} VPC's traffic to {log_group_name}",
            assume_role_policy=trust.json,
            tags=self._tags(f"{name}-vpc-flow-logs"),
        )
        # AWS's documented flow-log role (VPC User Guide, "IAM role for publishing flow logs
        # to CloudWatch Logs") allows these five on "*". Here the writes are limited to the one
        # group; the log group already exists, so logs:CreateLogGroup is left out, and
        # logs:DescribeLogGroups, which lists groups, gets this account's groups of the region.
        write = DataAwsIamPolicyDocument(
            self,
            "FlowLogWritePolicy",
            statement=[
                DataAwsIamPolicyDocumentStatement(
                    effect="Allow",
                    actions=[
                        "logs:CreateLogStream",
                        "logs:PutLogEvents",
                        "logs:DescribeLogStreams",
                    ],
                    resources=[log_group.arn, f"{log_group.arn}:*"],
                ),
                DataAwsIamPolicyDocumentStatement(
                    effect="Allow",
                    actions=["logs:DescribeLogGroups"],
                    resources=[f"arn:{partition.partition}:logs:{region}:{account_id}:log-group:*"],
                ),
            ],
        )
        IamRolePolicy(
            self, "FlowLogRolePolicy", name="write-flow-logs", role=role.id, policy=write.json
        )

        FlowLog(
            self,
            "FlowLog",
            vpc_id=self._vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=log_group.arn,
            iam_role_arn=role.arn,
            tags=self._tags(f"{name}-vpc-flow-logs"),
        )
