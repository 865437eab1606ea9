"""An ArgoCD cluster Secret: how ArgoCD finds one cluster and signs in to it, with no
credential in it.

The format is ArgoCD's declarative cluster setup (argoproj/argo-cd v3.5.1,
docs/operator-manual/declarative-setup.md, "Clusters"): a Secret labelled
``argocd.argoproj.io/secret-type: cluster`` whose ``config`` is the JSON of the
``ClusterConfig`` Go type (pkg/apis/application/v1alpha1/types.go). Both clouds use
``execProviderConfig``: ArgoCD runs ``argocd-k8s-auth`` (shipped in its image), which mints a
short-lived token from the identity ArgoCD's pods already have, so the Secret holds only the
cluster's address and CA certificate. Its labels and annotations become the cluster's, which
ApplicationSet cluster generators select on and template from (the GitOps Bridge pattern).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from cdktn import ITerraformDependable
from cdktn_provider_kubernetes.secret_v1 import SecretV1, SecretV1Metadata
from constructs import Construct

CLUSTER_SECRET_LABEL: Final = ("argocd.argoproj.io/secret-type", "cluster")
"""What makes ArgoCD read a Secret as a cluster."""
EXEC_API_VERSION: Final = "client.authentication.k8s.io/v1beta1"
"""The exec credential version ``argocd-k8s-auth`` writes (and ArgoCD's own examples use)."""
K8S_AUTH_COMMAND: Final = "argocd-k8s-auth"


@dataclass(frozen=True, kw_only=True)
class EksAuth:
    """Sign in to an EKS cluster as the IAM identity ArgoCD's pods run as (IRSA or Pod
    Identity on the hub); that identity needs an access entry on the cluster.

    ``argocd-k8s-auth aws`` is what ArgoCD's own ``awsAuthConfig`` expands to
    (``ClusterConfig.RawRestConfig``); written out, it can carry ``AWS_REGION``: since v3.4
    the command uses the AWS SDK v2, which fails without a region, and not every hub
    injects one.
    """

    cluster_name: str
    region: str

    def config(self) -> dict[str, object]:
        return {
            "execProviderConfig": {
                "apiVersion": EXEC_API_VERSION,
                "command": K8S_AUTH_COMMAND,
                "args": ["aws", "--cluster-name", self.cluster_name],
                "env": {"AWS_REGION": self.region},
            }
        }


@dataclass(frozen=True, kw_only=True)
class AzureWorkloadIdentityAuth:
    """Sign in to an AKS cluster (Entra ID, Azure RBAC) as an Entra identity, through
    workload identity: ``argocd-k8s-auth azure`` (kubelogin's ``workloadidentity`` login).

    The federated token file comes from the hub pod's environment
    (``AZURE_FEDERATED_TOKEN_FILE``, which the Azure workload identity webhook sets on an
    AKS hub and which a hub elsewhere sets itself): its path differs between webhook
    versions, so it is not written here.
    """

    client_id: str
    tenant_id: str

    def config(self) -> dict[str, object]:
        return {
            "execProviderConfig": {
                "apiVersion": EXEC_API_VERSION,
                "command": K8S_AUTH_COMMAND,
                "args": ["azure"],
                "env": {
                    "AAD_LOGIN_METHOD": "workloadidentity",
                    "AZURE_CLIENT_ID": self.client_id,
                    "AZURE_TENANT_ID": self.tenant_id,
                },
            }
        }


ClusterAuth = EksAuth | AzureWorkloadIdentityAuth


@dataclass(frozen=True, kw_only=True)
class ArgocdClusterProps:
    name: str
    """ArgoCD's name for the cluster, and the Secret's: a DNS label, unique in the hub."""
    server: str
    """The API server URL. May be a token."""
    ca_data: str
    """The cluster CA certificate, base64-encoded PEM, as both clouds return it. May be a
    token."""
    auth: ClusterAuth
    namespace: str = "argocd"
    """The hub namespace ArgoCD runs in. Default: argocd."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Kubernetes labels (what ApplicationSets select on). Default: none."""
    annotations: Mapping[str, str] = field(default_factory=dict)
    """Annotations (what ApplicationSets template from; ARNs and URLs fit here, not in
    labels). Values may be tokens. Default: none."""
    depends_on: Sequence[ITerraformDependable] = ()
    """What must exist before ArgoCD is told about the cluster (its access), and is
    destroyed only after the Secret. Default: nothing."""

    def __post_init__(self) -> None:
        # The name, namespace and labels come from validated lab.yaml and cluster.yaml values.
        assert CLUSTER_SECRET_LABEL[0] not in self.labels, "the construct sets the secret type"


class ArgocdCluster(Construct):
    """One cluster registered with ArgoCD. Its resource, the ``kubernetes_secret_v1``, is
    ``Default``.

    Terraform destroys the Secret before anything it references (the cluster, its access),
    so ArgoCD stops syncing to a cluster before the cluster goes.
    """

    def __init__(self, scope: Construct, id: str, props: ArgocdClusterProps) -> None:
        super().__init__(scope, id)
        # TLS verified against the cluster's own CA (insecure is not omitempty in the Go type).
        config = {
            **props.auth.config(),
            "tlsClientConfig": {"caData": props.ca_data, "insecure": False},
        }
        self.resource = SecretV1(
            self,
            "Default",
            metadata=SecretV1Metadata(
                name=props.name,
                namespace=props.namespace,
                labels={**props.labels, CLUSTER_SECRET_LABEL[0]: CLUSTER_SECRET_LABEL[1]},
                annotations=dict(props.annotations) or None,
            ),
            type="Opaque",
            # Plain text: the provider base64-encodes data. Tokens inside the JSON string
            # (the CA, the tenant) become Terraform references at synth.
            data={
                "name": props.name,
                "server": props.server,
                "config": json.dumps(config, sort_keys=True),
            },
            depends_on=list(props.depends_on) or None,
        )
        self.node.default_child = self.resource
        self.config: dict[str, object] = config
        """The ``config`` the Secret carries, as a dict (tokens unresolved)."""
