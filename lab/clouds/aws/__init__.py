"""AWS: EKS clusters in the foundation's VPC."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from lab.clouds.aws.values import PRIVATE_SUBNET_IDS, PUBLIC_SUBNET_IDS, VPC_ID
from lab.clouds.unit import ArgocdIdentity, Cloud, CloudUnit, CredentialContext
from lab.constructs.aws.vpc_types import NatMode
from lab.contract import EGRESS_CIDRS
from lab.rules.catalogue import check_aws_instance_type
from lab.rules.kubernetes import EKS_SUPPORT
from lab.rules.names import EKS_DEFAULT_GROUP

if TYPE_CHECKING:
    from lab.config import LabConfig


def _has_egress(config: LabConfig) -> bool:
    # Without NAT the private subnets have no route out, hence no addresses to admit.
    return config.aws.nat_mode is not NatMode.NONE


AWS: Final = CloudUnit(
    id=Cloud.AWS,
    title="AWS",
    service="eks",
    machine_types={"small": "t3.large", "medium": "m5.xlarge", "large": "m5.2xlarge"},
    check_machine_type=check_aws_instance_type,
    default_pool_name=EKS_DEFAULT_GROUP,
    reserved_pool_names=(EKS_DEFAULT_GROUP,),
    support=EKS_SUPPORT,
    settings="aws.eks",
    argocd_identity=ArgocdIdentity(
        key="aws_role_arn",
        what="the IAM role ArgoCD runs as, which gets an EKS access entry",
    ),
    foundation_description=(
        "AWS networking for EKS: VPC, subnets, NAT, flow logs. Applied by hand."
    ),
    foundation_outputs=(VPC_ID, PRIVATE_SUBNET_IDS, PUBLIC_SUBNET_IDS, EGRESS_CIDRS),
    # EKS nodes reach the API server through its private endpoint, which is always on, so
    # the experiment needs no egress of its own (lab/contract.py).
    experiment_inputs=(PRIVATE_SUBNET_IDS,),
    has_egress=_has_egress,
    credentials=CredentialContext(
        name="aws-credentials",
        hand_added_secrets="AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY",
        environment=lambda config: {"AWS_REGION": (config.aws.region, "Region of the lab")},
    ),
    spacelift="lab.clouds.aws.spacelift",
    foundation_stack="lab.clouds.aws.foundation:AwsFoundationStack",
    experiment_clusters="lab.clouds.aws.clusters:EksClusters",
    # The aws stacks cost the most jsii calls, EKS's above all (docs/performance.md).
    heavy_provider="cdktn_provider_aws._jsii",
)
