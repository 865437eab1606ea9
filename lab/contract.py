"""The hand-off from foundation stacks to experiment stacks, defined once.

Values cross stacks only through Spacelift: each foundation exports the outputs below,
the management stack turns every value an experiment consumes into a
``spacelift_stack_dependency_reference`` (output ``name`` -> input ``TF_VAR_<name>``),
and the experiment stack declares a ``TerraformVariable`` of the same name. An output
name is therefore a public contract: renaming one is a change to three sides at once,
and ``tests/stacks/test_spacelift_root.py`` checks they agree.

Environment variables carry strings, so lists travel JSON-encoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from lab.clouds.unit import Cloud, CloudUnit


@dataclass(frozen=True)
class FoundationValue:
    """One foundation output, and the experiment variable that receives it."""

    name: str
    """Output name in the foundation stack = variable name in the experiment stack."""
    description: str
    json_list: bool = False
    """The value is a list encoded as a JSON string (decode with ``jsondecode``)."""


# Each cloud's own values are in its package (``lab/clouds/<cloud>/values.py``); the egress is
# every cloud's, and what the clouds of one experiment pass each other.
EGRESS_CIDRS: Final = FoundationValue(
    "egress_cidrs",
    "JSON list of the CIDRs the cloud's clusters reach the internet from (AWS: one /32 per "
    "NAT gateway; Azure: the NAT gateway's public IP prefix).",
    json_list=True,
)

# Each cloud says which of these its foundation exports and its experiments consume
# (``lab/clouds/<cloud>``). AKS takes its own foundation's egress because its nodes leave through
# the NAT gateway and reach the API server at its public address: AKS adds only a Standard load
# balancer's outbound IPs to ``authorized_ip_ranges`` by itself, so without them node pools fail to
# join (MicrosoftDocs/azure-aks-docs@239ab41, articles/aks/api-server-authorized-ip-ranges.md:
# "add ... the cluster egress IP address (firewall, NAT gateway ...)"). EKS needs none: its private
# endpoint is on, so nodes reach the API inside the VPC whatever ``nat_mode`` is
# (awsdocs/amazon-eks-user-guide@7b9bf3d, latest/ug/clusters/cluster-endpoint.adoc).


def peer_egress_variable(peer: Cloud) -> str:
    """The variable that receives the ``peer`` cloud's ``egress_cidrs`` (``aws_egress_cidrs``)."""
    return f"{peer.value}_{EGRESS_CIDRS.name}"


@dataclass(frozen=True)
class StackInput:
    """A value an experiment stack receives: an upstream stack's output, as a variable."""

    upstream: str
    """The stack whose output it is."""
    value: FoundationValue
    variable: str
    """The receiving variable (the output's name, except for the other cloud's values)."""

    @property
    def input_name(self) -> str:
        """The environment variable Spacelift sets in the receiving stack's runs."""
        return f"TF_VAR_{self.variable}"


def experiment_upstreams(unit: CloudUnit, peers: tuple[CloudUnit, ...]) -> tuple[str, ...]:
    """The stacks the experiment stack on ``unit``'s cloud runs after: its foundation, and the
    foundation of each peer (for its egress addresses)."""
    return (unit.foundation_stack_id, *(peer.foundation_stack_id for peer in peers))


def experiment_inputs(unit: CloudUnit, peers: tuple[CloudUnit, ...]) -> tuple[StackInput, ...]:
    """What the experiment stack on ``unit``'s cloud receives: its foundation's values and,
    for each peer (another cloud of the experiment with fixed egress), the peer's egress
    addresses (so services on one cloud can admit the other's clients), keyed by the peer."""
    own = unit.foundation_stack_id
    inputs = [StackInput(own, value, value.name) for value in unit.experiment_inputs]
    if peers:
        inputs += [StackInput(own, value, value.name) for value in unit.peer_inputs]
    inputs += [
        StackInput(peer.foundation_stack_id, EGRESS_CIDRS, peer_egress_variable(peer.id))
        for peer in peers
    ]
    return tuple(inputs)


def foundation_stack_id(cloud: Cloud) -> str:
    """``azure-foundation`` or ``aws-foundation``."""
    return f"{cloud.value}-foundation"
