"""``spacelift-root``: the management stack that creates every other Spacelift stack.

It is created once by hand (docs/bootstrap.md) pointing at its own synthesized output;
from then on it manages the lab's stacks, their dependencies and output references,
credential contexts, cloud integrations, policies, drift detection and teardown. The
list of stacks comes from the same :class:`LabDefinition` that synthesizes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from constructs import Construct

from lab import stack_labels
from lab.clouds import Cloud
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
    AwsIntegration,
    AzureIntegration,
    Context,
    EnvironmentVariable,
    Policy,
    PolicyEngineType,
    SpaceliftProvider,
    SpaceliftResource,
)
from lab.stacks.base import LabStack

CREDENTIAL_CONTEXTS: Final = {Cloud.AZURE: "azure-credentials", Cloud.AWS: "aws-credentials"}
INFRACOST_CONTEXT: Final = "infracost"
ARGOCD_HUB_CONTEXT: Final = "argocd-hub"
HUB_CONNECTION: Final = ("KUBE_HOST", "KUBE_CLUSTER_CA_CERT_DATA", "KUBE_TOKEN")
"""What the kubernetes provider reads from the environment to reach the hub (its
provider.go EnvDefaultFunc); KUBE_TOKEN is the secret one."""
_HAND_ADDED_SECRETS: Final = {
    Cloud.AZURE: "ARM_CLIENT_ID, ARM_CLIENT_SECRET, ARM_TENANT_ID, ARM_SUBSCRIPTION_ID",
    Cloud.AWS: "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY",
}


class Identity(StrEnum):
    """The cloud identities of the lab's runs: plans of every stack read; applies write
    as the foundation or as an experiment, never both (docs/bootstrap.md, step 3)."""

    READ = "read"
    FOUNDATION = "foundation"
    EXPERIMENT = "experiment"


def _pair(
    ids: Mapping[tuple[Cloud, Identity], str], cloud: Cloud, kind: StackKind
) -> IntegrationPair | None:
    """The read and write integrations of a ``kind`` stack on ``cloud``, if configured."""
    if (cloud, Identity.READ) not in ids:
        return None
    writer = Identity.FOUNDATION if kind is StackKind.FOUNDATION else Identity.EXPERIMENT
    return IntegrationPair(read_id=ids[(cloud, Identity.READ)], write_id=ids[(cloud, writer)])


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

        integration_ids = self._cloud_integrations(config)
        # Contexts holding secrets added by hand attach to the lab's own stacks by name:
        # an autoattach label would hand them to any stack in the space that carries it.
        credentials = {cloud: self._credentials_context(config, cloud).id for cloud in Cloud}
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
                    aws_integrations=(
                        _pair(integration_ids, Cloud.AWS, stack.kind)
                        if stack.cloud is Cloud.AWS
                        else None
                    ),
                    azure_integrations=(
                        _pair(integration_ids, Cloud.AZURE, stack.kind)
                        if stack.cloud is Cloud.AZURE
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
                        CREDENTIAL_CONTEXTS[stack.cloud]: credentials[stack.cloud],
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

    def _cloud_integrations(self, config: LabConfig) -> dict[tuple[Cloud, Identity], str]:
        """Cloud integrations (short-lived credentials per run), when lab.yaml configures
        them: per cloud, a read-only one for plans and one write identity per stack kind."""
        settings = config.spacelift
        ids: dict[tuple[Cloud, Identity], str] = {}
        if settings.aws_integration is not None:
            aws = settings.aws_integration
            roles = {
                Identity.READ: aws.read_role_arn,
                Identity.FOUNDATION: aws.foundation_role_arn,
                Identity.EXPERIMENT: aws.experiment_role_arn,
            }
            for identity, role_arn in roles.items():
                integration = SpaceliftResource(
                    self,
                    f"AwsIntegration-{identity.value}",
                    AwsIntegration(
                        name=f"{config.name}-aws-{identity.value}",
                        role_arn=role_arn,
                        # Creating an EKS cluster outlasts the 900 s default session.
                        duration_seconds=aws.duration_seconds,
                        region=config.aws.region,
                        space_id=settings.space_id,
                    ),
                )
                integration.override_logical_id(f"aws-{identity.value}")
                ids[(Cloud.AWS, identity)] = integration.id
        if settings.azure_integration is not None:
            # Each Azure integration is its own Entra application (service principal), so
            # each gets its own consent and its own role assignments (docs/bootstrap.md).
            for identity in Identity:
                azure = SpaceliftResource(
                    self,
                    f"AzureIntegration-{identity.value}",
                    AzureIntegration(
                        name=f"{config.name}-azure-{identity.value}",
                        tenant_id=settings.azure_integration.tenant_id,
                        default_subscription_id=settings.azure_integration.subscription_id,
                        space_id=settings.space_id,
                    ),
                )
                azure.override_logical_id(f"azure-{identity.value}")
                ids[(Cloud.AZURE, identity)] = azure.id
        return ids

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

    def _credentials_context(self, config: LabConfig, cloud: Cloud) -> SpaceliftResource:
        """A context attached to each lab stack of ``cloud``, holding non-secret settings.

        Secrets never appear here: without a cloud integration, people add them by hand as
        write-only variables (docs/bootstrap.md).
        """
        context = SpaceliftResource(
            self,
            f"Context-{CREDENTIAL_CONTEXTS[cloud]}",
            Context(
                name=CREDENTIAL_CONTEXTS[cloud],
                description=(
                    f"Non-secret {cloud.value} settings for every {cloud.value} stack. Without a "
                    f"cloud integration, add {_HAND_ADDED_SECRETS[cloud]} here by hand as "
                    "write-only (secret) variables."
                ),
                space_id=config.spacelift.space_id,
            ),
        )
        context.override_logical_id(CREDENTIAL_CONTEXTS[cloud])
        if cloud is Cloud.AWS:
            SpaceliftResource(
                self,
                "AwsRegion",
                EnvironmentVariable(
                    context_id=context.id,
                    name="AWS_REGION",
                    value=config.aws.region,
                    write_only=False,
                    description="Region of the lab (not a secret).",
                ),
            ).override_logical_id(f"{CREDENTIAL_CONTEXTS[cloud]}--AWS_REGION")
        return context
