"""An EKS cluster that is secure by default, with one managed node group.

What :class:`EksCluster` creates, by child id:

* ``SecretsKey`` (+ ``SecretsKeyAlias``): a customer-managed KMS key, rotation on, with an explicit
  key policy. It encrypts Kubernetes secrets and the control-plane log group.
* ``ControlPlaneLogGroup``: ``/aws/eks/<name>/cluster``, KMS-encrypted, with a retention. It is
  created before the cluster, or EKS would create its own (unencrypted, kept forever).
* ``ClusterRole`` / ``NodeRole``: IAM roles with only the AWS managed policies they need.
* ``Cluster``: private endpoint always on, public endpoint only for the listed CIDRs, all five
  control-plane log types, authentication mode ``API`` and no implicit cluster-creator admin.
* ``AdminAccessEntry-*`` / ``AdminPolicyAssociation-*``: cluster admin for each listed principal.
* ``OidcProvider``: the IAM OIDC provider for IRSA. ``VpcCniRole`` trusts it for the ``aws-node``
  service account, so the node role does not carry the VPC CNI's network permissions.
* ``<Name>Addon``: the add-ons of :data:`DEFAULT_ADDONS`, each at the default version for the
  cluster's Kubernetes version.
* ``NodeLaunchTemplate`` / ``NodeGroup``: an AL2023 managed node group in the given (private)
  subnets: IMDSv2 only with a hop limit of 1, an encrypted gp3 root volume, no SSH.

Terraform never talks to the Kubernetes API: everything here is an AWS API call.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from cdktf import Fn, ITerraformDependable, TerraformResourceLifecycle, Token
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.data_aws_eks_addon_version import DataAwsEksAddonVersion
from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import (
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementCondition,
    DataAwsIamPolicyDocumentStatementPrincipals,
)
from cdktf_cdktf_provider_aws.data_aws_partition import DataAwsPartition
from cdktf_cdktf_provider_aws.data_aws_region import DataAwsRegion
from cdktf_cdktf_provider_aws.eks_access_entry import EksAccessEntry
from cdktf_cdktf_provider_aws.eks_access_policy_association import (
    EksAccessPolicyAssociation,
    EksAccessPolicyAssociationAccessScope,
)
from cdktf_cdktf_provider_aws.eks_addon import EksAddon
from cdktf_cdktf_provider_aws.eks_cluster import EksCluster as EksClusterResource
from cdktf_cdktf_provider_aws.eks_cluster import (
    EksClusterAccessConfig,
    EksClusterEncryptionConfig,
    EksClusterEncryptionConfigProvider,
    EksClusterUpgradePolicy,
    EksClusterVpcConfig,
)
from cdktf_cdktf_provider_aws.eks_node_group import (
    EksNodeGroup,
    EksNodeGroupLaunchTemplate,
    EksNodeGroupScalingConfig,
    EksNodeGroupUpdateConfig,
)
from cdktf_cdktf_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.launch_template import (
    LaunchTemplate,
    LaunchTemplateBlockDeviceMappings,
    LaunchTemplateBlockDeviceMappingsEbs,
    LaunchTemplateMetadataOptions,
    LaunchTemplateTagSpecifications,
)
from constructs import Construct

from lab.constructs.aws.cloudwatch import LOG_RETENTION_DAYS, log_group_arn
from lab.constructs.aws.key_policy import (
    account_administers,
    key_policy,
    logs_may_encrypt,
)
from lab.constructs.tokens import unresolved
from lab.rules import parse_cidr


class AmiType(StrEnum):
    """The EKS-optimized AMI of the managed node group (its ``ami_type``)."""

    AL2023_X86_64_STANDARD = "AL2023_x86_64_STANDARD"
    """Amazon Linux 2023 for x86_64 instance types (Intel, AMD)."""

    AL2023_ARM_64_STANDARD = "AL2023_ARM_64_STANDARD"
    """Amazon Linux 2023 for arm64 instance types (AWS Graviton: t4g, m7g, c6gn...)."""


class ControlPlaneLogType(StrEnum):
    """A control-plane log stream that EKS can send to CloudWatch Logs."""

    API = "api"
    """The Kubernetes API server's own log."""

    AUDIT = "audit"
    """Who did what through the Kubernetes API: where an investigation starts."""

    AUTHENTICATOR = "authenticator"
    """IAM authentication: which IAM principal became which Kubernetes user."""

    CONTROLLER_MANAGER = "controllerManager"
    """The controller manager (reconciliation of the built-in resources)."""

    SCHEDULER = "scheduler"
    """Pod placement decisions."""


DEFAULT_ADDONS: Final = ("vpc-cni", "kube-proxy", "coredns", "eks-pod-identity-agent")
"""The EKS add-ons of every cluster, each at the default version for its Kubernetes version."""

DEFAULT_LOG_RETENTION_DAYS: Final = 365
"""Control-plane log retention. checkov CKV_AWS_338 wants a year; the group goes with the stack."""

DEFAULT_ROOT_VOLUME_SIZE_GIB: Final = 50
"""Node root volume size: the AL2023 image takes 20 GiB, the rest holds container images."""

MAX_NAME_LENGTH: Final = 40
"""Longest cluster name: the longest derived IAM role name (``<name>-eks-cluster``) fits 64."""

CONTROL_PLANE_LOG_TYPES: Final = tuple(ControlPlaneLogType)
"""The control-plane logs sent to CloudWatch: all five, always (checkov CKV_AWS_37)."""

MIN_ROOT_VOLUME_SIZE_GIB: Final = 20
# The AL2023 AMIs boot from /dev/xvda: a mapping for this device replaces the image's root volume.
ROOT_DEVICE_NAME: Final = "/dev/xvda"
NODE_GROUP_NAME: Final = "default"
IRSA_AUDIENCE: Final = "sts.amazonaws.com"
VPC_CNI_SERVICE_ACCOUNT: Final = "system:serviceaccount:kube-system:aws-node"

# What the EKS control plane does with the key, as the cluster role, to envelope-encrypt secrets.
CLUSTER_KEY_ACTIONS: Final = ("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:ListGrants")

# Add-ons that run as Deployments only become ACTIVE once nodes can run their pods.
_ADDONS_AFTER_NODES: Final = frozenset({"coredns"})

_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?")
_KUBERNETES_MINOR = re.compile(r"1\.\d+")
_INSTANCE_TYPE = re.compile(r"[a-z][a-z0-9-]*\.[a-z0-9]+")
# Graviton families have a "g" right after the generation digit (t4g, m7gd, c6gn, im4gn, is4gen);
# a1 is the first Graviton generation.
_GRAVITON_FAMILY = re.compile(r"a1|[a-z]+\d+g")
_IAM_PRINCIPAL_ARN = re.compile(
    r"arn:aws[a-z-]*:iam::(?P<account>\d{12}):(?P<kind>role|user)/(?P<path>[\w+=,.@/-]+)"
)


def ami_type_for(instance_type: str) -> AmiType:
    """The AL2023 AMI that boots ``instance_type``: arm64 for Graviton families, else x86_64."""
    family = instance_type.split(".", 1)[0]
    if _GRAVITON_FAMILY.match(family):
        return AmiType.AL2023_ARM_64_STANDARD
    return AmiType.AL2023_X86_64_STANDARD


@dataclass(frozen=True, kw_only=True)
class EksClusterProps:
    """The inputs of :class:`EksCluster`, validated on construction."""

    name: str
    """Cluster name, ``<experiment>-<cluster>``: a lowercase DNS label of at most 40 characters.
    It also names the IAM roles, the KMS alias, the log group and the launch template. Required."""

    kubernetes_version: str
    """Kubernetes minor version, e.g. ``"1.35"``. Nodes and add-ons follow it. Required."""

    subnet_ids: Sequence[str]
    """Private subnet ids in at least two Availability Zones, for the control-plane network
    interfaces and the nodes. May be a token list (a foundation output read from a variable).
    Required."""

    instance_type: str
    """EC2 instance type of the nodes, e.g. ``"m5.xlarge"``. Required."""

    node_count: int
    """Desired number of nodes, at least 1. Required. (The lab's cost cap on nodes per cluster is
    enforced where ``lab.yaml`` is read.)"""

    admin_principal_arns: Sequence[str]
    """IAM role or user ARNs that get cluster admin (an access entry with
    ``AmazonEKSClusterAdminPolicy``, cluster scope). Required, at least one: with authentication
    mode API and no cluster-creator admin, nobody else can use the Kubernetes API. Entries may be
    tokens."""

    min_nodes: int | None = None
    """Autoscaling lower bound. Default: ``node_count``."""

    max_nodes: int | None = None
    """Autoscaling upper bound. Default: ``node_count``."""

    public_access_cidrs: Sequence[str] = ()
    """CIDRs allowed to reach the public API endpoint. Default: ``()``: the public endpoint is off
    and the API is reachable only from inside the VPC. Any ``/0`` is rejected."""

    ami_type: AmiType | None = None
    """AMI of the nodes. Default: derived from ``instance_type``: Graviton families get
    ``AL2023_ARM_64_STANDARD``, all others ``AL2023_x86_64_STANDARD``. Required when
    ``instance_type`` is a token. GPU and Inferentia families would need accelerated AMIs, which
    this construct does not offer."""

    root_volume_size_gib: int = DEFAULT_ROOT_VOLUME_SIZE_GIB
    """Size of each node's encrypted gp3 root volume, at least 20. Default: 50 (about 4 USD a month
    per node)."""

    log_retention_days: int = DEFAULT_LOG_RETENTION_DAYS
    """Retention of the control-plane logs, a period CloudWatch Logs accepts. Default: 365. Less
    fails checkov CKV_AWS_338."""

    node_labels: Mapping[str, str] = field(default_factory=dict)
    """Kubernetes labels on every node. Default: none."""

    tags: Mapping[str, str] = field(default_factory=dict)
    """AWS tags on every taggable resource, including the nodes' instances, volumes and network
    interfaces. Default: none."""

    def __post_init__(self) -> None:
        self._validate_name()
        self._validate_kubernetes_version()
        self._validate_subnet_ids()
        self._validate_instance_type()
        self._validate_node_counts()
        self._validate_public_access_cidrs()
        self._validate_admin_principal_arns()
        if self.root_volume_size_gib < MIN_ROOT_VOLUME_SIZE_GIB:
            raise ValueError(
                f"root_volume_size_gib: {self.root_volume_size_gib} is smaller than the AL2023 "
                f"image; use at least {MIN_ROOT_VOLUME_SIZE_GIB}"
            )
        if self.log_retention_days not in LOG_RETENTION_DAYS:
            raise ValueError(
                f"log_retention_days: CloudWatch Logs does not accept {self.log_retention_days}; "
                f"use one of {sorted(LOG_RETENTION_DAYS)}"
            )

    @property
    def min_size(self) -> int:
        """The autoscaling lower bound in effect."""
        return self.node_count if self.min_nodes is None else self.min_nodes

    @property
    def max_size(self) -> int:
        """The autoscaling upper bound in effect."""
        return self.node_count if self.max_nodes is None else self.max_nodes

    @property
    def autoscaling(self) -> bool:
        """Whether the node count may move between ``min_size`` and ``max_size``."""
        return self.min_size != self.max_size

    @property
    def resolved_ami_type(self) -> AmiType:
        """``ami_type``, or the one derived from ``instance_type``."""
        if self.ami_type is not None:
            return self.ami_type
        return ami_type_for(self.instance_type)

    def _validate_name(self) -> None:
        if unresolved(self.name):
            raise ValueError(
                "name: must be a plain string, not a token: IAM role, KMS alias and log group "
                "names are derived from it at synth time"
            )
        if len(self.name) > MAX_NAME_LENGTH or not _NAME.fullmatch(self.name):
            raise ValueError(
                f"name: {self.name!r} is not a lowercase DNS label of at most {MAX_NAME_LENGTH} "
                "characters (a-z, 0-9 and '-', starting and ending with a letter or digit); the "
                "limit keeps the derived IAM role names within 64 characters"
            )

    def _validate_kubernetes_version(self) -> None:
        version = self.kubernetes_version
        if not unresolved(version) and not _KUBERNETES_MINOR.fullmatch(version):
            raise ValueError(
                f"kubernetes_version: {version!r} is not a Kubernetes minor version; use the form "
                "'1.35' (EKS picks the patch release)"
            )

    def _validate_subnet_ids(self) -> None:
        if not unresolved(self.subnet_ids) and len(self.subnet_ids) < 2:
            raise ValueError(
                f"subnet_ids: {len(self.subnet_ids)} given, but EKS needs subnets in at least two "
                "Availability Zones; pass the foundation's private subnet ids"
            )

    def _validate_instance_type(self) -> None:
        instance_type = self.instance_type
        if unresolved(instance_type):
            if self.ami_type is None:
                raise ValueError(
                    "ami_type: must be set when instance_type is a token, because the node "
                    "architecture can't be derived from it at synth time"
                )
            return
        if not _INSTANCE_TYPE.fullmatch(instance_type):
            raise ValueError(
                f"instance_type: {instance_type!r} is not an EC2 instance type; use the form "
                "'m5.xlarge'"
            )
        derived = ami_type_for(instance_type)
        if self.ami_type is not None and self.ami_type is not derived:
            raise ValueError(
                f"ami_type: {self.ami_type.value} can't boot {instance_type}, which needs "
                f"{derived.value}; leave ami_type unset to derive it from instance_type"
            )

    def _validate_node_counts(self) -> None:
        if self.node_count < 1:
            raise ValueError(
                f"node_count: {self.node_count} is below 1; the cluster needs nodes to run coredns"
            )
        if self.min_nodes is not None and self.min_nodes < 1:
            raise ValueError(
                f"min_nodes: {self.min_nodes} is below 1; use at least 1, or leave it unset to "
                "default to node_count"
            )
        if self.min_size > self.node_count:
            raise ValueError(
                f"min_nodes: {self.min_size} is above node_count ({self.node_count}); lower "
                "min_nodes or raise node_count"
            )
        if self.max_size < self.node_count:
            raise ValueError(
                f"max_nodes: {self.max_size} is below node_count ({self.node_count}); raise "
                "max_nodes or lower node_count"
            )

    def _validate_public_access_cidrs(self) -> None:
        seen: set[str] = set()
        for cidr in self.public_access_cidrs:
            if unresolved(cidr):
                continue
            parse_cidr(
                cidr, field="public_access_cidrs", example="203.0.113.0/24", reject_internet=True
            )
            if cidr in seen:
                raise ValueError(f"public_access_cidrs: {cidr!r} is listed twice; list it once")
            seen.add(cidr)

    def _validate_admin_principal_arns(self) -> None:
        if unresolved(self.admin_principal_arns):
            raise ValueError(
                "admin_principal_arns: a token list can't be expanded into one access entry per "
                "principal at synth time; pass a list (its entries may be tokens)"
            )
        if not self.admin_principal_arns:
            raise ValueError(
                "admin_principal_arns: empty, but with authentication mode API and no "
                "cluster-creator admin nobody could use the Kubernetes API; list at least one "
                "IAM role ARN"
            )
        seen: set[str] = set()
        for arn in self.admin_principal_arns:
            if unresolved(arn):
                continue
            if ":assumed-role/" in arn:
                raise ValueError(
                    f"admin_principal_arns: {arn!r} is an STS session, not a principal; use the "
                    "role's own ARN, arn:aws:iam::<account>:role/<name>"
                )
            if not _IAM_PRINCIPAL_ARN.fullmatch(arn):
                raise ValueError(
                    f"admin_principal_arns: {arn!r} is not an IAM role or user ARN; use the form "
                    "'arn:aws:iam::123456789012:role/<name>'"
                )
            if arn in seen:
                raise ValueError(f"admin_principal_arns: {arn!r} is listed twice; list it once")
            seen.add(arn)


class EksCluster(Construct):
    """An EKS cluster with one managed node group, secure by default (see the module docstring)."""

    cluster_name: str
    """The cluster's name, as a reference: whatever uses it waits for the cluster."""

    cluster_arn: str
    """The cluster's ARN."""

    endpoint: str
    """The Kubernetes API server URL (private unless ``public_access_cidrs`` is set)."""

    cluster_security_group_id: str
    """The security group EKS created for the control plane and the nodes."""

    oidc_issuer_url: str
    """The cluster's OIDC issuer URL: the ``iss`` of its service-account tokens."""

    oidc_provider_arn: str
    """The IAM OIDC provider, for the trust policies of workload IRSA roles."""

    node_role_arn: str
    """The IAM role of the nodes."""

    def __init__(self, scope: Construct, id: str, props: EksClusterProps) -> None:
        super().__init__(scope, id)
        self._props = props
        self._tags = dict(props.tags)

        partition = DataAwsPartition(self, "Partition")
        account = DataAwsCallerIdentity(self, "CallerIdentity")
        region = DataAwsRegion(self, "Region")
        self._partition = partition.partition
        log_group_name = f"/aws/eks/{props.name}/cluster"

        cluster_role = self._service_role(
            "ClusterRole",
            role_name=f"{props.name}-eks-cluster",
            # eks.amazonaws.com in every partition (ec2 and logs take the partition's DNS suffix).
            service="eks.amazonaws.com",
            description=f"EKS control plane of {props.name}",
        )
        cluster_policies = self._attach_managed_policies(
            "ClusterRole", cluster_role, ["AmazonEKSClusterPolicy"]
        )
        key = self._secrets_key(
            cluster_role=cluster_role,
            partition=partition,
            account_id=account.account_id,
            region=region.region,
            log_group_name=log_group_name,
        )
        # EKS creates this group on its first log delivery if it is missing, unencrypted and kept
        # forever, so it must exist first (depends_on below), with our key and retention.
        log_group = CloudwatchLogGroup(
            self,
            "ControlPlaneLogGroup",
            name=log_group_name,
            retention_in_days=props.log_retention_days,
            kms_key_id=key.arn,
            tags=self._tags,
        )

        public_access = bool(props.public_access_cidrs)
        cluster = EksClusterResource(
            self,
            "Cluster",
            name=props.name,
            version=props.kubernetes_version,
            role_arn=cluster_role.arn,
            vpc_config=EksClusterVpcConfig(
                subnet_ids=list(props.subnet_ids),
                endpoint_private_access=True,
                endpoint_public_access=public_access,
                # Left unset, EKS would allow 0.0.0.0/0.
                public_access_cidrs=list(props.public_access_cidrs) if public_access else None,
            ),
            access_config=EksClusterAccessConfig(
                # Access entries only, no aws-auth ConfigMap: access is granted and audited
                # through AWS APIs, which is all Terraform talks to.
                authentication_mode="API",
                # The identity running Terraform needs no Kubernetes access, and this flag can't
                # be changed after creation; admins are the explicit access entries below.
                bootstrap_cluster_creator_admin_permissions=False,
            ),
            encryption_config=EksClusterEncryptionConfig(
                provider=EksClusterEncryptionConfigProvider(key_arn=key.arn),
                resources=["secrets"],
            ),
            enabled_cluster_log_types=[log_type.value for log_type in CONTROL_PLANE_LOG_TYPES],
            # No self-managed vpc-cni, kube-proxy and coredns: they come only as the EKS add-ons
            # below, so there is nothing for the add-ons to take over.
            bootstrap_self_managed_addons=False,
            # Extended support costs six times the standard control-plane price; a lab upgrades
            # instead (EKS upgrades the cluster itself when standard support ends).
            upgrade_policy=EksClusterUpgradePolicy(support_type="STANDARD"),
            tags=self._tags,
            depends_on=[*cluster_policies, log_group],
        )
        self._admin_access(cluster)

        issuer = cluster.identity.get(0).oidc.get(0).issuer
        # No thumbprint_list: it is optional for EKS issuers, whose certificates IAM verifies.
        oidc_provider = IamOpenidConnectProvider(
            self,
            "OidcProvider",
            url=issuer,
            client_id_list=[IRSA_AUDIENCE],
            tags=self._tags,
        )

        # The VPC CNI's EC2 permissions go to the aws-node service account through IRSA rather
        # than to the node role, where every process able to reach the node's credentials would
        # hold them. IRSA rather than Pod Identity: aws-node must run before a node is Ready, and
        # with Pod Identity it would get credentials only once the eks-pod-identity-agent
        # DaemonSet runs on that same node, an ordering nothing guarantees; IRSA needs only STS.
        vpc_cni_role = self._irsa_role(
            "VpcCniRole",
            role_name=f"{props.name}-vpc-cni",
            oidc_provider=oidc_provider,
            issuer=issuer,
            service_account=VPC_CNI_SERVICE_ACCOUNT,
        )
        vpc_cni_policies = self._attach_managed_policies(
            "VpcCniRole", vpc_cni_role, ["AmazonEKS_CNI_Policy"]
        )

        # A node becomes Ready only with the CNI and kube-proxy, and the Pod Identity agent should
        # be there before the first workload pod. DaemonSets are ACTIVE even with zero nodes.
        before_nodes: list[ITerraformDependable] = []
        for addon_name in DEFAULT_ADDONS:
            if addon_name in _ADDONS_AFTER_NODES:
                continue
            is_cni = addon_name == "vpc-cni"
            before_nodes.append(
                self._addon(
                    cluster,
                    addon_name,
                    service_account_role_arn=vpc_cni_role.arn if is_cni else None,
                    depends_on=vpc_cni_policies if is_cni else [],
                )
            )

        node_role = self._service_role(
            "NodeRole",
            role_name=f"{props.name}-eks-node",
            service=f"ec2.{partition.dns_suffix}",
            description=f"EKS managed nodes of {props.name}",
        )
        # PullOnly rather than ReadOnly: nodes pull images and never list or describe
        # repositories. EKS creates the node role's access entry (EC2_LINUX) itself.
        node_policies = self._attach_managed_policies(
            "NodeRole",
            node_role,
            ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"],
        )
        node_group = self._node_group(
            cluster, node_role, depends_on=[*node_policies, *before_nodes]
        )
        for addon_name in DEFAULT_ADDONS:
            if addon_name in _ADDONS_AFTER_NODES:
                self._addon(cluster, addon_name, depends_on=[node_group])

        self.cluster_name = cluster.name
        self.cluster_arn = cluster.arn
        self.endpoint = cluster.endpoint
        self.cluster_security_group_id = cluster.vpc_config.cluster_security_group_id
        self.oidc_issuer_url = issuer
        self.oidc_provider_arn = oidc_provider.arn
        self.node_role_arn = node_role.arn

    def _service_role(self, id: str, *, role_name: str, service: str, description: str) -> IamRole:
        trust = DataAwsIamPolicyDocument(
            self,
            f"{id}Trust",
            statement=[
                DataAwsIamPolicyDocumentStatement(
                    effect="Allow",
                    actions=["sts:AssumeRole"],
                    principals=[
                        DataAwsIamPolicyDocumentStatementPrincipals(
                            type="Service", identifiers=[service]
                        )
                    ],
                )
            ],
        )
        return IamRole(
            self,
            id,
            name=role_name,
            description=description,
            assume_role_policy=trust.json,
            tags=self._tags,
        )

    def _irsa_role(
        self,
        id: str,
        *,
        role_name: str,
        oidc_provider: IamOpenidConnectProvider,
        issuer: str,
        service_account: str,
    ) -> IamRole:
        issuer_host = Fn.replace(issuer, "https://", "")
        trust = DataAwsIamPolicyDocument(
            self,
            f"{id}Trust",
            statement=[
                DataAwsIamPolicyDocumentStatement(
                    effect="Allow",
                    actions=["sts:AssumeRoleWithWebIdentity"],
                    principals=[
                        DataAwsIamPolicyDocumentStatementPrincipals(
                            type="Federated", identifiers=[oidc_provider.arn]
                        )
                    ],
                    # This one service account only, and only with tokens minted for STS.
                    condition=[
                        DataAwsIamPolicyDocumentStatementCondition(
                            test="StringEquals",
                            variable=f"{issuer_host}:sub",
                            values=[service_account],
                        ),
                        DataAwsIamPolicyDocumentStatementCondition(
                            test="StringEquals",
                            variable=f"{issuer_host}:aud",
                            values=[IRSA_AUDIENCE],
                        ),
                    ],
                )
            ],
        )
        return IamRole(
            self,
            id,
            name=role_name,
            description=f"IRSA role of {service_account} in {self._props.name}",
            assume_role_policy=trust.json,
            tags=self._tags,
        )

    def _attach_managed_policies(
        self, role_id: str, role: IamRole, policy_names: Sequence[str]
    ) -> list[ITerraformDependable]:
        return [
            IamRolePolicyAttachment(
                self,
                f"{role_id}{policy_name.replace('_', '')}",
                role=role.name,
                policy_arn=f"arn:{self._partition}:iam::aws:policy/{policy_name}",
            )
            for policy_name in policy_names
        ]

    def _secrets_key(
        self,
        *,
        cluster_role: IamRole,
        partition: DataAwsPartition,
        account_id: str,
        region: str,
        log_group_name: str,
    ) -> KmsKey:
        statements = [
            account_administers(partition.partition, account_id),
            {
                "Sid": "ClusterSecretsEncryption",
                "Effect": "Allow",
                "Principal": {"AWS": cluster_role.arn},
                "Action": list(CLUSTER_KEY_ACTIONS),
                "Resource": "*",
            },
            logs_may_encrypt(
                "ControlPlaneLogs",
                region=region,
                dns_suffix=partition.dns_suffix,
                group_arn=log_group_arn(partition.partition, region, account_id, log_group_name),
            ),
        ]
        key = KmsKey(
            self,
            "SecretsKey",
            description=f"EKS secrets and control-plane logs of {self._props.name}",
            enable_key_rotation=True,
            # The longest window: a key destroyed by mistake can be restored for 30 days.
            deletion_window_in_days=30,
            # JSON rather than an aws_iam_policy_document: in a key policy, "Resource": "*" means
            # this key, which IAM policy checks (checkov CKV_AWS_109/111/356) read as any resource.
            # The tokens in the string become Terraform references at synth.
            policy=json.dumps(key_policy(*statements)),
            tags=self._tags,
        )
        KmsAlias(
            self,
            "SecretsKeyAlias",
            name=f"alias/eks/{self._props.name}",
            target_key_id=key.key_id,
        )
        return key

    def _admin_access(self, cluster: EksClusterResource) -> None:
        policy_arn = (
            f"arn:{self._partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
        )
        for index, arn in enumerate(self._props.admin_principal_arns):
            key = _principal_key(arn, index)
            entry = EksAccessEntry(
                self,
                f"AdminAccessEntry-{key}",
                cluster_name=cluster.name,
                principal_arn=arn,
                type="STANDARD",
                tags=self._tags,
            )
            EksAccessPolicyAssociation(
                self,
                f"AdminPolicyAssociation-{key}",
                cluster_name=cluster.name,
                principal_arn=entry.principal_arn,
                policy_arn=policy_arn,
                access_scope=EksAccessPolicyAssociationAccessScope(type="cluster"),
            )

    def _addon(
        self,
        cluster: EksClusterResource,
        addon_name: str,
        *,
        depends_on: Sequence[ITerraformDependable],
        service_account_role_arn: str | None = None,
    ) -> EksAddon:
        construct_name = "".join(part.capitalize() for part in addon_name.split("-"))
        # The default version for the Kubernetes version, so add-ons move with the cluster (with
        # addon_version unset they would stay at whatever version was installed first).
        version = DataAwsEksAddonVersion(
            self,
            f"{construct_name}AddonVersion",
            addon_name=addon_name,
            kubernetes_version=self._props.kubernetes_version,
        )
        return EksAddon(
            self,
            f"{construct_name}Addon",
            cluster_name=cluster.name,
            addon_name=addon_name,
            addon_version=version.version,
            service_account_role_arn=service_account_role_arn,
            # Terraform is the source of truth for add-on settings: take over whatever is there on
            # create, and revert edits made behind its back on update.
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            tags=self._tags,
            depends_on=list(depends_on) or None,
        )

    def _node_group(
        self,
        cluster: EksClusterResource,
        node_role: IamRole,
        *,
        depends_on: Sequence[ITerraformDependable],
    ) -> EksNodeGroup:
        props = self._props
        instance_tags = {"Name": f"{props.name}-node", **self._tags}
        launch_template = LaunchTemplate(
            self,
            "NodeLaunchTemplate",
            name=f"{props.name}-nodes",
            description=f"EKS managed nodes of {props.name}",
            # IMDSv2 only, with a hop limit of 1: the token can't cross the extra hop into a pod's
            # network namespace, so pods can't reach instance metadata and the node role's
            # credentials. That is the point: AWS SDKs in pods use IRSA or Pod Identity.
            metadata_options=LaunchTemplateMetadataOptions(
                http_endpoint="enabled",
                http_tokens="required",
                http_put_response_hop_limit=1,
            ),
            block_device_mappings=[
                LaunchTemplateBlockDeviceMappings(
                    device_name=ROOT_DEVICE_NAME,
                    ebs=LaunchTemplateBlockDeviceMappingsEbs(
                        volume_type="gp3",
                        volume_size=props.root_volume_size_gib,
                        # With the account's EBS key, which EC2 Auto Scaling may use without a
                        # key-policy grant.
                        encrypted="true",
                        delete_on_termination="true",
                    ),
                )
            ],
            # No key_name: no SSH. No network_interfaces: the nodes get the EKS cluster security
            # group, and no public IP in private subnets.
            tag_specifications=[
                LaunchTemplateTagSpecifications(resource_type=resource_type, tags=instance_tags)
                for resource_type in ("instance", "volume", "network-interface")
            ],
            tags=self._tags,
        )
        return EksNodeGroup(
            self,
            "NodeGroup",
            cluster_name=cluster.name,
            node_group_name=NODE_GROUP_NAME,
            # Nodes follow the control plane when kubernetes_version changes.
            version=cluster.version,
            node_role_arn=node_role.arn,
            subnet_ids=list(props.subnet_ids),
            ami_type=props.resolved_ami_type.value,
            capacity_type="ON_DEMAND",
            instance_types=[props.instance_type],
            launch_template=EksNodeGroupLaunchTemplate(
                id=launch_template.id,
                version=Token.as_string(launch_template.latest_version),
            ),
            scaling_config=EksNodeGroupScalingConfig(
                desired_size=props.node_count,
                min_size=props.min_size,
                max_size=props.max_size,
            ),
            update_config=EksNodeGroupUpdateConfig(max_unavailable=1),
            labels=dict(props.node_labels) or None,
            # Once an autoscaler (installed in the cluster) owns the node count, Terraform must
            # not scale the group back to node_count on every apply.
            lifecycle=(
                TerraformResourceLifecycle(ignore_changes=["scaling_config[0].desired_size"])
                if props.autoscaling
                else None
            ),
            tags=self._tags,
            depends_on=list(depends_on),
        )


def _principal_key(arn: str, index: int) -> str:
    """A construct-id suffix for an admin principal that stays the same when the list changes."""
    match = None if unresolved(arn) else _IAM_PRINCIPAL_ARN.fullmatch(arn)
    if match is None:
        return str(index)
    name = match["path"].rsplit("/", 1)[-1]
    return f"{match['account']}-{match['kind']}-{name}"
