"""EKS add-ons: the cluster's own components, installed and upgraded through the EKS API."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from cdktn import ITerraformDependable
from cdktn_provider_aws.eks_addon import EksAddon, EksAddonPodIdentityAssociation
from constructs import Construct

DEFAULT_ADDONS: Final = ("vpc-cni", "kube-proxy", "coredns", "eks-pod-identity-agent")
"""The EKS add-ons of every cluster, each at the default version for its Kubernetes version."""


@dataclass(frozen=True, kw_only=True)
class PodIdentityAssociation:
    """The service account of an add-on and the role it gets through EKS Pod Identity."""

    service_account: str
    role_arn: str


@dataclass(frozen=True, kw_only=True)
class AddonOptions:
    """How :meth:`EksCluster.add_addon` installs an add-on."""

    version: str | None = None
    """The add-on version. Default: the default version for the cluster's Kubernetes version,
    looked up at plan time, so the add-on moves with the cluster."""
    after_nodes: bool = False
    """Default: false. True for add-ons that run as Deployments (coredns, the EBS CSI
    controller): they become ACTIVE only once nodes can run their pods, so they are created
    after the default node group. DaemonSets are ACTIVE with zero nodes."""
    service_account_role_arn: str | None = None
    """An IRSA role for the add-on's service account. Default: none."""
    pod_identity: PodIdentityAssociation | None = None
    """A Pod Identity role for the add-on's service account. Default: none."""
    depends_on: Sequence[ITerraformDependable] = ()
    """What must exist first (its role's policies...). Default: nothing."""


@dataclass(frozen=True, kw_only=True)
class AddonProps:
    name: str
    """The add-on, as EKS names it (``vpc-cni``)."""
    cluster_name: str
    version: str
    options: AddonOptions
    tags: Mapping[str, str]


class Addon(Construct):
    """An EKS add-on that Terraform owns. Its resource is ``Default``."""

    def __init__(self, scope: Construct, id: str, props: AddonProps) -> None:
        super().__init__(scope, id)
        options = props.options
        identity = options.pod_identity
        self.resource = EksAddon(
            self,
            "Default",
            cluster_name=props.cluster_name,
            addon_name=props.name,
            addon_version=props.version,
            service_account_role_arn=options.service_account_role_arn,
            pod_identity_association=(
                [
                    EksAddonPodIdentityAssociation(
                        service_account=identity.service_account, role_arn=identity.role_arn
                    )
                ]
                if identity
                else None
            ),
            # Terraform is the source of truth for add-on settings: take over whatever is there on
            # create, and revert edits made behind its back on update.
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            tags=dict(props.tags),
            depends_on=list(options.depends_on) or None,
        )
        self.name = props.name
        self.arn: str = self.resource.arn
        self.role_arn: str | None = (
            identity.role_arn if identity else options.service_account_role_arn
        )
        """The IAM role of the add-on's service account, if it has one."""
