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

from lab.experiments import NodePoolSpec


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


ROOT_VOLUME_SIZE_GIB: Final = 50
"""Node root volume size: the AL2023 image takes 20 GiB, the rest holds container images
(about 4 USD a month per node)."""
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
class NodeLaunchTemplateProps:
    name: str
    """The template's name (unique in the region). Required."""
    description: str
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
                        volume_size=ROOT_VOLUME_SIZE_GIB,
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
    """Inputs of :class:`NodeGroup`: the pool, and what the cluster provides."""

    pool: NodePoolSpec
    cluster_name: str
    """The cluster, as a reference (the group waits for it)."""
    kubernetes_version: str
    """The nodes' Kubernetes version: the cluster's, so nodes follow the control plane."""
    node_role_arn: str
    subnet_ids: Sequence[str]
    """Private subnets; may be a token list."""
    launch_template: NodeLaunchTemplate
    tags: Mapping[str, str] = field(default_factory=dict)
    """AWS tags of the group. Default: none."""
    depends_on: Sequence[ITerraformDependable] = ()
    """What must exist before nodes join: the node role's policies, the CNI add-ons."""


class NodeGroup(Construct):
    """An EKS managed node group. Its resource is ``Default`` (``node.default_child``)."""

    def __init__(self, scope: Construct, id: str, props: NodeGroupProps) -> None:
        super().__init__(scope, id)
        pool = props.pool
        self.pool = pool
        self.launch_template = props.launch_template
        self.resource = EksNodeGroup(
            self,
            "Default",
            cluster_name=props.cluster_name,
            node_group_name=pool.name,
            version=props.kubernetes_version,
            node_role_arn=props.node_role_arn,
            subnet_ids=list(props.subnet_ids),
            ami_type=ami_type_for(pool.machine_type).value,
            capacity_type=(CapacityType.SPOT if pool.spot else CapacityType.ON_DEMAND).value,
            instance_types=[pool.machine_type],
            launch_template=EksNodeGroupLaunchTemplate(
                id=props.launch_template.id, version=props.launch_template.latest_version
            ),
            scaling_config=EksNodeGroupScalingConfig(
                desired_size=pool.node_count,
                min_size=pool.min_nodes,
                max_size=pool.max_nodes,
            ),
            update_config=EksNodeGroupUpdateConfig(max_unavailable=1),
            labels=dict(pool.labels) or None,
            taint=[
                EksNodeGroupTaint(key=t.key, value=t.value or None, effect=t.effect.eks)
                for t in pool.taints
            ]
            or None,
            # Once an autoscaler (installed in the cluster) owns the node count, Terraform must
            # not scale the group back to node_count on every apply.
            lifecycle=(
                TerraformResourceLifecycle(ignore_changes=["scaling_config[0].desired_size"])
                if pool.autoscaling
                else None
            ),
            tags=dict(props.tags),
            depends_on=list(props.depends_on),
        )
        self.node_group_name: str = self.resource.node_group_name
        self.arn: str = self.resource.arn
