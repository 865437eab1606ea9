"""The typed model of ``lab.yaml``: everything synth needs, and no credentials.

Every model rejects unknown keys and wrong types (pydantic checks the shape); every other
check is a rule of :mod:`lab.rules` that a validator here calls (subnets inside the VNet,
no open API servers, ...), so a bad ``lab.yaml`` fails with the file and the field before
any construct is built, in ``lab validate`` and synth alike.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Final

from pydantic import AfterValidator, Field, model_validator

from lab.constructs.aws.vpc_types import NatMode
from lab.errors import LabDefinitionError
from lab.rules import (
    DEFAULT_SERVICE_PORTS,
    MAX_PROJECT_NAME_LENGTH,
    check_aws_region,
    check_azure_location,
    check_budget_tag,
    check_cost,
    check_dns_label,
    check_iam_principal_arn,
    check_iam_role_arn,
    check_kubernetes_minor,
    check_object_id,
    check_resource_group_name,
    check_service_ports,
    check_service_sources,
    check_tags,
    check_unique,
    check_vnet_layout,
    check_vnet_name,
    check_vpc_cidr,
    parse_cidr,
    parse_eks_public_access_cidr,
)
from lab.rules.access import check_api_exposure, check_argocd_azure_identity, check_listed
from lab.rules.formats import (
    GIT_REVISION,
    GIT_URL,
    LOGIN,
    REPOSITORY_NAME,
    SEMVER,
    SPACELIFT_ID,
    VCS_LOGIN,
    Format,
    check_format,
)
from lab.rules.spacelift import (
    RETIRED_AWS_INTEGRATION_KEYS,
    RETIRED_SPACELIFT_KEYS,
    check_approvers,
    check_distinct_roles,
    check_drift_schedule,
    check_drift_worker_pool,
    check_retired,
    check_stack_labels,
)
from lab.yamlfile import StrictModel, load_mapping, validate_file

DEFAULT_CONFIG_PATH: Final = Path("lab.yaml")

DEFAULT_MAX_NODES_PER_CLUSTER: Final = 10
DEFAULT_WARN_INCREASE_PERCENT: Final = 25
DEFAULT_BUDGET_TAG: Final = "project"


# --- reusable field types -------------------------------------------------------------


def _rule(check: Callable[..., object], **options: object) -> AfterValidator:
    """A field validator running one of :mod:`lab.rules` (pydantic names the field)."""

    def validate(value: str) -> str:
        check(value, field="", **options)
        return value

    return AfterValidator(validate)


ApiAllowedCidr = Annotated[str, _rule(parse_cidr, example="203.0.113.0/24", reject_internet=True)]
EksAllowedCidr = Annotated[str, _rule(parse_eks_public_access_cidr)]
"""Also IPv4 only: the lab's EKS clusters are IPv4."""
ProjectName = Annotated[
    str,
    _rule(
        check_dns_label,
        max_length=MAX_PROJECT_NAME_LENGTH,
        purpose="it prefixes resource names",
    ),
]
KubernetesVersion = Annotated[str, _rule(check_kubernetes_minor)]
"""Whether the minor is still in support depends on the day: load_definition checks it."""
ObjectId = Annotated[str, _rule(check_object_id)]


def _written(form: Format) -> AfterValidator:
    return _rule(check_format, form=form)


# --- Spacelift --------------------------------------------------------------------------


class DriftDetectionSettings(StrictModel):
    """Scheduled drift detection on the foundation stacks (proposed runs; never reconciles)."""

    enabled: bool = False
    """Default: false. Needs ``spacelift.worker_pool_id``: Spacelift runs drift detection only
    on private workers (its drift detection page), and a schedule on public workers never
    fires."""
    schedule: tuple[str, ...] = ("0 6 * * 1-5",)
    """Cron expressions. Default: weekdays at 06:00."""
    timezone: str = "UTC"

    @model_validator(mode="after")
    def _check_schedule(self) -> DriftDetectionSettings:
        # Here rather than in SpaceliftSettings: pydantic runs a model's after-validator only
        # when all its fields are valid, and a bad schedule is reported with the rest.
        check_drift_schedule(enabled=self.enabled, schedule=self.schedule, field="schedule")
        return self


class AwsIntegrationSettings(StrictModel):
    """Spacelift AWS cloud integrations: runs assume IAM roles instead of using static keys.

    Three roles, so that a preview never holds write rights and an experiment cannot change
    the foundation: plans (read phase) of every stack assume ``read_role_arn``; applies
    (write phase) assume ``foundation_role_arn`` or ``experiment_role_arn`` by the stack's
    kind (docs/bootstrap.md, step 3).
    """

    read_role_arn: Annotated[str, _rule(check_iam_role_arn)]
    """Read-only role for the plan phase of every AWS stack (pull-request previews too)."""
    foundation_role_arn: Annotated[str, _rule(check_iam_role_arn)]
    """Role for the apply phase of ``aws-foundation``."""
    experiment_role_arn: Annotated[str, _rule(check_iam_role_arn)]
    """Role for the apply phase of the ``exp-*-eks`` stacks."""
    duration_seconds: int = Field(default=3600, ge=3600, le=43200)
    """Default: 3600. At least an hour: creating an EKS cluster outlasts the 900 s API default."""

    @model_validator(mode="before")
    @classmethod
    def _retired_keys(cls, data: object) -> object:
        # Before the roles are read: the old form has none of them.
        check_retired(data if isinstance(data, dict) else (), RETIRED_AWS_INTEGRATION_KEYS)
        return data

    @model_validator(mode="after")
    def _distinct_roles(self) -> AwsIntegrationSettings:
        check_distinct_roles(
            {
                "read_role_arn": self.read_role_arn,
                "foundation_role_arn": self.foundation_role_arn,
                "experiment_role_arn": self.experiment_role_arn,
            }
        )
        return self


class AzureIntegrationSettings(StrictModel):
    """Spacelift Azure cloud integrations (Spacelift's own apps in your tenant): one for the
    plan phase of every Azure stack, one for the foundation's applies, one for the
    experiments' applies; each is its own Entra application with its own rights."""

    tenant_id: Annotated[str, _rule(check_object_id, what="Entra ID tenant")]
    subscription_id: Annotated[str, _rule(check_object_id, what="Azure subscription")]


class ApproverSettings(StrictModel):
    """Someone whose review counts in the approval policy."""

    login: Annotated[str, _written(LOGIN)]
    """Their Spacelift login (as the identity provider names them)."""
    vcs_login: Annotated[str, _written(VCS_LOGIN)] | None = None
    """Default: none. Their VCS login, when it differs: the runs of commits they author are
    then theirs, and they cannot approve them as an independent reviewer."""


class SpaceliftSettings(StrictModel):
    """How the management stack creates and configures every other Spacelift stack."""

    repository: Annotated[str, _written(REPOSITORY_NAME)]
    """The repository name without its owner (the VCS integration implies the owner)."""
    branch: Annotated[str, _written(GIT_REVISION)] = "main"
    """Default: main. The branch every stack tracks."""
    github_namespace: str | None = None
    """Default: none (the account's default GitHub integration). Set the owner to use a
    GitHub custom app integration (``github_enterprise`` block)."""
    space_id: str = "root"
    """Default: root. The Spacelift space holding the stacks, contexts and policies, and
    spacelift-root itself. Give the lab a space of its own (docs/bootstrap.md, step 5):
    in ``root``, spacelift-root's Space admin role spans the whole Spacelift account."""
    opentofu_version: Annotated[str, _written(SEMVER)]
    """The OpenTofu release every stack runs, pinned exactly."""
    labels: tuple[str, ...] = ()
    """Labels added to every stack besides the generated ones."""
    experiment_autodeploy: bool = True
    """Default: true. Whether experiment stacks apply without a confirmation when their
    plan policy has no warnings. Foundations never autodeploy."""
    policies: bool = True
    """Default: true. Create the policies of ``policies/`` (approval, plan, push guardrails).
    They need a paid Spacelift plan; without them, turn ``experiment_autodeploy`` off."""
    self_approval: bool = False
    """Default: false. True for a lab one person runs: whoever triggered, authored or created
    a run may approve it, and one approval satisfies every rule that asks for several
    independent ones. Deletions still wait for that approval. spacelift-root appends the
    setting to the approval policy it uploads."""
    approvers: tuple[ApproverSettings, ...] = ()
    """Default: none: any reviewer other than the people who started a run counts. When
    set, only these people's reviews count toward an approval (a commit's author is free
    text in Git, so naming approvers is what keeps a stranger's review or a forged author
    from counting). spacelift-root appends the list to the approval policy it uploads."""
    worker_pool_id: Annotated[str, _written(SPACELIFT_ID)] | None = None
    """A private worker pool for every stack of the lab. Default: none (Spacelift's public
    workers). A stack's pool takes all of its runs, and two features run only on private
    workers (Spacelift's scheduling and drift detection pages): drift detection of the
    foundations and the scheduled deletion of experiments with ``expires`` (without a pool,
    the expire workflow removes them instead). One pool for every stack, because each kind
    of stack needs it for one of them."""
    root_role_attachment_id: str | None = Field(default=None, exclude=True)
    """Retired: refused by name (a field rather than an unknown key, so the message can say
    what to do instead; a model ``before`` validator would lose the JSON mode that lets a
    YAML list fill a tuple). Unknown-key messages do not offer it."""
    drift_detection: DriftDetectionSettings = DriftDetectionSettings()
    aws_integration: AwsIntegrationSettings | None = None
    """Default: none (credentials come from the aws-credentials context)."""
    azure_integration: AzureIntegrationSettings | None = None
    """Default: none (credentials come from the azure-credentials context)."""

    @model_validator(mode="after")
    def _check_stacks(self) -> SpaceliftSettings:
        check_retired(self.model_fields_set, RETIRED_SPACELIFT_KEYS)
        check_drift_worker_pool(
            enabled=self.drift_detection.enabled, worker_pool_id=self.worker_pool_id
        )
        check_approvers([(approver.login, approver.vcs_login) for approver in self.approvers])
        check_stack_labels(self.labels)
        return self


# --- Azure ------------------------------------------------------------------------------


class SubnetSettings(StrictModel):
    name: str
    """1-76 letters, digits, '_', '.' or '-'; its NSG is ``<name>-nsg``."""
    address_prefix: str
    """An IPv4 block inside the VNet's address space, /29 or larger."""


class VnetSettings(StrictModel):
    name: Annotated[str, _rule(check_vnet_name)]
    address_space: tuple[str, ...] = Field(min_length=1)
    """IPv4 blocks of the VNet; they must not overlap."""
    subnets: tuple[SubnetSettings, ...] = Field(min_length=1)
    aks_subnet: str
    """Name of the subnet, among ``subnets``, that AKS nodes join."""

    @model_validator(mode="after")
    def _check_layout(self) -> VnetSettings:
        check_vnet_layout(
            self.address_space,
            [(subnet.name, subnet.address_prefix) for subnet in self.subnets],
            self.aks_subnet,
        )
        return self


class AksSettings(StrictModel):
    """Settings every AKS cluster of the lab shares."""

    kubernetes_version: KubernetesVersion
    authorized_ip_ranges: tuple[ApiAllowedCidr, ...] = ()
    """CIDRs allowed to reach the API server. Required unless ``private_cluster``."""
    private_cluster: bool = False
    """Default: false. A private API server is reachable only from inside the VNet."""
    admin_group_object_ids: tuple[ObjectId, ...]
    """Entra ID groups whose members administer the clusters (cluster-admin). Required, at
    least one: local accounts are off and Azure RBAC authorizes the Kubernetes API, so
    without a group nobody, not even a subscription Owner, could use it."""
    service_ports: tuple[int, ...] = DEFAULT_SERVICE_PORTS
    """TCP ports of LoadBalancer Services that clients outside the VNet may reach. Default:
    80 and 443."""
    service_source_ranges: tuple[str, ...] = ()
    """CIDRs (your office or VPN) admitted to ``service_ports`` in the AKS subnet. Default:
    none: only the VNet, and the other cloud's egress for experiments on both clouds.
    ``*``, ``Internet`` and /0 are refused."""

    @model_validator(mode="after")
    def _check_access(self) -> AksSettings:
        check_service_ports(self.service_ports)
        check_service_sources(self.service_source_ranges)
        check_listed(
            self.admin_group_object_ids,
            field="admin_group_object_ids",
            missing="list at least one Entra ID group's object id; with local accounts off and "
            "Azure RBAC on, nobody (not even a subscription Owner) could use the Kubernetes API "
            "without one",
        )
        check_api_exposure(
            private_cluster=self.private_cluster, authorized_ip_ranges=self.authorized_ip_ranges
        )
        return self


class AzureSettings(StrictModel):
    location: Annotated[str, _rule(check_azure_location)]
    resource_group: Annotated[str, _rule(check_resource_group_name)]
    vnet: VnetSettings
    aks: AksSettings


# --- AWS --------------------------------------------------------------------------------


class EksSettings(StrictModel):
    """Settings every EKS cluster of the lab shares."""

    kubernetes_version: KubernetesVersion
    public_access_cidrs: tuple[EksAllowedCidr, ...] = ()
    """CIDRs allowed to reach the public API endpoint. Default: none (private endpoint only)."""
    admin_principal_arns: tuple[Annotated[str, _rule(check_iam_principal_arn)], ...] = Field(
        min_length=1
    )
    """IAM roles or users granted cluster admin through EKS access entries."""

    @model_validator(mode="after")
    def _check_admins(self) -> EksSettings:
        check_unique(self.admin_principal_arns, field="admin_principal_arns")
        return self


class AwsSettings(StrictModel):
    region: Annotated[str, _rule(check_aws_region)]
    az_count: int = Field(default=3, ge=2, le=6)
    """Default: 3. EKS needs subnets in at least two availability zones."""
    vpc_cidr: str
    """A private (RFC 1918) IPv4 block from /16 to /20."""
    nat_mode: NatMode = NatMode.SINGLE
    """Default: single (one NAT gateway: the lab's cost choice)."""
    eks: EksSettings

    @model_validator(mode="after")
    def _check_vpc(self) -> AwsSettings:
        check_vpc_cidr(self.vpc_cidr)
        return self


# --- the whole file ---------------------------------------------------------------------


class Limits(StrictModel):
    max_nodes_per_cluster: int = Field(default=DEFAULT_MAX_NODES_PER_CLUSTER, ge=1, le=100)
    """Default: 10. The cost cap: no cluster may have or scale to more nodes. Synth enforces
    it, and the plan policy enforces it again from each experiment stack's
    ``max-nodes-per-cluster:<n>`` label."""


class CostSettings(StrictModel):
    """What the lab may cost, checked two ways, each optional (the section needs one):

    - ``max_monthly_usd``: an estimate before each change (Spacelift's Infracost integration)
      that the plan policy holds against a per-experiment cap;
    - ``monthly_budget_usd`` with ``alert_emails``: the clouds' own budgets, which watch what
      the lab really spends (AWS Budgets in aws-foundation, an Azure consumption budget in
      azure-foundation) and e-mail the alerts.

    Without the section, nothing of it exists."""

    max_monthly_usd: float | None = Field(default=None, gt=0)
    """The budget of one experiment stack, in US dollars a month: the plan policy denies a
    plan whose Infracost estimate is above it. Default: none (no estimates)."""
    warn_increase_percent: float = Field(default=DEFAULT_WARN_INCREASE_PERCENT, ge=0)
    """Default: 25. A plan that raises a stack's monthly estimate by more than this percent
    over its last estimate gets a warning, so an autodeploy stack waits for a person.
    Used only with ``max_monthly_usd``."""
    monthly_budget_usd: float | None = None
    """What the whole lab may spend in a calendar month, in US dollars (at least 1): each
    foundation creates its cloud's budget with this limit, alerting at 80 % and 100 % of
    actual spend and at 100 % of forecast spend. On Azure the amount is in the
    subscription's billing currency. Default: none (no budgets)."""
    alert_emails: tuple[str, ...] = ()
    """Who gets the budgets' alerts (1 to 10 addresses). Required with ``monthly_budget_usd``."""
    budget_tag: str = DEFAULT_BUDGET_TAG
    """Default: project. The key of ``tags`` whose value marks the lab's resources: the
    budgets count only what carries it (``project`` because its value names this lab alone,
    while ``environment`` or ``managed-by`` values are shared with anything else)."""

    @model_validator(mode="after")
    def _check_budget(self) -> CostSettings:
        check_cost(
            max_monthly_usd=self.max_monthly_usd,
            monthly_budget_usd=self.monthly_budget_usd,
            alert_emails=self.alert_emails,
        )
        return self


# --- ArgoCD ------------------------------------------------------------------------------


class ArgocdSettings(StrictModel):
    """The hand-off to ArgoCD: each experiment stack registers its clusters with the lab's
    ArgoCD (a cluster Secret in the hub, no credential in it) and gives ArgoCD's identity
    access to them; ArgoCD then deploys the addons and the experiment's own manifests.
    Without the section nothing of it exists."""

    repo_url: Annotated[str, _written(GIT_URL)]
    """The Git URL ArgoCD reads this repository from (``argocd/`` and each experiment's
    ``argocd/`` folders). Required."""
    revision: Annotated[str, _written(GIT_REVISION)] | None = None
    """The branch, tag or commit ArgoCD deploys. Default: ``spacelift.branch``."""
    namespace: Annotated[str, _rule(check_dns_label, max_length=63)] = "argocd"
    """The hub namespace ArgoCD runs in, where the cluster Secrets go. Default: argocd."""
    aws_role_arn: Annotated[str, _rule(check_iam_role_arn)] | None = None
    """The IAM role ArgoCD's pods run as on the hub (IRSA or Pod Identity): it gets cluster
    admin on every EKS cluster through an access entry. Required when an experiment has EKS
    clusters."""
    azure_principal_id: ObjectId | None = None
    """Object id of the Entra identity ArgoCD signs in as through workload identity (a
    user-assigned managed identity or an app's service principal): it gets the Azure
    Kubernetes Service RBAC Cluster Admin role on every AKS cluster. Required when an
    experiment has AKS clusters."""
    azure_client_id: Annotated[str, _rule(check_object_id, what="Entra ID client")] | None = None
    """The same identity's client (application) id, which ``argocd-k8s-auth azure`` signs in
    with. Required with ``azure_principal_id``."""
    hub_egress_cidrs: tuple[EksAllowedCidr, ...]
    """The public CIDRs the hub's ArgoCD reaches the internet from (its cluster's NAT gateway
    or load balancer outbound IPs; docs/argocd.md says how to find them). Every public API
    server (AKS ``authorized_ip_ranges``, EKS ``public_access_cidrs``) admits them, or ArgoCD
    times out on every cluster. Required, at least one; no /0, no host bits, IPv4 (EKS
    public endpoints of IPv4 clusters take no IPv6)."""

    @model_validator(mode="after")
    def _check_access(self) -> ArgocdSettings:
        check_listed(
            self.hub_egress_cidrs,
            field="hub_egress_cidrs",
            missing="list the public CIDRs the ArgoCD hub reaches the internet from; no "
            "cluster's API server would admit it otherwise",
        )
        check_argocd_azure_identity(self.azure_principal_id, self.azure_client_id)
        return self


class ExpiryDelivery(StrEnum):
    """How the scheduled expire workflow delivers the removal of expired experiments."""

    PULL_REQUEST = "pull_request"
    """A pull request against ``spacelift.branch``: a person merges it, and the merge deletes
    the stacks. Nothing is destroyed without a review."""
    PUSH = "push"
    """A commit pushed to ``spacelift.branch``: the stacks go without a review, on the day.
    Needs the branch to accept pushes from GitHub Actions (no required review)."""


class ExpirySettings(StrictModel):
    """The scheduled removal of experiments past their ``expires`` date (docs/workflows.md)."""

    delivery: ExpiryDelivery = ExpiryDelivery.PULL_REQUEST
    """Default: pull_request. ``push`` deletes expired experiments without a review."""


class LabConfig(StrictModel):
    """The root of ``lab.yaml``."""

    name: ProjectName
    """Project name: prefixes resource names (at most 24 characters)."""
    spacelift: SpaceliftSettings
    tags: dict[str, str] = Field(default_factory=dict)
    """Tags on every cloud resource (AWS default_tags, Azure resource tags)."""

    @model_validator(mode="after")
    def _check_tags(self) -> LabConfig:
        check_tags(self.tags)
        if self.cost is not None and self.cost.monthly_budget_usd is not None:
            check_budget_tag(self.cost.budget_tag, self.tags, field="cost.budget_tag")
        return self

    limits: Limits = Limits()
    cost: CostSettings | None = None
    """Default: none (no estimates, no budget)."""
    argocd: ArgocdSettings | None = None
    """Default: none (clusters are not registered with ArgoCD)."""
    expiry: ExpirySettings = ExpirySettings()
    """Default: expired experiments are removed by a pull request."""
    azure: AzureSettings
    aws: AwsSettings

    @property
    def hub_egress_cidrs(self) -> tuple[str, ...]:
        """What every public API server admits besides its own allowlist: the ArgoCD hub."""
        return () if self.argocd is None else self.argocd.hub_egress_cidrs


def load_config(path: Path = DEFAULT_CONFIG_PATH) -> LabConfig:
    """Read and validate ``path``; raise :class:`LabDefinitionError` listing every problem."""
    data, problems = load_mapping(path)
    config = None
    if data is not None:
        config, problems = validate_file(LabConfig, data, path)
    if config is None:
        raise LabDefinitionError(problems)
    return config


__all__ = [
    "AksSettings",
    "ArgocdSettings",
    "AwsIntegrationSettings",
    "AwsSettings",
    "AzureIntegrationSettings",
    "AzureSettings",
    "CostSettings",
    "EksSettings",
    "ExpiryDelivery",
    "ExpirySettings",
    "LabConfig",
    "Limits",
    "NatMode",
    "SpaceliftSettings",
    "load_config",
]
