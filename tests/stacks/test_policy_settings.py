"""lab.yaml's limits reach the policies end to end: lab.yaml, the synthesized policy bodies
and stack labels of spacelift-root, and the real OPA engine.

Each test synthesizes the management stack from the fixture lab with one setting changed,
compiles every synthesized policy body alone (as Spacelift does), and evaluates it on an
input whose stack labels are the synthesized stack's own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from lab.definition import MANAGEMENT_STACK_ID, load_definition
from lab.policies import PolicyFile, load_policies
from lab.synth import synthesize
from tests.helpers import FIXTURE_CONFIG, FIXTURE_EXPERIMENTS, JsonDict
from tests.policies import POLICY_DIRECTORY
from tests.policies.decisions import decide
from tests.policies.engine import Engine
from tests.policies.inputs import (
    LabStack,
    approval_input,
    commit,
    eks_node_group,
    plan_input,
    resource_change,
    review,
    run,
    with_infracost,
)

EXPERIMENT = "exp-multi-cloud-demo-eks"
ALICE_COMMIT = commit("8d3f1c2a9b7e6d5c4b3a29181716151413121110", "alice", "Merge pull request #7")


class Deployed:
    """spacelift-root as synthesized: its policies (compiled alone) and its stacks."""

    def __init__(self, document: JsonDict) -> None:
        resources = document["resource"]
        self.stacks: Mapping[str, JsonDict] = resources["spacelift_stack"]
        self.policy_bodies = {
            name: policy["body"] for name, policy in resources["spacelift_policy"].items()
        }
        self.contexts: Mapping[str, JsonDict] = resources["spacelift_context"]
        self.variables: Mapping[str, JsonDict] = resources.get("spacelift_environment_variable", {})
        files = {policy.name: policy for policy in load_policies(POLICY_DIRECTORY)}
        self._policies: Mapping[str, PolicyFile] = files
        self._engines = {
            name: Engine({f"{name}.rego": body}) for name, body in self.policy_bodies.items()
        }

    def stack(self, slug: str, *, autodeploy: bool = True) -> LabStack:
        """The stack as policy inputs describe it: the synthesized labels."""
        return LabStack(slug, tuple(self.stacks[slug]["labels"]), autodeploy=autodeploy)

    def decide(self, policy: str, document: JsonDict) -> dict[str, Any]:
        return decide(self._engines[policy], self._policies[policy], document)


@pytest.fixture(scope="module")
def deploy(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Deployed]:
    """Synthesize spacelift-root with lab.yaml changed by ``change``."""

    def build(change: Callable[[dict[str, Any]], None] = lambda _: None) -> Deployed:
        root = tmp_path_factory.mktemp("lab")
        data = yaml.safe_load(FIXTURE_CONFIG.read_text())
        change(data)
        config = root / "lab.yaml"
        config.write_text(yaml.safe_dump(data))
        outdir = root / "cdktf.out"
        synthesize(load_definition(config, FIXTURE_EXPERIMENTS), outdir, only=[MANAGEMENT_STACK_ID])
        path = outdir / "stacks" / MANAGEMENT_STACK_ID / "cdk.tf.json"
        return Deployed(json.loads(Path(path).read_text()))

    return build


def node_group_plan(deployed: Deployed, max_size: int) -> JsonDict:
    stack = deployed.stack(EXPERIMENT)
    planned = run(stack, run_id="01JH0A", run_type="TRACKED", state="PLANNING", commit=ALICE_COMMIT)
    change = resource_change(
        "aws_eks_node_group.loadgen_NodeGroup_1FE8202F",
        ["create"],
        after=eks_node_group(max_size=max_size),
    )
    return plan_input(stack, planned, [change], plan_key="opentofu")


def test_the_node_cap_of_lab_yaml_is_the_plan_policy_s(deploy: Callable[..., Deployed]) -> None:
    capped = deploy(lambda d: d["limits"].update(max_nodes_per_cluster=4))
    assert "max-nodes-per-cluster:4" in capped.stacks[EXPERIMENT]["labels"]
    # The policy uploaded is the file as it is: the number travels in the label.
    assert capped.policy_bodies["plan"] == (POLICY_DIRECTORY / "plan.rego").read_text()

    assert capped.decide("plan", node_group_plan(capped, 4))["deny"] == []
    [denial] = capped.decide("plan", node_group_plan(capped, 5))["deny"]
    assert "can grow to 5 nodes" in denial
    assert "cost cap of 4" in denial

    default = deploy()
    assert "max-nodes-per-cluster:10" in default.stacks[EXPERIMENT]["labels"]
    assert default.decide("plan", node_group_plan(default, 5))["deny"] == []


def own_run_approved_by_its_author(deployed: Deployed) -> JsonDict:
    """A tracked run of a foundation planned from alice's merge, approved by alice."""
    stack = deployed.stack("aws-foundation", autodeploy=False)
    planned = run(
        stack, run_id="01JH0B", run_type="TRACKED", state="UNCONFIRMED", commit=ALICE_COMMIT
    )
    return approval_input(stack, planned, approvals=[review("alice", "Alice", state="UNCONFIRMED")])


def test_self_approval_of_lab_yaml_reaches_the_approval_policy(
    deploy: Callable[..., Deployed],
) -> None:
    solo = deploy(lambda d: d["spacelift"].update(self_approval=True))
    assert solo.policy_bodies["approval"].endswith("\nself_approval := true\n")
    assert solo.decide("approval", own_run_approved_by_its_author(solo))["approve"] is True

    team = deploy()
    assert team.policy_bodies["approval"] == (POLICY_DIRECTORY / "approval.rego").read_text()
    assert team.decide("approval", own_run_approved_by_its_author(team))["approve"] is False


def costed_plan(deployed: Deployed, monthly: str) -> JsonDict:
    document = node_group_plan(deployed, 2)
    return with_infracost(
        document, {"totalMonthlyCost": monthly, "pastTotalMonthlyCost": monthly, "projects": []}
    )


def test_the_budget_of_lab_yaml_reaches_the_plan_policy(deploy: Callable[..., Deployed]) -> None:
    costed = deploy(lambda d: d.update(cost={"max_monthly_usd": 300, "warn_increase_percent": 10}))
    labels = costed.stacks[EXPERIMENT]["labels"]
    assert {"infracost", "max-monthly-usd:300", "warn-increase-percent:10"} <= set(labels)
    foundation = costed.stacks["aws-foundation"]["labels"]
    assert {"infracost", "warn-increase-percent:10"} <= set(foundation)
    assert not any(label.startswith("max-monthly-usd:") for label in foundation)

    assert costed.decide("plan", costed_plan(costed, "299.99"))["deny"] == []
    [denial] = costed.decide("plan", costed_plan(costed, "350.00"))["deny"]
    assert "$350.00" in denial and "$300.00" in denial

    # The context that turns the integration on, with the failure mode; no key in the JSON.
    assert costed.contexts["infracost"]["labels"] == ["autoattach:infracost"]
    warn = costed.variables["infracost--INFRACOST_WARN_ON_FAILURE"]
    assert (warn["name"], warn["value"], warn["write_only"]) == (
        "INFRACOST_WARN_ON_FAILURE",
        "true",
        False,
    )
    assert not any(v["name"] == "INFRACOST_API_KEY" for v in costed.variables.values())


def test_without_a_cost_section_nothing_of_it_exists(deploy: Callable[..., Deployed]) -> None:
    plain = deploy()
    every_label = {label for stack in plain.stacks.values() for label in stack["labels"]}
    assert "infracost" not in every_label
    assert not any(label.startswith(("max-monthly-usd:", "warn-increase")) for label in every_label)
    assert "infracost" not in plain.contexts
    assert plain.decide("plan", costed_plan(plain, "99999.00"))["deny"] == []
