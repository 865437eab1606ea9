"""What the AWS foundation exports for other stacks (lab/contract.py says how values travel)."""

from __future__ import annotations

from typing import Final

from lab.contract import FoundationValue

VPC_ID: Final = FoundationValue("vpc_id", "Id of the lab's VPC.")
PRIVATE_SUBNET_IDS: Final = FoundationValue(
    "private_subnet_ids",
    "JSON list of the private subnet ids (one per AZ) that EKS nodes join.",
    json_list=True,
)
PUBLIC_SUBNET_IDS: Final = FoundationValue(
    "public_subnet_ids",
    "JSON list of the public subnet ids (one per AZ), for internet-facing load balancers.",
    json_list=True,
)
