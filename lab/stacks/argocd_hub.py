"""Registering an experiment stack's clusters with the lab's ArgoCD hub.

Imported only when ``lab.yaml`` has an ``argocd:`` section: importing it loads the
kubernetes provider (about 1.5 s), which a lab without ArgoCD never pays for. What a cluster's
Secret carries on each cloud (its access, its sign-in, its annotations) is the cloud's
(``lab/clouds/<cloud>/clusters.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdktn import ITerraformDependable
from cdktn_provider_kubernetes.provider import KubernetesProvider

from lab.config import ArgocdSettings
from lab.constructs.argocd import (
    ArgocdCluster,
    ArgocdClusterProps,
    ClusterAuth,
)
from lab.definition import LabDefinition
from lab.experiments import ClusterSpec
from lab.handoff import cluster_annotations, cluster_labels
from lab.stacks.base import LabStack


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
        KubernetesProvider(stack, "kubernetes")

    @staticmethod
    def required(value: str | None) -> str:
        """An identity of ``argocd:`` that the lab definition guarantees for the cloud."""
        assert value is not None, "argocd: an identity the lab definition requires is missing"
        return value

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
