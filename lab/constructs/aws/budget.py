"""The lab's AWS Budgets budget: what its tagged resources cost this month, with e-mail alerts."""

from __future__ import annotations

from typing import Final

from cdktn_provider_aws.budgets_budget import (
    BudgetsBudget,
    BudgetsBudgetCostFilter,
    BudgetsBudgetNotification,
)
from cdktn_provider_aws.ce_cost_allocation_tag import CeCostAllocationTag
from constructs import Construct

from lab.constructs.budget_alerts import BUDGET_ALERTS, LabBudgetProps, Spend

NOTIFICATION_TYPES: Final = {Spend.ACTUAL: "ACTUAL", Spend.FORECAST: "FORECASTED"}
"""Budgets API NotificationType values (aws_budgets_budget ``notification_type``)."""


def tag_key_value(key: str, value: str) -> str:
    """A Budgets ``TagKeyValue`` cost filter value for a tag the user created.

    User-defined cost allocation tags carry the ``user:`` prefix in billing data, so the
    filter is ``user:<key>$<value>``; without the prefix the budget matches nothing and
    reports $0 (hashicorp/terraform-provider-aws issues #39850 and #40987, docs fixed in
    pull request #41085; AWS Cost Management User Guide, budgets-create-filters)."""
    return f"user:{key}${value}"


class AwsLabBudget(Construct):
    """A monthly COST budget in US dollars over the resources tagged ``tag_key=tag_value``,
    and the activation of that tag as a cost allocation tag.

    Budgets filter on cost allocation tags only, and a user's tag becomes one only once it is
    activated in Billing (``aws_ce_cost_allocation_tag``): without it the filter matches
    nothing. AWS can activate a key only after it has appeared in billing data (up to 24
    hours after the first tagged resource), and only in the paying (management) account.
    """

    def __init__(self, scope: Construct, id_: str, props: LabBudgetProps) -> None:
        super().__init__(scope, id_)
        self.cost_allocation_tag = CeCostAllocationTag(
            self, "CostAllocationTag", tag_key=props.tag_key, status="Active"
        )
        self.budget = BudgetsBudget(
            self,
            "Budget",
            name=props.name,
            budget_type="COST",
            time_unit="MONTHLY",
            # A string in the API; the provider compares amounts as numbers, so "100" and
            # the "100.0" AWS returns do not diff (suppressEquivalentBudgetLimitAmount).
            limit_amount=f"{props.monthly_limit:g}",
            limit_unit="USD",
            # time_period_start is left to AWS (Optional+Computed: the current period), so
            # the synthesized JSON holds no date.
            cost_filter=[
                BudgetsBudgetCostFilter(
                    name="TagKeyValue", values=[tag_key_value(props.tag_key, props.tag_value)]
                )
            ],
            notification=[
                BudgetsBudgetNotification(
                    comparison_operator="GREATER_THAN",
                    notification_type=NOTIFICATION_TYPES[alert.spend],
                    threshold=alert.percent,
                    threshold_type="PERCENTAGE",
                    subscriber_email_addresses=list(props.alert_emails),
                )
                for alert in BUDGET_ALERTS
            ],
            depends_on=[self.cost_allocation_tag],
        )
