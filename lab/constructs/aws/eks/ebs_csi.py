"""The Amazon EBS CSI driver: PersistentVolumeClaims become encrypted EBS volumes.

Installed as the ``aws-ebs-csi-driver`` EKS add-on. Its controller (Deployment) calls the EC2
API as ``kube-system/ebs-csi-controller-sa``, which gets a role of its own through EKS Pod
Identity, the method the driver's install guide recommends (kubernetes-sigs/aws-ebs-csi-driver,
docs/install.md; supported since add-on v1.26.0-eksbuild.1, EKS User Guide "Amazon EBS CSI
driver" IAM page). The nodes' role gets no EC2 volume permissions.
"""

from __future__ import annotations

from typing import Final

EBS_CSI_ADDON: Final = "aws-ebs-csi-driver"
EBS_CSI_NAMESPACE: Final = "kube-system"
EBS_CSI_SERVICE_ACCOUNT: Final = "ebs-csi-controller-sa"
"""The controller's service account, as the add-on creates it."""
EBS_CSI_POLICY: Final = "service-role/AmazonEBSCSIDriverPolicy"
"""AWS's managed policy for the driver: volume and snapshot calls, creation limited to
volumes the driver tags. Volumes use the account's default EBS key (``aws/ebs``) unless a
StorageClass names a KMS key, whose key policy must then let this role use it."""
