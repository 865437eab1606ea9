"""The EKS half of an experiment stack: one EKS cluster (with its KMS key, logs, roles, node
groups, EBS CSI driver and the autoscaler's identity) per ``cluster.yaml`` with ``provider:
aws``, in the foundation's private subnets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cdktn import TerraformOutput
from cdktn_provider_aws.provider import AwsProvider, AwsProviderDefaultTags

from lab import handoff
from lab.clouds.aws.values import PRIVATE_SUBNET_IDS
from lab.constructs.aws.eks import Addon, EksCluster, EksClusterProps, PodIdentity
from lab.definition import LabDefinition
from lab.experiments import ClusterSpec
from lab.rules import construct_key
from lab.stacks.base import api_allowlist

if TYPE_CHECKING:
    from lab.stacks.argocd_hub import HubRegistration
    from lab.stacks.experiment import ExperimentStack


class EksClusters:
    """Adds EKS clusters to an experiment stack (:class:`lab.stacks.experiment.ClusterBuilder`)."""

    def __init__(self, stack: ExperimentStack, lab: LabDefinition) -> None:
        self.stack = stack
        self.lab = lab
        self.aws = lab.config.aws
        AwsProvider(
            stack,
            "aws",
            region=self.aws.region,
            default_tags=[AwsProviderDefaultTags(tags=stack.tags)],
        )

    def add_cluster(self, cluster: ClusterSpec, hub: HubRegistration | None) -> EksCluster:
        eks = self.aws.eks
        built = EksCluster(
            self.stack,
            cluster.name,
            EksClusterProps(
                name=cluster.full_name,
                kubernetes_version=eks.kubernetes_version,
                subnet_ids=self.stack.inputs[PRIVATE_SUBNET_IDS.name],
                default_pool=cluster.default_pool,
                admin_principal_arns=eks.admin_principal_arns,
                # The hub signs in to the public endpoint; a private-only endpoint stays
                # private (the hub must then reach it through the VPC: docs/argocd.md).
                # Nodes and add-ons need no entry: they use the private endpoint.
                public_access_cidrs=(
                    api_allowlist(eks.public_access_cidrs, self.lab.config)
                    if eks.public_access_cidrs
                    else ()
                ),
                # Every tag again: default_tags do not reach what the nodes launch.
                tags={**self.stack.tags, "cluster": cluster.name},
            ),
        )
        storage = built.add_ebs_csi_driver()
        autoscaler = built.add_cluster_autoscaler_identity()
        for pool in cluster.node_pools:
            built.add_node_group(construct_key(pool.name), pool)
        if hub is not None:
            self._register(hub, cluster, built, storage=storage, autoscaler=autoscaler)
        TerraformOutput(
            self.stack,
            f"{cluster.name}_cluster_autoscaler_role_arn",
            value=autoscaler.role_arn,
            description=(
                f"{cluster.name}: IAM role of kube-system/cluster-autoscaler (Pod Identity)."
            ),
            sensitive=False,
        )
        return built

    def _register(
        self,
        hub: HubRegistration,
        cluster: ClusterSpec,
        built: EksCluster,
        *,
        storage: Addon,
        autoscaler: PodIdentity,
    ) -> None:
        """Cluster admin for ``argocd.aws_role_arn`` (an access entry), and a Secret whose
        annotations carry the region and the autoscaler's and EBS CSI driver's roles.

        Cluster admin because ArgoCD installs cluster-wide objects: the autoscaler's
        ClusterRole, StorageClasses, the experiments' namespaces.
        """
        # Loads the kubernetes provider: only a lab with ArgoCD pays for it.
        from lab.constructs.argocd import EksAuth

        region = self.aws.region
        ebs_csi_role = storage.role_arn
        assert ebs_csi_role is not None, "the EBS CSI add-on runs with its pod identity role"
        access = built.grant_cluster_admin(hub.required(hub.settings.aws_role_arn))
        hub.register(
            cluster,
            version=self.aws.eks.kubernetes_version,
            server=built.endpoint,
            ca_data=built.certificate_authority_data,
            auth=EksAuth(cluster_name=cluster.full_name, region=region),
            labels={handoff.ENABLE_CLUSTER_AUTOSCALER: "true"},
            annotations={
                handoff.AWS_REGION: region,
                handoff.AWS_CLUSTER_NAME: cluster.full_name,
                handoff.CLUSTER_AUTOSCALER_ROLE_ARN: autoscaler.role_arn,
                handoff.CLUSTER_AUTOSCALER_NAMESPACE: autoscaler.namespace,
                handoff.CLUSTER_AUTOSCALER_SERVICE_ACCOUNT: autoscaler.service_account,
                handoff.EBS_CSI_DRIVER_ROLE_ARN: ebs_csi_role,
            },
            depends_on=[access.resource, *access.policies],
        )
