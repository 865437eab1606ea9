"""What the lab needs to know about one cloud, in one object.

The generic layers (the definition, the contract, the app, the management stack, synthesis)
iterate over :data:`lab.clouds.CLOUDS` and ask each :class:`CloudUnit`; none of them branches on
a cloud's name. Adding a cloud is adding a package beside ``lab/clouds/aws`` (docs/contributing.md,
"A cloud"). Nothing here imports cdktf: the stack builders are named as ``module:attribute``
and imported only when a stack of theirs is built.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from lab.contract import foundation_stack_id

if TYPE_CHECKING:
    from lab.config import LabConfig
    from lab.contract import FoundationValue
    from lab.rules.kubernetes import SupportCalendar


class Cloud(StrEnum):
    """Where a cluster runs (the ``provider`` key of ``cluster.yaml``); one per package of
    ``lab/clouds``."""

    AZURE = "azure"
    AWS = "aws"


@dataclass(frozen=True, kw_only=True)
class ArgocdIdentity:
    """The ``argocd:`` key naming the identity ArgoCD reaches this cloud's clusters as."""

    key: str
    """The key under ``argocd:`` in ``lab.yaml``."""
    what: str
    """What it is, for the error that asks for it."""


@dataclass(frozen=True, kw_only=True)
class CredentialContext:
    """The Spacelift context every stack of the cloud gets: non-secret settings only."""

    name: str
    """The context's name and slug."""
    hand_added_secrets: str
    """What people add by hand when no cloud integration is configured."""
    environment: Callable[[LabConfig], Mapping[str, tuple[str, str]]]
    """Non-secret environment variables for every run: name -> (value, what it is)."""


@dataclass(frozen=True, kw_only=True)
class CloudUnit:
    """One cloud: its Kubernetes service, sizes, rules, foundation, stacks and credentials."""

    id: Cloud
    title: str
    """The cloud's name in prose and diagrams ("AWS")."""
    service: str
    """The Kubernetes service's short name, lowercase: the suffix of experiment stack ids
    (``exp-<experiment>-eks``)."""
    machine_types: Mapping[str, str]
    """The machine type of each size preset (``small``, ``medium``, ``large``)."""
    check_machine_type: Callable[..., str]
    """The rule for a machine type the user names (``check(value, field=...)``)."""
    default_pool_name: str
    """The name the cloud gives the default pool of ``cluster.yaml``."""
    reserved_pool_names: tuple[str, ...]
    """Pool names ``node_pools`` may not take: the default pool's, and any the cloud uses."""
    support: SupportCalendar
    """The Kubernetes minors the service supports, and until when."""
    settings: str
    """The ``lab.yaml`` section of the Kubernetes service (``aws.eks``)."""
    argocd_identity: ArgocdIdentity
    foundation_description: str
    foundation_outputs: tuple[FoundationValue, ...]
    """What the foundation exports (all non-sensitive)."""
    experiment_inputs: tuple[FoundationValue, ...]
    """What every experiment stack of the cloud consumes from its own foundation."""
    peer_inputs: tuple[FoundationValue, ...] = ()
    """What an experiment stack also takes from its own foundation when the experiment has
    clusters on other clouds (to admit their traffic)."""
    has_egress: Callable[[LabConfig], bool]
    """Whether the cloud's clusters reach the internet from fixed, exported addresses
    (``egress_cidrs``), which other clouds' stacks can admit."""
    credentials: CredentialContext
    spacelift: str
    """The module of the cloud's Spacelift integrations: ``integrations(config)`` gives one
    integration binding per :class:`Identity` (none when ``lab.yaml`` configures none), and
    ``ATTACHMENT`` is the binding that attaches one to a stack."""
    foundation_stack: str
    """``module:class`` of the foundation stack."""
    experiment_clusters: str
    """``module:class`` of the cloud's :class:`lab.stacks.experiment.ClusterBuilder`."""
    heavy_provider: str | None = None
    """The provider's jsii assembly module when the cloud's stacks are the costliest to load
    and build: they then synthesize in a worker process while the others synthesize here
    (``lab/synth.py``)."""

    @property
    def service_name(self) -> str:
        """``EKS``, ``AKS``."""
        return self.service.upper()

    @property
    def foundation_stack_id(self) -> str:
        """``aws-foundation``."""
        return foundation_stack_id(self.id)

    @property
    def version_field(self) -> str:
        """The dotted ``lab.yaml`` field of the Kubernetes minor."""
        return f"{self.settings}.kubernetes_version"

    def kubernetes_version(self, config: LabConfig) -> str:
        """The Kubernetes minor ``lab.yaml`` sets for the cloud's clusters."""
        version: str = attrgetter(self.version_field)(config)
        return version

    def experiment_stack_id(self, experiment: str) -> str:
        """``exp-<experiment>-<service>``."""
        return f"exp-{experiment}-{self.service}"


class Identity(StrEnum):
    """The cloud identities of the lab's runs: plans of every stack read; applies write as the
    foundation or as an experiment, never both (docs/bootstrap.md, step 3)."""

    READ = "read"
    FOUNDATION = "foundation"
    EXPERIMENT = "experiment"


def load(reference: str) -> Any:
    """What a ``module:attribute`` reference (a unit's stack builders) names, its module
    imported on first use."""
    module, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module), attribute)
