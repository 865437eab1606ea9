"""What every stack of the lab shares."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cdktn import Fn, TerraformOutput, TerraformStack, TerraformVariable, Token
from constructs import Construct

from lab.clouds import cloud_unit
from lab.config import LabConfig
from lab.constructs.budget_alerts import LabBudgetProps
from lab.contract import FoundationValue, peer_egress_variable
from lab.definition import StackDefinition


class LabStack(TerraformStack):
    """A CDKTF stack as Spacelift runs it. Its construct id is its Spacelift slug.

    Spacelift manages state and injects its own backend into every run; a backend in
    the code would make initialization fail. CDKTF adds a local backend (with an
    absolute path of the synthesizing machine) to any stack without one, so it is
    removed here, which also keeps the output identical from any checkout.
    """

    def __init__(self, scope: Construct, definition: StackDefinition) -> None:
        super().__init__(scope, definition.id)
        self.definition = definition
        self.add_override("terraform.backend", None)
        # CDKTF's metadata would still say "backend: local" to a reviewer of the JSON.
        self.add_override("//.metadata.backend", None)


def budget_props(config: LabConfig) -> LabBudgetProps | None:
    """Each foundation's budget, from ``lab.yaml`` ``cost``: none without monthly_budget_usd."""
    cost = config.cost
    if cost is None or cost.monthly_budget_usd is None:
        return None
    return LabBudgetProps(
        name=f"{config.name}-monthly",
        monthly_limit=cost.monthly_budget_usd,
        alert_emails=cost.alert_emails,
        tag_key=cost.budget_tag,
        tag_value=config.tags[cost.budget_tag],
    )


def export_value(stack: TerraformStack, value: FoundationValue, expression: Any) -> TerraformOutput:
    """Publish a contract value as a non-sensitive stack output (lists JSON-encoded)."""
    return TerraformOutput(
        stack,
        value.name,
        value=Fn.jsonencode(expression) if value.json_list else expression,
        description=value.description,
        sensitive=False,
    )


def import_inputs(stack: LabStack) -> dict[str, Any]:
    """Declare a variable for each value Spacelift passes the stack; return them by name.

    Spacelift sets ``TF_VAR_<name>`` from the upstream stack's last applied output; until
    that stack has applied once, the run fails fast with the missing input named. Declaring
    exactly ``definition.inputs`` keeps the stack and the management stack's references in
    step (``tests/stacks/test_spacelift_root.py`` checks both sides).
    """
    values: dict[str, Any] = {}
    for received in stack.definition.inputs:
        value = received.value
        variable = TerraformVariable(
            stack,
            received.variable,
            type="string",
            nullable=False,
            description=f"{value.description} Set by Spacelift from {received.upstream}'s output.",
        )
        values[received.variable] = (
            Token.as_list(Fn.jsondecode(variable.string_value))
            if value.json_list
            else variable.string_value
        )
    return values


def export_cluster(
    stack: TerraformStack, cluster: str, *, name: str, api_endpoint: str, oidc_issuer_url: str
) -> None:
    """The outputs ArgoCD and people need to reach one cluster: no credentials among them.

    Named ``<cluster>_cluster_name``, ``<cluster>_api_endpoint`` and
    ``<cluster>_oidc_issuer_url`` (the cluster folder name, e.g. ``target``).
    """
    for suffix, value, description in (
        ("cluster_name", name, "Name of the cluster in its cloud."),
        ("api_endpoint", api_endpoint, "URL of the Kubernetes API server."),
        ("oidc_issuer_url", oidc_issuer_url, "OIDC issuer of the cluster's service accounts."),
    ):
        TerraformOutput(
            stack,
            f"{cluster}_{suffix}",
            value=value,
            description=f"{cluster}: {description}",
            sensitive=False,
        )


def export_peer_egress(stack: LabStack, inputs: dict[str, Any]) -> None:
    """For each peer cloud of the experiment, its egress as ``<service>_egress_cidrs`` (e.g.
    ``aks_egress_cidrs``): the sources to list in a Service's ``loadBalancerSourceRanges`` to
    admit the experiment's clusters on that cloud."""
    for peer in map(cloud_unit, stack.definition.peers):
        TerraformOutput(
            stack,
            f"{peer.service}_egress_cidrs",
            value=inputs[peer_egress_variable(peer.id)],
            description=(
                f"CIDRs the experiment's {peer.service_name} clusters reach the internet from: "
                "list them in a Service's loadBalancerSourceRanges to admit them."
            ),
            sensitive=False,
        )


def api_allowlist(ranges: Sequence[str], config: LabConfig) -> tuple[str, ...]:
    """The CIDRs a public Kubernetes API admits: ``lab.yaml``'s ranges and then the ArgoCD hub's
    egress (``argocd.hub_egress_cidrs``), each once."""
    return tuple(dict.fromkeys([*ranges, *config.hub_egress_cidrs]))
