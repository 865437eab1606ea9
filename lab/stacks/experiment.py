"""``exp-<experiment>-<service>``: one experiment's clusters on one cloud.

The stack is the same on every cloud. It declares the values Spacelift passes in, adds each
cluster of the experiment with the cloud's :class:`ClusterBuilder`, exports what ArgoCD and
people need to reach each one (no credentials), registers them with the ArgoCD hub when
``lab.yaml`` has ``argocd:``, and passes each peer cloud's egress on. What differs per cloud
(the provider, resources the clusters share, the cluster construct, admitting the peers'
traffic) is the builder in ``lab/clouds/<cloud>/clusters.py``. Destroying the stack removes
every cluster of the experiment on that cloud.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from constructs import Construct

from lab.clouds import cloud_unit
from lab.clouds.unit import load
from lab.definition import LabDefinition, StackDefinition
from lab.experiments import ClusterSpec
from lab.stacks.base import LabStack, export_cluster, export_peer_egress, import_inputs

if TYPE_CHECKING:
    from lab.stacks.argocd_hub import HubRegistration


class BuiltCluster(Protocol):
    """What the stack exports of a cluster, whatever its cloud."""

    cluster_name: str
    endpoint: str
    oidc_issuer_url: str


class ClusterBuilder(Protocol):
    """A cloud's half of the experiment stack. Constructed once per stack (its provider and
    the resources every cluster of the stack shares), then asked for each cluster."""

    def __init__(self, stack: ExperimentStack, lab: LabDefinition) -> None: ...

    def add_cluster(self, cluster: ClusterSpec, hub: HubRegistration | None) -> BuiltCluster:
        """The cluster with its pools and identities, registered with ``hub`` if there is one."""
        ...


class ExperimentStack(LabStack):
    """One experiment's clusters on the stack definition's cloud."""

    def __init__(self, scope: Construct, definition: StackDefinition, lab: LabDefinition) -> None:
        super().__init__(scope, definition)
        assert definition.cloud is not None, "an experiment stack has a cloud"
        self.inputs: Mapping[str, Any] = import_inputs(self)
        """The values Spacelift passes in, by variable name."""
        self.tags: dict[str, str] = {**lab.config.tags, "experiment": str(definition.experiment)}
        """The lab's tags and the experiment's: every taggable resource of the stack gets them."""
        builder: ClusterBuilder = load(cloud_unit(definition.cloud).experiment_clusters)(self, lab)
        hub: HubRegistration | None = None
        if lab.config.argocd is not None:
            # Loads the kubernetes provider: only a lab with ArgoCD pays for it.
            from lab.stacks.argocd_hub import HubRegistration

            hub = HubRegistration(self, lab, lab.config.argocd)
        self.clusters: dict[str, BuiltCluster] = {}
        for cluster in definition.clusters:
            self.clusters[cluster.name] = built = builder.add_cluster(cluster, hub)
            export_cluster(
                self,
                cluster.name,
                name=built.cluster_name,
                api_endpoint=built.endpoint,
                oidc_issuer_url=built.oidc_issuer_url,
            )
        export_peer_egress(self, self.inputs)
