"""EKS managed node groups: a hardened launch template and the group that uses it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from cdktn import ITerraformDependable, TerraformResourceLifecycle, Token
from cdktn_provider_aws.eks_node_group import (
    EksNodeGroup,
    EksNodeGroupLaunchTemplate,
    EksNodeGroupScalingConfig,
    EksNodeGroupTaint,
    EksNodeGroupUpdateConfig,
)
from cdktn_provider_aws.launch_template import (
    LaunchTemplate,
    LaunchTemplateBlockDeviceMappings,
    LaunchTemplateBlockDeviceMappingsEbs,
    LaunchTemplateMetadataOptions,
    LaunchTemplateTagSpecifications,
)
from constructs import Construct

from lab.constructs.tokens import unresolved
from lab.rules import (
    Taint,
    check_aws_instance_type,
    check_node_labels,
    check_node_pool_name,
    check_node_taints,
    node_bound_violations,
)


class AmiType(StrEnum):
    """The EKS-optimized AMI of a managed node group (its ``ami_type``)."""

    AL2023_X86_64_STANDARD = "AL2023_x86_64_STANDARD"
    """Amazon Linux 2023 for x86_64 instance types (Intel, AMD)."""

    AL2023_ARM_64_STANDARD = "AL2023_ARM_64_STANDARD"
    """Amazon Linux 2023 for arm64 instance types (AWS Graviton: t4g, m7g, c6gn...)."""


class CapacityType(StrEnum):
    """How the group's instances are bought (``capacity_type``)."""

    ON_DEMAND = "ON_DEMAND"
    """Regular instances: they stay until the group scales them in."""
    SPOT = "SPOT"
    """Spare capacity at a discount; AWS can reclaim an instance at two minutes' notice."""


DEFAULT_ROOT_VOLUME_SIZE_GIB: Final = 50
"""Node root volume size: the AL2023 image takes 20 GiB, the rest holds container images."""
MIN_ROOT_VOLUME_SIZE_GIB: Final = 20
# The AL2023 AMIs boot from /dev/xvda: a mapping for this device replaces the image's root volume.
ROOT_DEVICE_NAME: Final = "/dev/xvda"
TAGGED_RESOURCE_TYPES: Final = ("instance", "volume", "network-interface")
"""What a node group launches from the template; provider ``default_tags`` do not reach them,
so the template tags each (``tag_specifications``)."""

# Graviton families have a "g" right after the generation digit (t4g, m7gd, c6gn, im4gn, is4gen);
# a1 is the first Graviton generation.
_GRAVITON_FAMILY = re.compile(r"a1|[a-z]+\d+g")


def ami_type_for(instance_type: str) -> AmiType:
    """The AL2023 AMI that boots ``instance_type``: arm64 for Graviton families, else x86_64."""
    family = instance_type.split(".", 1)[0]
    if _GRAVITON_FAMILY.match(family):
        return AmiType.AL2023_ARM_64_STANDARD
    return AmiType.AL2023_X86_64_STANDARD


@dataclass(frozen=True, kw_only=True)
class NodeGroupOptions:
    """What a node group is: its machines, size and scheduling. :meth:`EksCluster.add_node_group`
    takes these; the cluster adds the rest."""

    name: str
    """The node group's name in EKS: lowercase letters and digits, at most 12 (the lab's rule
    on both clouds). Required."""
    instance_type: str
    """EC2 instance type of the nodes, e.g. ``"m5.xlarge"``. Required."""
    node_count: int
    """Nodes at creation; a fixed group keeps it. Required."""
    min_nodes: int | None = None
    """Autoscaling lower bound. Default: ``node_count``."""
    max_nodes: int | None = None
    """Autoscaling upper bound. Default: ``node_count``."""
    min_size_floor: int = 0
    """The least ``min_nodes`` may be. Default: 0 (an extra group may scale to zero); the
    cluster's default group uses 1, because it runs coredns."""
    capacity_type: CapacityType = CapacityType.ON_DEMAND
    """Default: ``CapacityType.ON_DEMAND``."""
    ami_type: AmiType | None = None
    """AMI of the nodes. Default: derived from ``instance_type`` (Graviton families get
    ``AL2023_ARM_64_STANDARD``). Required when ``instance_type`` is a token. GPU and
    Inferentia families would need accelerated AMIs, which are not offered."""
    root_volume_size_gib: int = DEFAULT_ROOT_VOLUME_SIZE_GIB
    """Size of each node's encrypted gp3 root volume, at least 20. Default: 50."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Kubernetes labels on every node. Default: none."""
    taints: Sequence[Taint] = ()
    """Kubernetes taints on every node. Default: none."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """AWS tags of the group, its template, and the instances, volumes and network interfaces
    it launches. Default: none."""

    def __post_init__(self) -> None:
        check_node_pool_name(self.name, field="name")
        self._validate_instance_type()
        violations = node_bound_violations(
            self.node_count, self.min_nodes, self.max_nodes, floor=self.min_size_floor
        )
        if violations:
            raise violations[0]
        if self.root_volume_size_gib < MIN_ROOT_VOLUME_SIZE_GIB:
            raise ValueError(
                f"root_volume_size_gib: {self.root_volume_size_gib} is smaller than the AL2023 "
                f"image; use at least {MIN_ROOT_VOLUME_SIZE_GIB}"
            )
        check_node_labels(dict(self.labels), cloud="aws", field="labels")
        check_node_taints(self.taints, cloud="aws", field="taints")

    def _validate_instance_type(self) -> None:
        if unresolved(self.instance_type):
            if self.ami_type is None:
                raise ValueError(
                    "ami_type: must be set when instance_type is a token, because the node "
                    "architecture can't be derived from it at synth time"
                )
            return
        check_aws_instance_type(self.instance_type, field="instance_type")
        derived = ami_type_for(self.instance_type)
        if self.ami_type is not None and self.ami_type is not derived:
            raise ValueError(
                f"ami_type: {self.ami_type.value} can't boot {self.instance_type}, which needs "
                f"{derived.value}; leave ami_type unset to derive it from instance_type"
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
        return self.ami_type if self.ami_type is not None else ami_type_for(self.instance_type)


@dataclass(frozen=True, kw_only=True)
class NodeLaunchTemplateProps:
    name: str
    """The template's name (unique in the region). Required."""
    description: str
    root_volume_size_gib: int = DEFAULT_ROOT_VOLUME_SIZE_GIB
    instance_tags: Mapping[str, str] = field(default_factory=dict)
    """Tags of the instances, volumes and network interfaces launched from it."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags of the template itself."""


class NodeLaunchTemplate(Construct):
    """The launch template of a node group: IMDSv2 only with a hop limit of 1, an encrypted gp3
    root volume, no SSH key, and tags on everything it launches."""

    def __init__(self, scope: Construct, id: str, props: NodeLaunchTemplateProps) -> None:
        super().__init__(scope, id)
        self.resource = LaunchTemplate(
            self,
            "Default",
            name=props.name,
            description=props.description,
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
                LaunchTemplateTagSpecifications(
                    resource_type=resource_type, tags=dict(props.instance_tags)
                )
                for resource_type in TAGGED_RESOURCE_TYPES
            ],
            tags=dict(props.tags),
        )
        self.id: str = self.resource.id
        self.latest_version: str = Token.as_string(self.resource.latest_version)


@dataclass(frozen=True, kw_only=True)
class NodeGroupProps:
    """Inputs of :class:`NodeGroup`: the options, and what the cluster provides."""

    options: NodeGroupOptions
    cluster_name: str
    """The cluster, as a reference (the group waits for it)."""
    kubernetes_version: str
    """The nodes' Kubernetes version: the cluster's, so nodes follow the control plane."""
    node_role_arn: str
    subnet_ids: Sequence[str]
    """Private subnets; may be a token list."""
    launch_template: NodeLaunchTemplate
    depends_on: Sequence[ITerraformDependable] = ()
    """What must exist before nodes join: the node role's policies, the CNI add-ons."""


class NodeGroup(Construct):
    """An EKS managed node group. Its resource is ``Default`` (``node.default_child``)."""

    def __init__(self, scope: Construct, id: str, props: NodeGroupProps) -> None:
        super().__init__(scope, id)
        options = props.options
        self.options = options
        self.launch_template = props.launch_template
        self.resource = EksNodeGroup(
            self,
            "Default",
            cluster_name=props.cluster_name,
            node_group_name=options.name,
            version=props.kubernetes_version,
            node_role_arn=props.node_role_arn,
            subnet_ids=list(props.subnet_ids),
            ami_type=options.resolved_ami_type.value,
            capacity_type=options.capacity_type.value,
            instance_types=[options.instance_type],
            launch_template=EksNodeGroupLaunchTemplate(
                id=props.launch_template.id, version=props.launch_template.latest_version
            ),
            scaling_config=EksNodeGroupScalingConfig(
                desired_size=options.node_count,
                min_size=options.min_size,
                max_size=options.max_size,
            ),
            update_config=EksNodeGroupUpdateConfig(max_unavailable=1),
            labels=dict(options.labels) or None,
            taint=[
                EksNodeGroupTaint(key=t.key, value=t.value or None, effect=t.effect.eks)
                for t in options.taints
            ]
            or None,
            # Once an autoscaler (installed in the cluster) owns the node count, Terraform must
            # not scale the group back to node_count on every apply.
            lifecycle=(
                TerraformResourceLifecycle(ignore_changes=["scaling_config[0].desired_size"])
                if options.autoscaling
                else None
            ),
            tags=dict(options.tags),
            depends_on=list(props.depends_on),
        )
        self.node_group_name: str = self.resource.node_group_name
        self.arn: str = self.resource.arn
