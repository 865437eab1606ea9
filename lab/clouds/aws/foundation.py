"""``aws-foundation``: the lab's AWS network, which every EKS experiment joins."""

from __future__ import annotations

from cdktn_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from constructs import Construct

from lab.clouds.aws.values import PRIVATE_SUBNET_IDS, PUBLIC_SUBNET_IDS, VPC_ID
from lab.constructs.aws.budget import AwsLabBudget
from lab.constructs.aws.network import AwsNetwork, AwsNetworkProps
from lab.contract import EGRESS_CIDRS
from lab.definition import LabDefinition, StackDefinition
from lab.stacks.base import LabStack, budget_props, export_value


class AwsFoundationStack(LabStack):
    """VPC, subnets, NAT and flow logs, and the lab's AWS budget (``cost.monthly_budget_usd``);
    exports the ids experiments consume.

    Applied by hand (no autodeploy) and protected from deletion: every EKS experiment
    runs inside this network.
    """

    def __init__(self, scope: Construct, definition: StackDefinition, lab: LabDefinition) -> None:
        super().__init__(scope, definition)
        aws = lab.config.aws
        # No credentials here: Spacelift's AWS integration (or the aws-credentials
        # context) provides them to each run.
        AwsProvider(
            self,
            "aws",
            region=aws.region,
            default_tags=[AwsProviderDefaultTags(tags=dict(lab.config.tags))],
        )
        self.network = AwsNetwork(
            self,
            "Network",
            AwsNetworkProps(
                name=lab.config.name,
                cidr=aws.vpc_cidr,
                az_count=aws.az_count,
                nat_mode=aws.nat_mode,
                # The experiment write role may tag any key experiment=<name> and then manage
                # it; the foundation's keys deny it outright (docs/bootstrap.md, "Tagging in").
                key_denied_role_arns=(
                    (integration.experiment_role_arn,)
                    if (integration := lab.config.spacelift.aws_integration) is not None
                    else ()
                ),
            ),
        )
        if (budget := budget_props(lab.config)) is not None:
            # The lab's AWS spend, whatever made it (NAT data, load balancers, logs).
            self.budget = AwsLabBudget(self, "Budget", budget)
        export_value(self, VPC_ID, self.network.vpc_id)
        export_value(self, PRIVATE_SUBNET_IDS, self.network.private_subnet_ids)
        export_value(self, PUBLIC_SUBNET_IDS, self.network.public_subnet_ids)
        export_value(self, EGRESS_CIDRS, self.network.egress_cidrs)
