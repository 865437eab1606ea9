"""The identity the Kubernetes Cluster Autoscaler runs as; ArgoCD deploys the autoscaler.

Managed node groups scale only when something changes their Auto Scaling groups' desired
capacity: without the autoscaler, ``min_nodes``/``max_nodes`` are bounds that nothing moves
between. The policy follows the upstream "full features" policy
(kubernetes/autoscaler, cluster-autoscaler/cloudprovider/aws/README.md) and limits the two
write actions to this cluster's groups by the tag EKS puts on them, as terraform-aws-iam does
(modules/iam-role-for-service-accounts/policies.tf, ``cluster_autoscaler``).
"""

from __future__ import annotations

from typing import Final

CLUSTER_AUTOSCALER_NAMESPACE: Final = "kube-system"
CLUSTER_AUTOSCALER_SERVICE_ACCOUNT: Final = "cluster-autoscaler"
"""The chart's default name is ``<release>-aws-cluster-autoscaler``: the deployment must set
``rbac.serviceAccount.name`` to this."""

DESCRIBE_ACTIONS: Final = (
    "autoscaling:DescribeAutoScalingGroups",
    "autoscaling:DescribeAutoScalingInstances",
    "autoscaling:DescribeLaunchConfigurations",
    "autoscaling:DescribeScalingActivities",
    "autoscaling:DescribeTags",
    "ec2:DescribeImages",
    "ec2:DescribeInstanceTypes",
    "ec2:DescribeLaunchTemplateVersions",
    "ec2:GetInstanceTypesFromInstanceRequirements",
    "eks:DescribeNodegroup",
)
"""Reads, which IAM cannot scope to resources: on ``*``."""
SCALE_ACTIONS: Final = (
    "autoscaling:SetDesiredCapacity",
    "autoscaling:TerminateInstanceInAutoScalingGroup",
)


def ownership_tag(cluster_name: str) -> str:
    """The tag key EKS sets to ``owned`` on the Auto Scaling groups of a cluster's managed
    node groups."""
    return f"kubernetes.io/cluster/{cluster_name}"


def autoscaler_policy(
    cluster_name: str, *, partition: str, region: str, account_id: str
) -> dict[str, object]:
    """Describe everything; scale and terminate only in ``cluster_name``'s node groups (Auto
    Scaling groups of this account and region that carry its ownership tag)."""
    groups = f"arn:{partition}:autoscaling:{region}:{account_id}:autoScalingGroup:*"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DescribeNodeGroups",
                "Effect": "Allow",
                "Action": list(DESCRIBE_ACTIONS),
                "Resource": "*",
            },
            {
                "Sid": "ScaleThisClustersNodeGroups",
                "Effect": "Allow",
                "Action": list(SCALE_ACTIONS),
                "Resource": groups,
                "Condition": {
                    "StringEquals": {
                        f"autoscaling:ResourceTag/{ownership_tag(cluster_name)}": "owned"
                    }
                },
            },
        ],
    }
