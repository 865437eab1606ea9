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

from lab import clock, stack_labels
from lab.clouds import CLOUDS, Cloud, CloudUnit, cloud_unit
from lab.config import DEFAULT_CONFIG_PATH, DEFAULT_MAX_NODES_PER_CLUSTER, LabConfig, load_config
from lab.contract import FoundationValue, StackInput, experiment_inputs, experiment_upstreams
from lab.errors import LabDefinitionError, Problem, display_path
from lab.experiments import (
    DEFAULT_EXPERIMENTS_DIR,
    ClusterSpec,
    Experiment,
    discover_experiments,
)
from lab.expiry import expired_warnings
from lab.policies import POLICY_DIRECTORY
from lab.rules import (
    RuleError,
    check_supported,
    derived_cloud_names,
    experiment_rule_priority,
    overlaps,
    support_warnings,
)
from lab.rules.placeholders import find_placeholders
from lab.yamlfile import load_mapping

MANAGEMENT_STACK_ID: Final = "spacelift-root"
OUTPUT_DIR: Final = "cdktf.out"
"""Where synthesis writes; committed, and each Spacelift stack's project root lives in it."""
POLICIES_DIR: Final = Path(__file__).resolve().parent.parent / POLICY_DIRECTORY
"""The policy files of this checkout, wherever the command runs."""


class StackKind(StrEnum):
    """The three kinds of stack; each kind is also the stack's primary label."""

    MANAGEMENT = stack_labels.MANAGEMENT
    """``spacelift-root``: creates and configures every other Spacelift stack."""
    FOUNDATION = stack_labels.FOUNDATION
    """Per-cloud networking, applied by hand, protected from deletion."""
    EXPERIMENT = stack_labels.EXPERIMENT
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
    peers: tuple[Cloud, ...] = ()
    """The experiment's other clouds whose egress the stack receives (experiments only)."""
    clusters: tuple[ClusterSpec, ...] = ()
    depends_on: tuple[str, ...] = ()
    """Ids of the stacks whose tracked runs must finish first."""
    inputs: tuple[StackInput, ...] = ()
    """Upstream values received as ``TF_VAR_*`` (experiments only)."""
    service_rule_priority: int | None = None
    """Priority of the rule admitting the peers' egress to the cloud's services (experiments
    with peers, on a cloud whose services sit behind a shared firewall rule set)."""
    outputs: tuple[FoundationValue, ...] = ()
    """Values exported for other stacks (foundations only)."""
    autodeploy: bool = False
    protect_from_deletion: bool = False
    expires: date | None = None
    """After this date (UTC) Spacelift deletes the stack and its resources."""

    def __post_init__(self) -> None:
        # The approval policy is not asked between an autodeployed plan and its apply.
        assert not self.autodeploy or self.kind is StackKind.EXPERIMENT, (
            f"{self.id}: autodeploy is for experiments only"
        )

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
    placeholders: tuple[Problem, ...] = ()
    """Fields of ``lab.yaml`` that still hold documentation values (``lab.rules.placeholders``):
    fine for tests, never for a cloud. Kept apart from ``warnings`` because the shipped
    ``lab.yaml`` has them on purpose: ``lab validate`` and synth print them, and ``lab validate
    --strict`` fails on them."""

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
    # Every check runs on whatever parsed, so one run reports every problem: with lab.yaml
    # broken, the cross-file checks read the values they need from the raw file where
    # those values are themselves sound, and say which checks they could not run.
    settings = _CheckedSettings.of(config, config_path, problems)
    experiments: tuple[Experiment, ...] = ()
    try:
        experiments = discover_experiments(experiments_dir, max_nodes_per_cluster=settings.cap)
    except LabDefinitionError as error:
        problems += error.problems
    today = today or clock.today_utc()
    warnings: list[Problem] = []
    found, warnings = _check_kubernetes_support(settings, config_path, experiments, today)
    warnings += expired_warnings(experiments, today)  # lab expired removes them
    problems += found
    problems += _check_argocd_identities(settings, config_path, experiments)
    problems += _check_derived_names(experiments)
    if problems or config is None:
        raise LabDefinitionError(problems, skipped=settings.skipped)
    stacks = define_stacks(config, experiments)
    if clashes := _check_rule_priorities(stacks, experiments_dir):
        raise LabDefinitionError(clashes)
    return LabDefinition(
        config,
        experiments,
        stacks,
        sources=DefinitionSources(config_path, experiments_dir),
        warnings=tuple(sorted({*definition_warnings(config, config_path), *warnings})),
        placeholders=placeholder_warnings(config, config_path),
    )


def placeholder_warnings(config: LabConfig, config_path: Path) -> tuple[Problem, ...]:
    """One warning per field of ``lab.yaml`` that holds a documentation value."""
    return tuple(
        Problem.at(
            config_path,
            field_path,
            f"{value!r} is a placeholder ({reason}); replace it before the first apply "
            "(docs/bootstrap.md)",
        )
        for field_path, value, reason in find_placeholders(config.model_dump(mode="json"))
    )


def _check_derived_names(experiments: tuple[Experiment, ...]) -> list[Problem]:
    """Each name derived from cluster and pool names (IAM roles, launch templates, log
    groups, identities...) comes from one place: parts joined with '-' can derive the same
    name from different folders and pools, and the second apply would fail on a name the
    first one took. Clusters whose full names clash are reported by discovery already."""
    sources: dict[str, list[tuple[ClusterSpec, str, str]]] = {}
    for experiment in experiments:
        for cluster in experiment.clusters:
            own = derived_cloud_names(cluster.cloud.value, cluster.full_name, ())
            for name, what in own.items():
                sources.setdefault(name, []).append((cluster, "", what))
            for number, pool in enumerate(cluster.node_pools):
                extra = derived_cloud_names(cluster.cloud.value, cluster.full_name, (pool.name,))
                for name in extra.keys() - own.keys():
                    sources.setdefault(name, []).append(
                        (cluster, f"node_pools[{number}].name", extra[name])
                    )
    problems = []
    for name, found in sorted(sources.items()):
        if len(found) < 2 or len({c.full_name for c, _, _ in found}) < 2:
            continue
        for cluster, field_name, what in found:
            others = ", ".join(
                display_path(other.source) + (f" ({other_field})" if other_field else "")
                for other, other_field, _ in found
                if (other, other_field) != (cluster, field_name)
            )
            origin = "this node pool's name" if field_name else "this cluster's folder name"
            problems.append(
                Problem.at(
                    cluster.source,
                    field_name,
                    f"{origin} derives the {what} name {name!r}, which {others} also derives; "
                    "the cloud takes each name once, so rename a cluster folder or a node pool",
                )
            )
    return problems


_UNREAD: Final = object()


@dataclass
class _CheckedSettings:
    """The values of ``lab.yaml`` the cross-file checks read: from the validated config, or,
    when it is broken, from the raw file where each value is sound on its own."""

    cap: int
    versions: dict[Cloud, object]
    """Each cloud's ``kubernetes_version``."""
    argocd: object
    """The ``argocd:`` mapping or None; ``_UNREAD`` when broken."""
    skipped: list[str] = field(default_factory=list)

    @classmethod
    def of(
        cls, config: LabConfig | None, config_path: Path, problems: list[Problem]
    ) -> _CheckedSettings:
        if config is not None:
            return cls(
                cap=config.limits.max_nodes_per_cluster,
                versions={u.id: u.kubernetes_version(config) for u in CLOUDS},
                argocd=config.argocd.model_dump() if config.argocd else None,
            )
        shown = display_path(config_path)
        broken = {p.field for p in problems if p.file == shown}
        data, _ = load_mapping(config_path) if config_path.is_file() else (None, [])
        raw = _RawSettings(data, broken)
        cap = raw.get("limits.max_nodes_per_cluster", int, DEFAULT_MAX_NODES_PER_CLUSTER)
        settings = cls(
            cap=cap if isinstance(cap, int) else DEFAULT_MAX_NODES_PER_CLUSTER,
            versions={u.id: raw.get(u.version_field, str) for u in CLOUDS},
            argocd=raw.get("argocd", dict, None),
        )
        if cap is _UNREAD:
            settings.skipped.append(
                f"node counts against limits.max_nodes_per_cluster (checked against the "
                f"default cap of {DEFAULT_MAX_NODES_PER_CLUSTER} until {shown} is fixed)"
            )
        for what, value in (
            *(
                (f"{u.service_name} support of {u.version_field}", settings.versions[u.id])
                for u in CLOUDS
            ),
            ("ArgoCD's identities in argocd: against the experiments' clouds", settings.argocd),
        ):
            if value is _UNREAD:
                settings.skipped.append(f"{what} (fix {shown} first)")
        return settings


@dataclass(frozen=True)
class _RawSettings:
    data: dict[str, object] | None
    broken: set[str]
    """The fields of lab.yaml that problems name."""

    def get(self, dotted: str, kind: type, default: object = _UNREAD) -> object:
        """The value at ``dotted``: ``default`` when absent, ``_UNREAD`` when the file did
        not parse, the value is not a ``kind``, or a problem names it, its section or a
        field inside it."""
        if self.data is None or any(
            field == dotted or dotted.startswith(f"{field}.") or field.startswith(f"{dotted}.")
            for field in self.broken
            if field
        ):
            return _UNREAD
        value: object = self.data
        for part in dotted.split("."):
            if not isinstance(value, dict):
                return _UNREAD
            if part not in value:
                return default
            value = value[part]
        return value if isinstance(value, kind) and not isinstance(value, bool) else _UNREAD


def _check_argocd_identities(
    settings: _CheckedSettings, config_path: Path, experiments: tuple[Experiment, ...]
) -> list[Problem]:
    """With ``argocd:``, every cloud that has clusters needs ArgoCD's identity on it: a cluster
    Secret without access would leave the cluster registered but unreachable."""
    if not isinstance(settings.argocd, dict):
        return []
    problems = []
    for cloud in CLOUDS:
        identity = cloud.argocd_identity
        users = [e.name for e in experiments if cloud.id in e.clouds]
        if users and settings.argocd.get(identity.key) is None:
            problems.append(
                Problem.at(
                    config_path,
                    f"argocd.{identity.key}",
                    f"is required: experiment {users[0]} has {cloud.service_name} clusters, "
                    f"and ArgoCD reaches them as {identity.what}",
                )
            )
    return problems


def _check_rule_priorities(
    stacks: tuple[StackDefinition, ...], experiments_dir: Path
) -> list[Problem]:
    """Two experiments on both clouds whose names give their NSG rules the same priority:
    Azure refuses the second rule, so the second name must change."""
    holders: dict[int, str] = {}
    problems = []
    for stack in stacks:
        if stack.service_rule_priority is None or stack.experiment is None:
            continue
        holder = holders.setdefault(stack.service_rule_priority, stack.experiment)
        if holder != stack.experiment:
            problems.append(
                Problem.at(
                    experiments_dir / stack.experiment,
                    "",
                    f"its rule for the other cloud's traffic would take priority "
                    f"{stack.service_rule_priority} in the AKS subnet's NSG, which experiment "
                    f"{holder!r} already holds; rename one of the two folders",
                )
            )
    return problems


def _check_kubernetes_support(
    settings: _CheckedSettings, config_path: Path, experiments: tuple[Experiment, ...], today: date
) -> tuple[list[Problem], list[Problem]]:
    """Each cloud's Kubernetes minor against its standard-support calendar: out of support
    is an error; support that ends soon, or before an experiment expires, a warning."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for cloud in CLOUDS:
        version = settings.versions[cloud.id]
        if not isinstance(version, str):
            continue
        try:
            window = check_supported(cloud.support, version, today=today)
        except RuleError as error:
            problems.append(Problem.at(config_path, cloud.version_field, error.message))
            continue
        expiries = {
            e.name: e.expires for e in experiments if e.expires is not None and cloud.id in e.clouds
        }
        for message in support_warnings(cloud.support, window, today=today, expiries=expiries):
            warnings.append(Problem.at(config_path, cloud.version_field, message))
    return problems, warnings


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
    for cloud in CLOUDS:
        stacks.append(
            StackDefinition(
                id=cloud.foundation_stack_id,
                kind=StackKind.FOUNDATION,
                description=cloud.foundation_description,
                labels=(StackKind.FOUNDATION.value, cloud.id.value, *cost, *common),
                cloud=cloud.id,
                outputs=cloud.foundation_outputs,
                protect_from_deletion=True,
            )
        )
    for experiment in experiments:
        for cloud in map(cloud_unit, experiment.clouds):
            stacks.append(_experiment_stack(config, experiment, cloud, cost))
    return tuple(stacks)


def _experiment_stack(
    config: LabConfig, experiment: Experiment, cloud: CloudUnit, cost: tuple[str, ...]
) -> StackDefinition:
    """The stack of ``experiment``'s clusters on ``cloud``."""
    # The other clouds' egress matters only if they have one (AWS without NAT has none).
    peers = tuple(
        peer
        for peer in map(cloud_unit, experiment.clouds)
        if peer is not cloud and peer.has_egress(config)
    )
    clusters = experiment.clusters_on(cloud.id)
    names = ", ".join(c.name for c in clusters)
    return StackDefinition(
        id=cloud.experiment_stack_id(experiment.name),
        kind=StackKind.EXPERIMENT,
        description=(
            f"Experiment {experiment.name}: {cloud.service_name} "
            f"cluster{'s' if len(clusters) > 1 else ''} {names}."
        ),
        labels=(
            StackKind.EXPERIMENT.value,
            cloud.id.value,
            stack_labels.valued(stack_labels.EXPERIMENT_PREFIX, experiment.name),
            stack_labels.valued(stack_labels.NODE_CAP, config.limits.max_nodes_per_cluster),
            *cost,
            *_budget_labels(config),
            *config.spacelift.labels,
        ),
        cloud=cloud.id,
        experiment=experiment.name,
        peers=tuple(peer.id for peer in peers),
        clusters=clusters,
        depends_on=experiment_upstreams(cloud, peers),
        inputs=experiment_inputs(cloud, peers),
        # A cloud that takes values to admit its peers (Azure: the AKS subnet's NSG) gets a
        # rule for them, whose priority the experiment's name decides.
        service_rule_priority=(
            experiment_rule_priority(experiment.name) if peers and cloud.peer_inputs else None
        ),
        autodeploy=config.spacelift.experiment_autodeploy,
        expires=experiment.expires,
    )


def _cost_labels(config: LabConfig) -> tuple[str, ...]:
    """With ``cost.max_monthly_usd``, every stack that holds cloud resources (foundations and
    experiments, not spacelift-root) gets an Infracost estimate in its previews, and a
    warning threshold for rises. The budgets alone (``monthly_budget_usd``) need no estimate."""
    if config.cost is None or config.cost.max_monthly_usd is None:
        return ()
    return (
        stack_labels.INFRACOST,
        stack_labels.valued(stack_labels.WARN_INCREASE, config.cost.warn_increase_percent),
    )


def _budget_labels(config: LabConfig) -> tuple[str, ...]:
    """The budget is per experiment stack: foundations are shared and have none."""
    if config.cost is None or config.cost.max_monthly_usd is None:
        return ()
    return (stack_labels.valued(stack_labels.MONTHLY_BUDGET, config.cost.max_monthly_usd),)
