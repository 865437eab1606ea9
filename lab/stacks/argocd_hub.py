"""Registering an experiment stack's clusters with the lab's ArgoCD hub.

Imported only when ``lab.yaml`` has an ``argocd:`` section: importing it loads the
kubernetes provider (about 1.5 s), which a lab without ArgoCD never pays for. It imports
neither cloud's constructs at run time (only for type checking): the aws stacks synthesize
in a process that never loads azurerm, and the other way round.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from cdktn import ITerraformDependable
from cdktn_provider_kubernetes.provider import KubernetesProvider

from lab import handoff
from lab.config import ArgocdSettings
from lab.constructs.argocd import (
    ArgocdCluster,
    ArgocdClusterProps,
    AzureWorkloadIdentityAuth,
    ClusterAuth,
    EksAuth,
)
from lab.definition import LabDefinition
from lab.experiments import ClusterSpec
from lab.handoff import cluster_annotations, cluster_labels
from lab.stacks.base import LabStack

if TYPE_CHECKING:
    from lab.constructs.aws.eks import Addon, EksCluster, PodIdentity
    from lab.constructs.azure.aks import AksCluster


class HubRegistration:
    """The hub's kubernetes provider and one cluster Secret per registered cluster.

    The provider has no arguments: it reads ``KUBE_HOST``, ``KUBE_CLUSTER_CA_CERT_DATA``
    and ``KUBE_TOKEN`` from the ``argocd-hub`` context that ``spacelift-root`` attaches to
    every experiment stack (docs/argocd.md), so no hub credential is in code or JSON.
    """

    def __init__(self, stack: LabStack, lab: LabDefinition, settings: ArgocdSettings) -> None:
        self._stack = stack
        self._lab = lab
        self.settings = settings
        self._tenant: str | None = None
        KubernetesProvider(stack, "kubernetes")

    def _tenant_id(self) -> str:
        """The tenant the stack's own Azure credentials belong to: the clusters' tenant."""
        if self._tenant is None:
            from cdktn_provider_azurerm.data_azurerm_client_config import (
                DataAzurermClientConfig,
            )

            self._tenant = DataAzurermClientConfig(self._stack, "ClientConfig").tenant_id
        return self._tenant

    @staticmethod
    def _required(value: str | None) -> str:
        # The lab definition refuses a missing identity for a cloud that has clusters.
        assert value is not None, "argocd: an identity the lab definition requires is missing"
        return value

    def register_eks(
        self,
        cluster: ClusterSpec,
        built: EksCluster,
        *,
        storage: Addon,
        autoscaler: PodIdentity,
        region: str,
        version: str,
    ) -> ArgocdCluster:
        """An EKS cluster: cluster admin for ``aws_role_arn`` (an access entry), and a Secret
        whose annotations carry the region and the autoscaler's and EBS CSI driver's roles.

        Cluster admin because ArgoCD installs cluster-wide objects: the autoscaler's
        ClusterRole, StorageClasses, the experiments' namespaces.
        """
        access = built.grant_cluster_admin(self._required(self.settings.aws_role_arn))
        return self.register(
            cluster,
            version=version,
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
                handoff.EBS_CSI_DRIVER_ROLE_ARN: self._required(storage.role_arn),
            },
            depends_on=[access.resource, *access.policies],
        )

    def register_aks(
        self,
        cluster: ClusterSpec,
        built: AksCluster,
        *,
        location: str,
        resource_group_name: str,
        version: str,
    ) -> ArgocdCluster:
        """An AKS cluster: the Azure Kubernetes Service RBAC Cluster Admin role for
        ``azure_principal_id`` on the cluster (for the same reason as on EKS), and a Secret
        that signs in as ``azure_client_id`` through workload identity."""
        from lab.constructs.azure.aks import AksRole, PrincipalType

        access = built.grant_access(
            self._required(self.settings.azure_principal_id),
            AksRole.CLUSTER_ADMIN,
            principal_type=PrincipalType.SERVICE_PRINCIPAL,
        )
        return self.register(
            cluster,
            version=version,
            server=built.endpoint,
            ca_data=built.ca_certificate,
            auth=AzureWorkloadIdentityAuth(
                client_id=self._required(self.settings.azure_client_id),
                tenant_id=self._tenant_id(),
            ),
            annotations={
                handoff.AZURE_LOCATION: location,
                handoff.AZURE_RESOURCE_GROUP: resource_group_name,
            },
            depends_on=[access.resource],
        )

    def register(
        self,
        cluster: ClusterSpec,
        *,
        version: str,
        server: str,
        ca_data: str,
        auth: ClusterAuth,
        annotations: Mapping[str, str],
        labels: Mapping[str, str] | None = None,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> ArgocdCluster:
        """The cluster's Secret in the hub (``ArgocdCluster-<cluster>``), after its access."""
        config = self._lab.config
        return ArgocdCluster(
            self._stack,
            f"ArgocdCluster-{cluster.name}",
            ArgocdClusterProps(
                name=cluster.full_name,
                server=server,
                ca_data=ca_data,
                auth=auth,
                namespace=self.settings.namespace,
                labels={**cluster_labels(config, cluster, version=version), **(labels or {})},
                annotations=cluster_annotations(config, cluster, annotations),
                depends_on=depends_on,
            ),
        )
