"""EKS: the cluster and what it is composed of, one concept per module.

* :mod:`.cluster`: :class:`EksCluster` and its props: the control plane, its key, logs and
  roles, and the composition methods (``add_node_group``, ``add_addon``, ``grant_access``,
  ``add_pod_identity``).
* :mod:`.node_group`: managed node groups and their hardened launch templates.
* :mod:`.addon`: EKS add-ons.
* :mod:`.access`: access entries and access policies.
* :mod:`.identity`: EKS Pod Identity roles.
* :mod:`.ebs_csi`: the EBS CSI driver's add-on and identity.
* :mod:`.autoscaler`: the Cluster Autoscaler's identity and policy.
"""

from lab.constructs.aws.eks.access import AccessEntry, AccessPolicy, AccessScope
from lab.constructs.aws.eks.addon import (
    DEFAULT_ADDONS,
    Addon,
    AddonOptions,
    PodIdentityAssociation,
)
from lab.constructs.aws.eks.autoscaler import (
    CLUSTER_AUTOSCALER_NAMESPACE,
    CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
)
from lab.constructs.aws.eks.cluster import (
    CONTROL_PLANE_LOG_TYPES,
    ControlPlaneLogType,
    EksCluster,
    EksClusterProps,
)
from lab.constructs.aws.eks.ebs_csi import EBS_CSI_ADDON, EBS_CSI_SERVICE_ACCOUNT
from lab.constructs.aws.eks.identity import PodIdentity
from lab.constructs.aws.eks.node_group import (
    ROOT_VOLUME_SIZE_GIB,
    AmiType,
    CapacityType,
    NodeGroup,
    NodeLaunchTemplate,
    ami_type_for,
)

__all__ = [
    "CLUSTER_AUTOSCALER_NAMESPACE",
    "CLUSTER_AUTOSCALER_SERVICE_ACCOUNT",
    "CONTROL_PLANE_LOG_TYPES",
    "DEFAULT_ADDONS",
    "EBS_CSI_ADDON",
    "EBS_CSI_SERVICE_ACCOUNT",
    "ROOT_VOLUME_SIZE_GIB",
    "AccessEntry",
    "AccessPolicy",
    "AccessScope",
    "Addon",
    "AddonOptions",
    "AmiType",
    "CapacityType",
    "ControlPlaneLogType",
    "EksCluster",
    "EksClusterProps",
    "NodeGroup",
    "NodeLaunchTemplate",
    "PodIdentity",
    "PodIdentityAssociation",
    "ami_type_for",
]
