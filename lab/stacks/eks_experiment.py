"""``exp-<experiment>-eks``: one experiment's EKS clusters, in the foundation's private subnets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from cdktn import TerraformOutput
from cdktn_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from constructs import Construct

from lab.constructs.aws.eks import EksCluster, EksClusterProps
from lab.contract import PEER_EGRESS_VARIABLE, PRIVATE_SUBNET_IDS
from lab.definition import LabDefinition, StackDefinition
from lab.rules import construct_key
from lab.stacks.base import LabStack, export_cluster, import_inputs

if TYPE_CHECKING:
    from lab.stacks.argocd_hub import HubRegistration

AKS_EGRESS_OUTPUT: Final = "aks_egress_cidrs"
"""The output naming the AKS clusters' egress, for ``loadBalancerSourceRanges``."""


class EksExperimentStack(LabStack):
    """One EKS cluster (with its KMS key, logs, roles, node groups, EBS CSI driver and the
    autoscaler's identity) per ``cluster.yaml`` with ``provider: aws``. Destroying the stack
    removes them all.

    In an experiment that also has AKS clusters, the stack passes the Azure foundation's
    egress on as ``aks_egress_cidrs``: the sources to list in a Service's
    ``loadBalancerSourceRanges`` for clients on AKS.
    """

    def __init__(self, scope: Construct, definition: StackDefinition, lab: LabDefinition) -> None:
        super().__init__(scope, definition)
        aws = lab.config.aws
        tags = {**lab.config.tags, "experiment": str(definition.experiment)}
        AwsProvider(
            self, "aws", region=aws.region, default_tags=[AwsProviderDefaultTags(tags=tags)]
        )
        inputs = import_inputs(self)
        subnet_ids = inputs[PRIVATE_SUBNET_IDS.name]
        hub: HubRegistration | None = None
        if lab.config.argocd is not None:
            # Loads the kubernetes provider: only a lab with ArgoCD pays for it.
            from lab.stacks.argocd_hub import HubRegistration

            hub = HubRegistration(self, lab, lab.config.argocd)
        self.clusters: dict[str, EksCluster] = {}
        for cluster in definition.clusters:
            self.clusters[cluster.name] = built = EksCluster(
                self,
                cluster.name,
                EksClusterProps(
                    name=cluster.full_name,
                    kubernetes_version=aws.eks.kubernetes_version,
                    subnet_ids=subnet_ids,
                    default_pool=cluster.default_pool,
                    admin_principal_arns=aws.eks.admin_principal_arns,
                    # The hub signs in to the public endpoint; a private-only endpoint stays
                    # private (the hub must then reach it through the VPC: docs/argocd.md).
                    # Nodes and add-ons need no entry: they use the private endpoint.
                    public_access_cidrs=(
                        tuple(
                            dict.fromkeys(
                                [*aws.eks.public_access_cidrs, *lab.config.hub_egress_cidrs]
                            )
                        )
                        if aws.eks.public_access_cidrs
                        else ()
                    ),
                    # Every tag again: default_tags do not reach what the nodes launch.
                    tags={**tags, "cluster": cluster.name},
                ),
            )
            storage = built.add_ebs_csi_driver()
            autoscaler = built.add_cluster_autoscaler_identity()
            for pool in cluster.node_pools:
                built.add_node_group(construct_key(pool.name), pool)
            export_cluster(
                self,
                cluster.name,
                name=built.cluster_name,
                api_endpoint=built.endpoint,
                oidc_issuer_url=built.oidc_issuer_url,
            )
            if hub is not None:
                hub.register_eks(
                    cluster,
                    built,
                    storage=storage,
                    autoscaler=autoscaler,
                    region=aws.region,
                    version=aws.eks.kubernetes_version,
                )
            TerraformOutput(
                self,
                f"{cluster.name}_cluster_autoscaler_role_arn",
                value=autoscaler.role_arn,
                description=(
                    f"{cluster.name}: IAM role of kube-system/cluster-autoscaler (Pod Identity)."
                ),
                sensitive=False,
            )
        if PEER_EGRESS_VARIABLE in inputs:
            TerraformOutput(
                self,
                AKS_EGRESS_OUTPUT,
                value=inputs[PEER_EGRESS_VARIABLE],
                description=(
                    "CIDRs the experiment's AKS clusters reach the internet from: list them in "
                    "a Service's loadBalancerSourceRanges to admit them."
                ),
                sensitive=False,
            )
