"""An EKS cluster that is secure by default, and grows by composition.

What :class:`EksCluster` creates, by child id:

* ``SecretsKey`` (+ ``SecretsKeyAlias``): a customer-managed KMS key, rotation on, with an
  explicit key policy. It encrypts Kubernetes secrets and the control-plane log group.
* ``ControlPlaneLogGroup``: ``/aws/eks/<name>/cluster``, KMS-encrypted, with a retention
  (:class:`~lab.constructs.aws.log_group.EncryptedLogGroup`). It is created before the
  cluster, or EKS would create its own (unencrypted, kept forever).
* ``ClusterRole`` / ``NodeRole``: IAM roles with only the AWS managed policies they need.
* ``Cluster``: private endpoint always on, public endpoint only for the listed CIDRs, all five
  control-plane log types, authentication mode ``API`` and no implicit cluster-creator admin.
* ``AdminAccessEntry-*`` / ``AdminPolicyAssociation-*``: cluster admin for each listed
  principal (:meth:`EksCluster.grant_cluster_admin`).
* ``OidcProvider``: the IAM OIDC provider for IRSA. ``VpcCniRole`` trusts it for the
  ``aws-node`` service account, so the node role does not carry the VPC CNI's permissions.
* ``<Name>Addon``: the add-ons of :data:`DEFAULT_ADDONS` (:meth:`EksCluster.add_addon`).
* ``NodeLaunchTemplate`` / ``NodeGroup``: the default managed node group
  (:meth:`EksCluster.add_node_group`), from the props' ``default_pool``.

More capacity, add-ons, access and pod identities are added with the ``add_*`` and
``grant_*`` methods; :meth:`EksCluster.add_ebs_csi_driver` and
:meth:`EksCluster.add_cluster_autoscaler_identity` give the cluster storage and the
autoscaler's identity. Terraform never talks to the Kubernetes API: everything here is an AWS
API call.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from cdktn import ITerraformDependable
from cdktn_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktn_provider_aws.data_aws_eks_addon_version import DataAwsEksAddonVersion
from cdktn_provider_aws.data_aws_partition import DataAwsPartition
from cdktn_provider_aws.data_aws_region import DataAwsRegion
from cdktn_provider_aws.eks_access_policy_association import EksAccessPolicyAssociation
from cdktn_provider_aws.eks_cluster import EksCluster as EksClusterResource
from cdktn_provider_aws.eks_cluster import (
    EksClusterAccessConfig,
    EksClusterEncryptionConfig,
    EksClusterEncryptionConfigProvider,
    EksClusterUpgradePolicy,
    EksClusterVpcConfig,
)
from cdktn_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from cdktn_provider_aws.kms_alias import KmsAlias
from cdktn_provider_aws.kms_key import KmsKey
from constructs import Construct

from lab.constructs.aws.eks.access import AccessEntry, AccessPolicy, AccessScope, principal_key
from lab.constructs.aws.eks.addon import (
    DEFAULT_ADDONS,
    Addon,
    AddonOptions,
    AddonProps,
    PodIdentityAssociation,
)
from lab.constructs.aws.eks.autoscaler import (
    CLUSTER_AUTOSCALER_NAMESPACE,
    CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
    autoscaler_policy,
)
from lab.constructs.aws.eks.ebs_csi import (
    EBS_CSI_ADDON,
    EBS_CSI_NAMESPACE,
    EBS_CSI_POLICY,
    EBS_CSI_SERVICE_ACCOUNT,
)
from lab.constructs.aws.eks.identity import PodIdentity, PodIdentityProps
from lab.constructs.aws.eks.node_group import (
    NodeGroup,
    NodeGroupProps,
    NodeLaunchTemplate,
    NodeLaunchTemplateProps,
)
from lab.constructs.aws.iam import (
    IRSA_AUDIENCE,
    attach_managed_policies,
    irsa_role,
    managed_policies,
    permissions_boundary_arn,
    service_role,
)
from lab.constructs.aws.key_policy import account_administers, key_policy, logs_may_encrypt
from lab.constructs.aws.log_group import EncryptedLogGroup, EncryptedLogGroupProps, log_group_arn
from lab.experiments import NodePoolSpec
from lab.rules import construct_key
from lab.rules.names import EKS_DEFAULT_GROUP


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


CONTROL_PLANE_LOG_TYPES: Final = tuple(ControlPlaneLogType)
"""The control-plane logs sent to CloudWatch: all five, always (checkov CKV_AWS_37)."""

DEFAULT_NODE_GROUP_ID: Final = "Node"
"""Its construct id stem: ``NodeGroup`` and ``NodeLaunchTemplate``."""
VPC_CNI_SERVICE_ACCOUNT: Final = "system:serviceaccount:kube-system:aws-node"

# What the EKS control plane does with the key, as the cluster role, to envelope-encrypt secrets.
CLUSTER_KEY_ACTIONS: Final = ("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:ListGrants")

# Add-ons that run as Deployments only become ACTIVE once nodes can run their pods.
_ADDONS_AFTER_NODES: Final = frozenset({"coredns"})


@dataclass(frozen=True, kw_only=True)
class EksClusterProps:
    """The inputs of :class:`EksCluster`: the cluster's name and default pool from its
    ``cluster.yaml``, the rest from ``lab.yaml`` and the foundation. Validated where they are
    read (``lab.experiments``, ``lab.config``); more node groups come from
    :meth:`EksCluster.add_node_group`."""

    name: str
    """Cluster name, ``<experiment>-<cluster>``: a lowercase DNS label of at most 40 characters,
    so the derived IAM role, KMS alias, log group and launch template names fit. Required."""

    kubernetes_version: str
    """Kubernetes minor version, e.g. ``"1.35"``. Nodes and add-ons follow it. Required."""

    subnet_ids: Sequence[str]
    """Private subnet ids in at least two Availability Zones, for the control-plane network
    interfaces and the nodes. May be a token list (a foundation output read from a variable).
    Required."""

    default_pool: NodePoolSpec
    """The cluster's own node group (named ``default``). Required."""

    admin_principal_arns: Sequence[str]
    """IAM role or user ARNs that get cluster admin (an access entry with
    ``AmazonEKSClusterAdminPolicy``, cluster scope), each once. Required, at least one: with
    authentication mode API and no cluster-creator admin, nobody else can use the Kubernetes
    API. Entries may be tokens."""

    public_access_cidrs: Sequence[str] = ()
    """CIDRs allowed to reach the public API endpoint. Default: ``()``: the public endpoint is off
    and the API is reachable only from inside the VPC."""

    tags: Mapping[str, str] = field(default_factory=dict)
    """AWS tags on every taggable resource, including the nodes' instances, volumes and network
    interfaces. Pass every tag those need: the provider's ``default_tags`` reach the
    resources Terraform creates, not what a launch template launches. Default: none."""


class EksCluster(Construct):
    """An EKS cluster with one managed node group, secure by default (see the module docstring).

    ``resource`` (also ``node.default_child``) is the ``aws_eks_cluster``.
    """

    def __init__(self, scope: Construct, id: str, props: EksClusterProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self._tags = dict(props.tags)
        self._access: dict[str, AccessEntry] = {}

        partition = DataAwsPartition(self, "Partition")
        account = DataAwsCallerIdentity(self, "CallerIdentity")
        region = DataAwsRegion(self, "Region")
        self.partition: str = partition.partition
        """The AWS partition (``aws``), for ARNs."""
        self.account_id: str = account.account_id
        self.region: str = region.region
        log_group_name = f"/aws/eks/{props.name}/cluster"

        cluster_role = service_role(
            self,
            "ClusterRole",
            role_name=f"{props.name}-eks-cluster",
            # eks.amazonaws.com in every partition (ec2 and logs take the partition's DNS suffix).
            service="eks.amazonaws.com",
            description=f"EKS control plane of {props.name}",
            tags=self._tags,
            permissions_boundary=self.permissions_boundary,
        )
        cluster_policies = attach_managed_policies(
            self, "ClusterRole", cluster_role, self.managed_policies("AmazonEKSClusterPolicy")
        )
        key = self._secrets_key(
            cluster_role_arn=cluster_role.arn,
            partition=partition,
            log_group_name=log_group_name,
        )
        # EKS creates this group on its first log delivery if it is missing, unencrypted and kept
        # forever, so it must exist first (depends_on below), with our key and retention.
        log_group = EncryptedLogGroup(
            self,
            "ControlPlaneLogGroup",
            EncryptedLogGroupProps(
                name=log_group_name,
                kms_key_arn=key.arn,
                # The default year: checkov CKV_AWS_338; the group goes with the stack.
                tags=self._tags,
            ),
        )

        public_access = bool(props.public_access_cidrs)
        self.resource = EksClusterResource(
            self,
            "Cluster",
            name=props.name,
            version=props.kubernetes_version,
            role_arn=cluster_role.arn,
            vpc_config=EksClusterVpcConfig(
                subnet_ids=list(props.subnet_ids),
                # Nodes and add-ons reach the API inside the VPC through the private endpoint
                # (the VPC has DNS support and hostnames on), in every nat_mode; so
                # public_access_cidrs needs no NAT address (awsdocs/amazon-eks-user-guide
                # @7b9bf3d, latest/ug/clusters/cluster-endpoint.adoc).
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
            depends_on=[*cluster_policies, log_group.resource],
        )
        self.node.default_child = self.resource
        for arn in props.admin_principal_arns:
            self.grant_cluster_admin(arn)

        issuer = self.resource.identity.get(0).oidc.get(0).issuer
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
        vpc_cni_role = irsa_role(
            self,
            "VpcCniRole",
            role_name=f"{props.name}-vpc-cni",
            oidc_provider=oidc_provider,
            issuer=issuer,
            service_account=VPC_CNI_SERVICE_ACCOUNT,
            description=f"IRSA role of {VPC_CNI_SERVICE_ACCOUNT} in {props.name}",
            tags=self._tags,
            permissions_boundary=self.permissions_boundary,
        )
        vpc_cni_policies = attach_managed_policies(
            self, "VpcCniRole", vpc_cni_role, self.managed_policies("AmazonEKS_CNI_Policy")
        )

        # A node becomes Ready only with the CNI and kube-proxy, and the Pod Identity agent should
        # be there before the first workload pod. DaemonSets are ACTIVE even with zero nodes.
        self._before_nodes: list[ITerraformDependable] = []
        for addon_name in DEFAULT_ADDONS:
            if addon_name in _ADDONS_AFTER_NODES:
                continue
            is_cni = addon_name == "vpc-cni"
            addon = self._create_addon(
                addon_name,
                AddonOptions(
                    service_account_role_arn=vpc_cni_role.arn if is_cni else None,
                    depends_on=vpc_cni_policies if is_cni else (),
                ),
            )
            self._before_nodes.append(addon.resource)

        self.node_role = service_role(
            self,
            "NodeRole",
            role_name=f"{props.name}-eks-node",
            service=f"ec2.{partition.dns_suffix}",
            description=f"EKS managed nodes of {props.name}",
            tags=self._tags,
            permissions_boundary=self.permissions_boundary,
        )
        # PullOnly rather than ReadOnly: nodes pull images and never list or describe
        # repositories. EKS creates the node role's access entry (EC2_LINUX) itself.
        self._node_policies = attach_managed_policies(
            self,
            "NodeRole",
            self.node_role,
            self.managed_policies(
                "AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"
            ),
        )
        self.default_node_group = self.add_node_group(DEFAULT_NODE_GROUP_ID, props.default_pool)
        """The node group of ``default_pool``."""
        for addon_name in sorted(_ADDONS_AFTER_NODES & set(DEFAULT_ADDONS)):
            self.add_addon(addon_name, AddonOptions(after_nodes=True))

        self.cluster_name: str = self.resource.name
        """The cluster's name, as a reference: whatever uses it waits for the cluster."""
        self.cluster_arn: str = self.resource.arn
        self.endpoint: str = self.resource.endpoint
        """The Kubernetes API server URL (private unless ``public_access_cidrs`` is set)."""
        self.certificate_authority_data: str = self.resource.certificate_authority.get(0).data
        """The cluster CA certificate, base64-encoded PEM (public, not a credential)."""
        self.cluster_security_group_id: str = self.resource.vpc_config.cluster_security_group_id
        """The security group EKS created for the control plane and the nodes."""
        self.oidc_issuer_url: str = issuer
        """The cluster's OIDC issuer URL: the ``iss`` of its service-account tokens."""
        self.oidc_provider_arn: str = oidc_provider.arn
        """The IAM OIDC provider, for the trust policies of workload IRSA roles."""
        self.node_role_arn: str = self.node_role.arn
        """The IAM role of the nodes."""

    # --- composition ---------------------------------------------------------------------

    def add_node_group(self, id: str, pool: NodePoolSpec) -> NodeGroup:
        """Another managed node group in the cluster's subnets, with the cluster's node role,
        the cluster's tags and a hardened launch template of its own.

        Creates ``<id>LaunchTemplate`` and ``<id>Group`` (the default group's ``id`` is
        ``Node``). Nodes join after the node role's policies and the add-ons they need.
        """
        name = self.props.name
        own_name = "" if pool.name == EKS_DEFAULT_GROUP else f"-{pool.name}"
        template = NodeLaunchTemplate(
            self,
            f"{id}LaunchTemplate",
            NodeLaunchTemplateProps(
                name=f"{name}{own_name}-nodes",
                description=f"EKS managed nodes of {name}{own_name}",
                instance_tags={"Name": f"{name}{own_name}-node", **self._tags},
                tags=self._tags,
            ),
        )
        return NodeGroup(
            self,
            f"{id}Group",
            NodeGroupProps(
                pool=pool,
                cluster_name=self.resource.name,
                # Nodes follow the control plane when kubernetes_version changes.
                kubernetes_version=self.resource.version,
                node_role_arn=self.node_role.arn,
                subnet_ids=self.props.subnet_ids,
                launch_template=template,
                tags=self._tags,
                depends_on=[*self._node_policies, *self._before_nodes],
            ),
        )

    def add_addon(self, name: str, options: AddonOptions | None = None) -> Addon:
        """An EKS add-on (``aws-ebs-csi-driver``...), at the default version for the cluster's
        Kubernetes version unless ``options.version`` pins one.

        Creates ``<Name>Addon`` (and ``<Name>AddonVersion``, the version lookup). An add-on
        ``after_nodes`` waits for the default node group.
        """
        options = options or AddonOptions()
        waits = [self.default_node_group.resource] if options.after_nodes else []
        return self._create_addon(name, options, depends_on=waits)

    def _create_addon(
        self,
        name: str,
        options: AddonOptions,
        *,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> Addon:
        key = construct_key(name)
        version = options.version
        if version is None:
            # The default version for the Kubernetes version, so add-ons move with the cluster
            # (with addon_version unset they would stay at whatever version came first).
            version = DataAwsEksAddonVersion(
                self,
                f"{key}AddonVersion",
                addon_name=name,
                kubernetes_version=self.props.kubernetes_version,
            ).version
        merged = AddonOptions(
            version=version,
            after_nodes=options.after_nodes,
            service_account_role_arn=options.service_account_role_arn,
            pod_identity=options.pod_identity,
            depends_on=[*options.depends_on, *depends_on],
        )
        return Addon(
            self,
            f"{key}Addon",
            AddonProps(
                name=name,
                cluster_name=self.resource.name,
                version=version,
                options=merged,
                tags=self._tags,
            ),
        )

    def grant_access(
        self,
        principal_arn: str,
        policy: AccessPolicy,
        scope: AccessScope | None = None,
    ) -> AccessEntry:
        """Give an IAM role or user ``policy`` in ``scope`` (default: the whole cluster).

        One access entry per principal (EKS allows no more): a second grant to the same
        principal adds a policy to its entry, and granting the same policy again changes
        nothing. Creates ``<Key>AccessEntry-<principal>`` (on
        the first grant) and ``<Key>PolicyAssociation-<principal>``, where ``<Key>`` is the
        policy's (``Admin`` for cluster admin).
        """
        key = principal_key(principal_arn, len(self._access))
        entry = self._access.get(principal_arn)
        scope = scope or AccessScope.cluster()
        granted = entry.scopes.get(policy) if entry else None
        if entry is not None and granted is not None:
            # EKS associates a policy once per principal.
            assert granted == scope, f"{principal_arn} has {policy.policy_name} in another scope"
            return entry  # granted already (an admin that is also ArgoCD's identity, say)
        if entry is None:
            entry = AccessEntry(
                self,
                f"{policy.key}AccessEntry-{key}",
                cluster_name=self.resource.name,
                principal_arn=principal_arn,
                tags=self._tags,
            )
            self._access[principal_arn] = entry
        entry.scopes[policy] = scope
        entry.policies.append(
            EksAccessPolicyAssociation(
                self,
                f"{policy.key}PolicyAssociation-{key}",
                cluster_name=self.resource.name,
                principal_arn=entry.principal_arn,
                policy_arn=policy.arn(self.partition),
                access_scope=scope.block(),
            )
        )
        return entry

    def grant_cluster_admin(self, principal_arn: str) -> AccessEntry:
        """Cluster admin (``AmazonEKSClusterAdminPolicy``, cluster scope) for a principal."""
        return self.grant_access(principal_arn, AccessPolicy.CLUSTER_ADMIN)

    @property
    def permissions_boundary(self) -> str:
        """The lab's permissions boundary, carried by every role of the cluster."""
        return permissions_boundary_arn(self.partition, self.account_id)

    def add_pod_identity(
        self,
        id: str,
        *,
        namespace: str,
        service_account: str,
        managed_policies: Sequence[str] = (),
        inline_policy: Mapping[str, object] | None = None,
        associate: bool = True,
    ) -> PodIdentity:
        """An IAM role of its own for one Kubernetes service account, through EKS Pod Identity
        (the ``eks-pod-identity-agent`` add-on is part of every cluster).

        ``managed_policies`` are AWS managed policy names (``service-role/...`` included);
        ``inline_policy`` is a policy document of the role's own. ``associate=False`` leaves
        the association to an add-on (:class:`~lab.constructs.aws.eks.AddonOptions`
        ``pod_identity``). The role is named ``<cluster>-<service account>``.
        """
        return PodIdentity(
            self,
            id,
            PodIdentityProps(
                cluster_name=self.resource.name,
                namespace=namespace,
                service_account=service_account,
                role_name=f"{self.props.name}-{service_account}",
                permissions_boundary=self.permissions_boundary,
                description=(
                    f"Pod Identity role of {namespace}/{service_account} in {self.props.name}"
                ),
                managed_policy_arns=self.managed_policies(*managed_policies),
                inline_policy=(
                    json.dumps(inline_policy, sort_keys=True) if inline_policy else None
                ),
                associate=associate,
                tags=self._tags,
            ),
        )

    def add_ebs_csi_driver(self) -> Addon:
        """The EBS CSI driver add-on (after the nodes: its controller is a Deployment), with
        ``service-role/AmazonEBSCSIDriverPolicy`` on a Pod Identity role of its own, so
        PersistentVolumeClaims bind. Creates ``EbsCsiDriverIdentity`` and
        ``AwsEbsCsiDriverAddon``."""
        identity = self.add_pod_identity(
            "EbsCsiDriverIdentity",
            namespace=EBS_CSI_NAMESPACE,
            service_account=EBS_CSI_SERVICE_ACCOUNT,
            managed_policies=[EBS_CSI_POLICY],
            # The add-on makes the association for its own service account.
            associate=False,
        )
        return self.add_addon(
            EBS_CSI_ADDON,
            AddonOptions(
                after_nodes=True,
                pod_identity=PodIdentityAssociation(
                    service_account=EBS_CSI_SERVICE_ACCOUNT, role_arn=identity.role_arn
                ),
                depends_on=identity.policies,
            ),
        )

    def add_cluster_autoscaler_identity(self) -> PodIdentity:
        """The Pod Identity role of ``kube-system/cluster-autoscaler``, allowed to scale this
        cluster's node groups only (:mod:`~lab.constructs.aws.eks.autoscaler`). Creates
        ``ClusterAutoscalerIdentity``; the autoscaler itself is deployed in the cluster."""
        return self.add_pod_identity(
            "ClusterAutoscalerIdentity",
            namespace=CLUSTER_AUTOSCALER_NAMESPACE,
            service_account=CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
            inline_policy=autoscaler_policy(
                self.props.name,
                partition=self.partition,
                region=self.region,
                account_id=self.account_id,
            ),
        )

    def managed_policies(self, *names: str) -> dict[str, str]:
        """AWS managed policies by name, in this cluster's partition."""
        return managed_policies(self.partition, names)

    # --- parts ---------------------------------------------------------------------------

    def _secrets_key(
        self,
        *,
        cluster_role_arn: str,
        partition: DataAwsPartition,
        log_group_name: str,
    ) -> KmsKey:
        statements = [
            account_administers(partition.partition, self.account_id),
            {
                "Sid": "ClusterSecretsEncryption",
                "Effect": "Allow",
                "Principal": {"AWS": cluster_role_arn},
                "Action": list(CLUSTER_KEY_ACTIONS),
                "Resource": "*",
            },
            logs_may_encrypt(
                "ControlPlaneLogs",
                region=self.region,
                dns_suffix=partition.dns_suffix,
                group_arn=log_group_arn(
                    partition.partition, self.region, self.account_id, log_group_name
                ),
            ),
        ]
        key = KmsKey(
            self,
            "SecretsKey",
            description=f"EKS secrets and control-plane logs of {self.props.name}",
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
            name=f"alias/eks/{self.props.name}",
            target_key_id=key.key_id,
        )
        return key
