"""The lab's Azure consumption budget: what its tagged resources cost this month, with alerts."""

from __future__ import annotations

from typing import Final

from cdktn import TerraformResourceLifecycle
from cdktn_provider_azurerm.consumption_budget_subscription import (
    ConsumptionBudgetSubscription,
    ConsumptionBudgetSubscriptionFilter,
    ConsumptionBudgetSubscriptionFilterTag,
    ConsumptionBudgetSubscriptionNotification,
    ConsumptionBudgetSubscriptionTimePeriod,
)
from cdktn_provider_azurerm.data_azurerm_subscription import DataAzurermSubscription
from constructs import Construct

from lab.constructs.budget_alerts import BUDGET_ALERTS, LabBudgetProps, Spend

THRESHOLD_TYPES: Final = {Spend.ACTUAL: "Actual", Spend.FORECAST: "Forecasted"}
"""azurerm ``notification.threshold_type`` values (terraform-provider-azurerm v4.55.0,
internal/services/consumption/consumption_budget_base.go: Actual, Forecasted)."""

START_OF_THIS_MONTH: Final = "formatdate(\"YYYY-MM-01'T'00:00:00'Z'\", timestamp())"
"""The first day of the month the budget is created in, in RFC 3339.

Azure wants a start on the first of a month, not more than twelve months ahead, and in the
past only within the current period (v4.55.0 validate/time_period.go and the resource's
docs), so no fixed date stays valid for every lab. ``timestamp()`` is evaluated at apply
time: the synthesized JSON holds the expression, not a date, and stays the same every day.
``start_date`` forces a new budget when it changes, so ``time_period`` is in
``ignore_changes``: the date is set once, at creation."""


class AzureLabBudget(Construct):
    """A monthly consumption budget on the subscription, counting only the resources tagged
    ``tag_key=tag_value`` (the foundation's and every experiment's resource groups, and what
    AKS tags in its node resource groups), with e-mail alerts.

    A subscription budget with a tag filter rather than one budget per resource group: the
    experiments' groups come and go with each pull request, while the tag is on all of them.
    """

    def __init__(self, scope: Construct, id_: str, props: LabBudgetProps) -> None:
        super().__init__(scope, id_)
        subscription = DataAzurermSubscription(self, "Subscription")
        self.budget = ConsumptionBudgetSubscription(
            self,
            "Budget",
            name=props.name,
            subscription_id=subscription.id,
            amount=props.monthly_limit,
            time_grain="Monthly",
            time_period=ConsumptionBudgetSubscriptionTimePeriod(
                start_date=f"${{{START_OF_THIS_MONTH}}}"
            ),
            filter=ConsumptionBudgetSubscriptionFilter(
                tag=[
                    ConsumptionBudgetSubscriptionFilterTag(
                        name=props.tag_key, operator="In", values=[props.tag_value]
                    )
                ]
            ),
            notification=[
                ConsumptionBudgetSubscriptionNotification(
                    operator="GreaterThan",
                    threshold=alert.percent,
                    threshold_type=THRESHOLD_TYPES[alert.spend],
                    contact_emails=list(props.alert_emails),
                    enabled=True,
                )
                for alert in BUDGET_ALERTS
            ],
            lifecycle=TerraformResourceLifecycle(ignore_changes=["time_period"]),
        )
