"""``spacelift-root``: the management stack that creates every other Spacelift stack.

It is created once by hand (docs/bootstrap.md) pointing at its own synthesized output;
from then on it manages the lab's stacks, their dependencies and output references,
credential contexts, cloud integrations, policies, drift detection and teardown. The
list of stacks comes from the same :class:`LabDefinition` that synthesizes them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Final

from constructs import Construct

from lab import stack_labels
from lab.clouds import CLOUDS, Cloud, CloudUnit, cloud_unit
from lab.clouds.unit import Identity
from lab.config import LabConfig
from lab.constructs.spacelift.stack import (
    DriftDetectionSchedule,
    IntegrationPair,
    SharedStackSettings,
    SpaceliftStack,
    SpaceliftStackProps,
    Upstream,
)
from lab.definition import LabDefinition, StackDefinition, StackKind
from lab.policies import Approver, load_policies
from lab.spacelift import (
    Context,
    EnvironmentVariable,
    IntegrationAttachment,
    Policy,
    PolicyEngineType,
    SpaceliftProvider,
    SpaceliftResource,
)
from lab.stacks.base import LabStack

INFRACOST_CONTEXT: Final = "infracost"
ARGOCD_HUB_CONTEXT: Final = "argocd-hub"
HUB_CONNECTION: Final = ("KUBE_HOST", "KUBE_CLUSTER_CA_CERT_DATA", "KUBE_TOKEN")
"""What the kubernetes provider reads from the environment to reach the hub (its
provider.go EnvDefaultFunc); KUBE_TOKEN is the secret one."""


def _writer(kind: StackKind) -> Identity:
    """The identity that applies a ``kind`` stack's changes."""
    return Identity.FOUNDATION if kind is StackKind.FOUNDATION else Identity.EXPERIMENT


class SpaceliftRootStack(LabStack):
    """Every Spacelift resource of the lab, derived from the lab definition."""

    def __init__(self, scope: Construct, definition: StackDefinition, lab: LabDefinition) -> None:
        super().__init__(scope, definition)
        config = lab.config
        settings = config.spacelift
        # No credentials: inside Spacelift the provider uses the run's SPACELIFT_API_TOKEN,
        # which carries the rights of this stack's role attachment. That attachment is made
        # by hand (docs/bootstrap.md step 5) and not managed here: importing it needs an ID
        # that neither Spacelift's docs (concepts/authorization/assigning-roles-stacks.md)
        # nor spacectl shows, and a managed one could be replaced in the middle of a run.
        SpaceliftProvider(self, "spacelift")

        integrations = self._cloud_integrations(config)
        # Contexts holding secrets added by hand attach to the lab's own stacks by name:
        # an autoattach label would hand them to any stack in the space that carries it.
        credentials = {cloud.id: self._credentials_context(config, cloud).id for cloud in CLOUDS}
        if config.cost is not None and config.cost.max_monthly_usd is not None:
            self._infracost_context(config)
        hub = self._argocd_hub_context(config).id if config.argocd is not None else None
        # Policies need a paid Spacelift plan; lab.yaml can leave them out.
        for policy in load_policies(lab.policies_dir) if settings.policies else ():
            SpaceliftResource(
                self,
                f"Policy-{policy.name}",
                Policy(
                    name=policy.name,
                    type=policy.type,
                    engine_type=PolicyEngineType.REGO_V1,
                    body=policy.uploaded_body(
                        self_approval=settings.self_approval,
                        approvers=[
                            Approver(login=a.login, vcs_login=a.vcs_login)
                            for a in settings.approvers
                        ],
                    ),
                    description=policy.description,
                    space_id=settings.space_id,
                    labels=[f"autoattach:{label}" for label in policy.autoattach_labels],
                ),
            ).override_logical_id(policy.name)

        self.stacks: dict[str, SpaceliftStack] = {}
        shared = SharedStackSettings(
            repository=settings.repository,
            branch=settings.branch,
            opentofu_version=settings.opentofu_version,
            github_namespace=settings.github_namespace,
            space_id=settings.space_id,
            worker_pool_id=settings.worker_pool_id,
        )
        drift = settings.drift_detection
        for stack in lab.managed_stacks:  # foundations come before the experiments using them
            self.stacks[stack.id] = SpaceliftStack(
                self,
                stack.id,
                SpaceliftStackProps(
                    slug=stack.id,
                    description=stack.description,
                    project_root=stack.project_root,
                    shared=shared,
                    labels=stack.labels,
                    autodeploy=stack.autodeploy,
                    protect_from_deletion=stack.protect_from_deletion,
                    drift_detection=(
                        DriftDetectionSchedule(schedule=drift.schedule, timezone=drift.timezone)
                        if stack.kind is StackKind.FOUNDATION and drift.enabled
                        else None
                    ),
                    integrations=(
                        integrations[stack.cloud].pair(_writer(stack.kind))
                        if stack.cloud in integrations
                        else None
                    ),
                    upstreams=[
                        Upstream(
                            self.stacks[upstream],
                            {
                                i.value.name: i.input_name
                                for i in stack.inputs
                                if i.upstream == upstream
                            },
                        )
                        for upstream in stack.depends_on
                    ],
                    contexts={
                        cloud_unit(stack.cloud).credentials.name: credentials[stack.cloud],
                        **(
                            {ARGOCD_HUB_CONTEXT: hub}
                            if hub is not None and stack.kind is StackKind.EXPERIMENT
                            else {}
                        ),
                    }
                    if stack.cloud is not None
                    else {},
                    destroy_on_delete=stack.kind is StackKind.EXPERIMENT,
                    # Spacelift triggers schedules only on private workers (its
                    # docs/concepts/stack/scheduling.md); without a pool the expire
                    # workflow deletes the experiment's folder instead (lab/commands/expiry.py).
                    expires=stack.expires if settings.worker_pool_id else None,
                ),
            )

    def _cloud_integrations(self, config: LabConfig) -> dict[Cloud, _Integrations]:
        """Cloud integrations (short-lived credentials per run), for each cloud where lab.yaml
        configures them: a read-only one for plans and one write identity per stack kind."""
        found = {}
        for cloud in CLOUDS:
            module = importlib.import_module(cloud.spacelift)
            ids = {
                identity: SpaceliftResource(
                    self, f"{_construct_prefix(cloud)}-{identity.value}", arguments
                )
                for identity, arguments in module.integrations(config).items()
            }
            for identity, integration in ids.items():
                integration.override_logical_id(f"{cloud.id.value}-{identity.value}")
            if ids:
                found[cloud.id] = _Integrations(
                    module.ATTACHMENT, _construct_prefix(cloud), {i: r.id for i, r in ids.items()}
                )
        return found

    def _infracost_context(self, config: LabConfig) -> SpaceliftResource:
        """The Infracost integration's settings, auto-attached to every stack labelled
        ``infracost``. The API key is added by hand as a secret (docs/bootstrap.md)."""
        context = SpaceliftResource(
            self,
            f"Context-{INFRACOST_CONTEXT}",
            Context(
                name=INFRACOST_CONTEXT,
                description=(
                    "Infracost cost estimates for every stack labelled infracost (Spacelift's "
                    "Infracost integration). Add INFRACOST_API_KEY here by hand as a write-only "
                    "(secret) variable."
                ),
                space_id=config.spacelift.space_id,
                labels=[f"autoattach:{stack_labels.INFRACOST}"],
            ),
        )
        context.override_logical_id(INFRACOST_CONTEXT)
        # A failed estimate must not block a run (a teardown, say): the run goes on without
        # one, and the plan policy warns that the estimate is missing, so a person confirms.
        SpaceliftResource(
            self,
            "InfracostWarnOnFailure",
            EnvironmentVariable(
                context_id=context.id,
                name="INFRACOST_WARN_ON_FAILURE",
                value="true",
                write_only=False,
                description="A failed estimate warns instead of failing the run (not a secret).",
            ),
        ).override_logical_id(f"{INFRACOST_CONTEXT}--INFRACOST_WARN_ON_FAILURE")
        return context

    def _argocd_hub_context(self, config: LabConfig) -> SpaceliftResource:
        """How the experiment stacks reach the ArgoCD hub to register their clusters:
        attached to each experiment stack, filled by hand (docs/argocd.md)."""
        context = SpaceliftResource(
            self,
            f"Context-{ARGOCD_HUB_CONTEXT}",
            Context(
                name=ARGOCD_HUB_CONTEXT,
                description=(
                    "The ArgoCD hub cluster, for the experiment stacks' kubernetes provider. Add "
                    f"{', '.join(HUB_CONNECTION[:2])} (plain) and {HUB_CONNECTION[2]} (write-only "
                    "secret: the hub's argocd-cluster-registrar token) here by hand."
                ),
                space_id=config.spacelift.space_id,
            ),
        )
        context.override_logical_id(ARGOCD_HUB_CONTEXT)
        return context

    def _credentials_context(self, config: LabConfig, cloud: CloudUnit) -> SpaceliftResource:
        """A context attached to each lab stack of ``cloud``, holding non-secret settings.

        Secrets never appear here: without a cloud integration, people add them by hand as
        write-only variables (docs/bootstrap.md).
        """
        settings = cloud.credentials
        context = SpaceliftResource(
            self,
            f"Context-{settings.name}",
            Context(
                name=settings.name,
                description=(
                    f"Non-secret {cloud.id.value} settings for every {cloud.id.value} stack. "
                    f"Without a cloud integration, add {settings.hand_added_secrets} here by "
                    "hand as write-only (secret) variables."
                ),
                space_id=config.spacelift.space_id,
            ),
        )
        context.override_logical_id(settings.name)
        for name, (value, what) in settings.environment(config).items():
            SpaceliftResource(
                self,
                f"{settings.name}--{name}",
                EnvironmentVariable(
                    context_id=context.id,
                    name=name,
                    value=value,
                    write_only=False,
                    description=f"{what} (not a secret).",
                ),
            ).override_logical_id(f"{settings.name}--{name}")
        return context


def _construct_prefix(cloud: CloudUnit) -> str:
    """``AwsIntegration``, ``AzureIntegration``."""
    return f"{cloud.id.value.capitalize()}Integration"


@dataclass(frozen=True)
class _Integrations:
    """One cloud's integrations in the management stack, by identity."""

    attachment: type[IntegrationAttachment]
    name: str
    ids: dict[Identity, str]

    def pair(self, writer: Identity) -> IntegrationPair:
        """The read integration and ``writer``'s."""
        return IntegrationPair(
            attachment=self.attachment,
            name=self.name,
            read_id=self.ids[Identity.READ],
            write_id=self.ids[writer],
        )
