"""Types of the VPC construct that need no cdktf, so that validating ``lab.yaml`` can share
them without loading a provider."""

from __future__ import annotations

from enum import StrEnum


class NatMode(StrEnum):
    """How the private subnets reach the internet."""

    NONE = "none"
    """No NAT gateway: the private subnets have no route to the internet at all. EKS nodes there
    can only pull images and join the cluster through VPC endpoints (ecr.api, ecr.dkr, s3, sts,
    ec2, logs, eks-auth), which this construct does not create."""

    SINGLE = "single"
    """One NAT gateway in the first public subnet, shared by every private subnet. A cost choice:
    one gateway and one Elastic IP instead of one per AZ, but a single point of failure, and the
    other AZs pay cross-AZ data transfer to reach it."""

    ONE_PER_AZ = "one_per_az"
    """One NAT gateway per AZ, and one private route table per AZ that uses the gateway in its
    own AZ, so losing an AZ only cuts that AZ off. The production setting."""
