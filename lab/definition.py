"""The app definition: every stack of the lab, derived from ``lab.yaml`` and the experiments.

This is the one source of truth. The CDKTF app builds one ``TerraformStack`` per
:class:`StackDefinition`; the management stack creates one Spacelift stack per
definition other than itself; the ``lab`` command lists, graphs and checks them. Nothing
here imports cdktf, so reading the definition is fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Final

from lab import stack_labels
from lab.config import DEFAULT_CONFIG_PATH, DEFAULT_MAX_NODES_PER_CLUSTER, LabConfig, load_config
from lab.contract import EXPERIMENT_INPUTS, FOUNDATION_OUTPUTS, FoundationValue, foundation_stack_id
from lab.errors import LabDefinitionError, Problem, display_path
from lab.experiments import (
    DEFAULT_EXPERIMENTS_DIR,
    Cloud,
    ClusterSpec,
    Experiment,
    discover_experiments,
    stack_id,
)
from lab.policies import POLICY_DIRECTORY
from lab.rules import overlaps

MANAGEMENT_STACK_ID: Final = "spacelift-root"
OUTPUT_DIR: Final = "cdktf.out"
"""Where synthesis writes; committed, and each Spacelift stack's project root lives in it."""
POLICIES_DIR: Final = Path(__file__).resolve().parent.parent / POLICY_DIRECTORY
"""The policy files of this checkout, wherever the command runs."""


class StackKind(StrEnum):
    """The three kinds of stack; each kind is also the stack's primary label."""

    MANAGEMENT = "management"
    """``spacelift-root``: creates and configures every other Spacelift stack."""
    FOUNDATION = "foundation"
    """Per-cloud networking, applied by hand, protected from deletion."""
    EXPERIMENT = "experiment"
    """One experiment's clusters on one cloud; runs after its foundation."""


@dataclass(frozen=True)
class StackDefinition:
    """One CDKTF stack, which is also one Spacelift stack (its id is the slug)."""

    id: str
    kind: StackKind
    description: str
    labels: tuple[str, ...]
    cloud: Cloud | None = None
    experiment: str | None = None
    clusters: tuple[ClusterSpec, ...] = ()
    depends_on: tuple[str, ...] = ()
    """Ids of the stacks whose tracked runs must finish first."""
    inputs: tuple[FoundationValue, ...] = ()
    """Foundation values received as ``TF_VAR_*`` (experiments only)."""
    outputs: tuple[FoundationValue, ...] = ()
    """Values exported for other stacks (foundations only)."""
    autodeploy: bool = False
    protect_from_deletion: bool = False
    expires: date | None = None
    """After this date (UTC) Spacelift deletes the stack and its resources."""

    @property
    def project_root(self) -> str:
        """The stack's synthesized directory, relative to the repository root."""
        return f"{OUTPUT_DIR}/stacks/{self.id}"


@dataclass(frozen=True)
class DefinitionSources:
    """The files a definition was read from (so another process can read it again)."""

    config_path: Path
    experiments_dir: Path


@dataclass(frozen=True)
class LabDefinition:
    config: LabConfig
    experiments: tuple[Experiment, ...]
    stacks: tuple[StackDefinition, ...]
    policies_dir: Path = field(default=POLICIES_DIR)
    sources: DefinitionSources | None = None
    """Where the definition came from; none when it was built in code."""
    warnings: tuple[Problem, ...] = ()
    """What is valid but probably not meant (validate and synth print them; ``--strict``
    fails on them)."""

    def get(self, stack_id: str) -> StackDefinition:
        for stack in self.stacks:
            if stack.id == stack_id:
                return stack
        known = ", ".join(s.id for s in self.stacks)
        raise KeyError(f"no stack {stack_id!r}; the stacks are: {known}")

    @property
    def managed_stacks(self) -> tuple[StackDefinition, ...]:
        """Every stack the management stack creates: all but itself."""
        return tuple(s for s in self.stacks if s.kind is not StackKind.MANAGEMENT)


def load_definition(
    config_path: Path = DEFAULT_CONFIG_PATH,
    experiments_dir: Path = DEFAULT_EXPERIMENTS_DIR,
    *,
    today: date | None = None,
) -> LabDefinition:
    """Validate ``lab.yaml`` and every ``cluster.yaml``; raise with all their problems at once.

    ``today`` (default: today in UTC) decides which ``expires`` dates have passed.
    """
    problems: list[Problem] = []
    config: LabConfig | None = None
    try:
        config = load_config(config_path)
    except LabDefinitionError as error:
        problems += error.problems
    # Experiments are checked even when lab.yaml is broken (against the default cap), so
    # one run reports every problem.
    cap = config.limits.max_nodes_per_cluster if config else DEFAULT_MAX_NODES_PER_CLUSTER
    experiments: tuple[Experiment, ...] = ()
    try:
        experiments = discover_experiments(experiments_dir, max_nodes_per_cluster=cap, today=today)
    except LabDefinitionError as error:
        problems += error.problems
    if config is not None:
        problems += _check_schedules_can_run(config, config_path, experiments)
    if problems or config is None:
        raise LabDefinitionError(problems)
    return LabDefinition(
        config,
        experiments,
        define_stacks(config, experiments),
        sources=DefinitionSources(config_path, experiments_dir),
        warnings=tuple(sorted(definition_warnings(config, config_path))),
    )


def _check_schedules_can_run(
    config: LabConfig, config_path: Path, experiments: tuple[Experiment, ...]
) -> list[Problem]:
    """``expires`` needs a private worker pool: Spacelift creates schedules on public workers
    but never triggers them (its scheduling page), so the clusters would run, and cost, on."""
    if config.spacelift.worker_pool_id is not None:
        return []
    return [
        Problem.at(
            cluster.source,
            "expires",
            "Spacelift runs scheduled deletions only on private workers, and "
            f"{display_path(config_path)} sets no spacelift.worker_pool_id: the clusters would "
            "never be deleted. Set spacelift.worker_pool_id, or remove expires and delete the "
            "experiment's folder yourself when it is done",
        )
        for experiment in experiments
        for cluster in experiment.clusters
        if cluster.expires is not None
    ]


def definition_warnings(config: LabConfig, config_path: Path) -> list[Problem]:
    """What is valid but likely to hurt later."""
    return [
        Problem.at(
            config_path,
            "aws.vpc_cidr",
            f"{vpc} overlaps the Azure VNet's {vnet} (azure.vnet.address_space); the clouds "
            "cannot be routed to each other later (VPN, peering) unless the ranges are disjoint",
        )
        for vpc, vnet in overlaps([config.aws.vpc_cidr], config.azure.vnet.address_space)
    ]


def define_stacks(
    config: LabConfig, experiments: tuple[Experiment, ...]
) -> tuple[StackDefinition, ...]:
    """The management stack, both foundations, then one stack per experiment and cloud."""
    common = config.spacelift.labels
    stacks = [
        StackDefinition(
            id=MANAGEMENT_STACK_ID,
            kind=StackKind.MANAGEMENT,
            description="Creates and configures every other Spacelift stack of the lab.",
            labels=(StackKind.MANAGEMENT.value, *common),
        )
    ]
    cost = _cost_labels(config)
    for cloud in Cloud:
        stacks.append(
            StackDefinition(
                id=foundation_stack_id(cloud),
                kind=StackKind.FOUNDATION,
                description=_FOUNDATION_DESCRIPTIONS[cloud],
                labels=(StackKind.FOUNDATION.value, cloud.value, *cost, *common),
                cloud=cloud,
                outputs=FOUNDATION_OUTPUTS[cloud],
                protect_from_deletion=True,
            )
        )
    for experiment in experiments:
        for cloud in experiment.clouds:
            clusters = experiment.clusters_on(cloud)
            names = ", ".join(c.name for c in clusters)
            stacks.append(
                StackDefinition(
                    id=stack_id(experiment.name, cloud),
                    kind=StackKind.EXPERIMENT,
                    description=(
                        f"Experiment {experiment.name}: {_SERVICE_NAMES[cloud]} "
                        f"cluster{'s' if len(clusters) > 1 else ''} {names}."
                    ),
                    labels=(
                        StackKind.EXPERIMENT.value,
                        cloud.value,
                        stack_labels.valued(stack_labels.EXPERIMENT_PREFIX, experiment.name),
                        stack_labels.valued(
                            stack_labels.NODE_CAP, config.limits.max_nodes_per_cluster
                        ),
                        *cost,
                        *_budget_labels(config),
                        *common,
                    ),
                    cloud=cloud,
                    experiment=experiment.name,
                    clusters=clusters,
                    depends_on=(foundation_stack_id(cloud),),
                    inputs=EXPERIMENT_INPUTS[cloud],
                    autodeploy=config.spacelift.experiment_autodeploy,
                    expires=experiment.expires,
                )
            )
    return tuple(stacks)


def _cost_labels(config: LabConfig) -> tuple[str, ...]:
    """With a ``cost:`` section, every stack that holds cloud resources (foundations and
    experiments, not spacelift-root) gets an Infracost estimate in its previews, and a
    warning threshold for rises."""
    if config.cost is None:
        return ()
    return (
        stack_labels.INFRACOST,
        stack_labels.valued(stack_labels.WARN_INCREASE, config.cost.warn_increase_percent),
    )


def _budget_labels(config: LabConfig) -> tuple[str, ...]:
    """The budget is per experiment stack: foundations are shared and have none."""
    if config.cost is None:
        return ()
    return (stack_labels.valued(stack_labels.MONTHLY_BUDGET, config.cost.max_monthly_usd),)


_FOUNDATION_DESCRIPTIONS: Final = {
    Cloud.AZURE: (
        "Azure networking for AKS: resource group, VNet, subnets with NSGs. Applied by hand."
    ),
    Cloud.AWS: "AWS networking for EKS: VPC, subnets, NAT, flow logs. Applied by hand.",
}
_SERVICE_NAMES: Final = {Cloud.AZURE: "AKS", Cloud.AWS: "EKS"}
