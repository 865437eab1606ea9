"""The clouds' own budgets (lab.yaml ``cost.monthly_budget_usd``): exactly what each
foundation asks AWS Budgets and Azure Cost Management for, and nothing without the setting."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from lab.constructs.budget_alerts import BUDGET_ALERTS, Spend
from lab.definition import MANAGEMENT_STACK_ID, load_definition
from lab.stack_labels import INFRACOST
from lab.synth import synthesize
from tests.helpers import FIXTURE_CONFIG, FIXTURE_EXPERIMENTS
from tests.stacks.conftest import SynthTree

FOUNDATIONS = ("aws-foundation", "azure-foundation")
BUDGET_TYPES = ("aws_budgets_budget", "aws_ce_cost_allocation_tag")
AZURE_BUDGET = "azurerm_consumption_budget_subscription"


def only(doc: dict[str, Any], resource_type: str) -> dict[str, Any]:
    [body] = doc["resource"][resource_type].values()
    return {key: value for key, value in body.items() if key != "//"}


def test_alerts_are_at_80_and_100_percent_actual_and_100_percent_forecast() -> None:
    assert [(a.spend, a.percent) for a in BUDGET_ALERTS] == [
        (Spend.ACTUAL, 80),
        (Spend.ACTUAL, 100),
        (Spend.FORECAST, 100),
    ]


def test_aws_budget_counts_the_lab_s_tag_and_mails_the_alerts(shipped_synth: SynthTree) -> None:
    doc = shipped_synth["aws-foundation"]
    [tag_address] = doc["resource"]["aws_ce_cost_allocation_tag"]
    assert only(doc, "aws_ce_cost_allocation_tag") == {"tag_key": "project", "status": "Active"}
    emails = ["lab-owner@illm-k8s-lab.org"]
    assert only(doc, "aws_budgets_budget") == {
        "name": "illm-k8s-lab-monthly",
        "budget_type": "COST",
        "time_unit": "MONTHLY",
        "limit_amount": "100",
        "limit_unit": "USD",
        # user-defined cost allocation tags carry the user: prefix in billing data
        "cost_filter": [{"name": "TagKeyValue", "values": ["user:project$illm-k8s-lab"]}],
        "notification": [
            {
                "comparison_operator": "GREATER_THAN",
                "notification_type": kind,
                "threshold": percent,
                "threshold_type": "PERCENTAGE",
                "subscriber_email_addresses": emails,
            }
            for kind, percent in (("ACTUAL", 80), ("ACTUAL", 100), ("FORECASTED", 100))
        ],
        # the filter matches nothing until the tag is active
        "depends_on": [f"aws_ce_cost_allocation_tag.{tag_address}"],
    }


def test_azure_budget_counts_the_lab_s_tag_on_the_subscription(shipped_synth: SynthTree) -> None:
    doc = shipped_synth["azure-foundation"]
    [subscription] = doc["data"]["azurerm_subscription"]
    emails = ["lab-owner@illm-k8s-lab.org"]
    assert only(doc, AZURE_BUDGET) == {
        "name": "illm-k8s-lab-monthly",
        "subscription_id": f"${{data.azurerm_subscription.{subscription}.id}}",
        "amount": 100,
        "time_grain": "Monthly",
        "time_period": {"start_date": "${formatdate(\"YYYY-MM-01'T'00:00:00'Z'\", timestamp())}"},
        "filter": {"tag": [{"name": "project", "operator": "In", "values": ["illm-k8s-lab"]}]},
        "notification": [
            {
                "operator": "GreaterThan",
                "threshold": percent,
                "threshold_type": kind,
                "contact_emails": emails,
                "enabled": True,
            }
            for kind, percent in (("Actual", 80), ("Actual", 100), ("Forecasted", 100))
        ],
        # start_date is set once, at creation: a later month would replace the budget
        "lifecycle": {"ignore_changes": ["time_period"]},
    }


def test_the_synthesized_budgets_hold_no_date(shipped_synth: SynthTree) -> None:
    """Synth stays the same every day: the start date is an apply-time expression."""
    for stack in FOUNDATIONS:
        text = json.dumps(shipped_synth[stack])
        assert "time_period_start" not in text
        assert not any(f"{year}-" in text for year in range(2024, 2040)), stack


Change = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="module")
def synth_with(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Change], SynthTree]:
    """The foundations and spacelift-root, synthesized from the fixture lab with ``change``."""

    def build(change: Change) -> SynthTree:
        root = tmp_path_factory.mktemp("cost")
        data = yaml.safe_load(FIXTURE_CONFIG.read_text())
        change(data)
        config = root / "lab.yaml"
        config.write_text(yaml.safe_dump(data))
        outdir = root / "cdktf.out"
        stacks = [*FOUNDATIONS, MANAGEMENT_STACK_ID]
        synthesize(load_definition(config, FIXTURE_EXPERIMENTS), outdir, only=stacks)
        return {s: json.loads((outdir / "stacks" / s / "cdk.tf.json").read_text()) for s in stacks}

    return build


def budget_types(tree: SynthTree) -> set[str]:
    return {
        resource_type
        for stack in FOUNDATIONS
        for resource_type in tree[stack].get("resource", {})
        if resource_type in (*BUDGET_TYPES, AZURE_BUDGET)
    }


def test_without_a_budget_no_budget_is_created(synth_with: Callable[[Change], SynthTree]) -> None:
    assert budget_types(synth_with(lambda d: d.pop("cost"))) == set()
    infracost_only = synth_with(lambda d: d.update(cost={"max_monthly_usd": 40}))
    assert budget_types(infracost_only) == set()
    assert "azurerm_subscription" not in infracost_only["azure-foundation"].get("data", {})


def test_budgets_alone_bring_no_infracost(
    shipped_synth: SynthTree, synth_with: Callable[[Change], SynthTree]
) -> None:
    root = shipped_synth[MANAGEMENT_STACK_ID]
    labels = [
        label
        for stack in root["resource"]["spacelift_stack"].values()
        for label in stack.get("labels", [])
    ]
    assert INFRACOST not in labels
    assert "spacelift_context" not in root["resource"] or not any(
        "nfracost" in json.dumps(c) for c in root["resource"]["spacelift_context"].values()
    )
    both = synth_with(
        lambda d: d["cost"].update(max_monthly_usd=40, alert_emails=["a@b.org", "c@d.org"])
    )
    assert budget_types(both) == {*BUDGET_TYPES, AZURE_BUDGET}
    [aws] = both["aws-foundation"]["resource"]["aws_budgets_budget"].values()
    assert {n["notification_type"] for n in aws["notification"]} == {"ACTUAL", "FORECASTED"}
    assert all(
        n["subscriber_email_addresses"] == ["a@b.org", "c@d.org"] for n in aws["notification"]
    )
    managed = both[MANAGEMENT_STACK_ID]["resource"]["spacelift_stack"].values()
    assert any(INFRACOST in stack.get("labels", []) for stack in managed)


def test_the_budget_tag_follows_lab_yaml(synth_with: Callable[[Change], SynthTree]) -> None:
    def team_tag(data: dict[str, Any]) -> None:
        data["tags"]["team"] = "platform lab"
        data["cost"]["budget_tag"] = "team"

    tree = synth_with(team_tag)
    [aws] = tree["aws-foundation"]["resource"]["aws_budgets_budget"].values()
    assert aws["cost_filter"] == [{"name": "TagKeyValue", "values": ["user:team$platform lab"]}]
    [tag] = tree["aws-foundation"]["resource"]["aws_ce_cost_allocation_tag"].values()
    assert tag["tag_key"] == "team"
    [azure] = tree["azure-foundation"]["resource"][AZURE_BUDGET].values()
    assert azure["filter"] == {
        "tag": [{"name": "team", "operator": "In", "values": ["platform lab"]}]
    }
