"""A Spacelift stack with everything that belongs to it: settings, drift detection,
cloud credentials, dependencies with output references, teardown and expiry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from cdktn import ITerraformDependable
from constructs import Construct

from lab import stack_labels
from lab.spacelift import (
    Arguments,
    ContextAttachment,
    DriftDetection,
    IntegrationAttachment,
    OpenTofuWorkflowTool,
    ScheduledDeleteStack,
    SpaceliftResource,
    Stack,
    StackDependency,
    StackDependencyReference,
    StackDestructor,
    StackGitHubEnterprise,
    StackOpenTofu,
)

DEFAULT_DRIFT_TIMEZONE: Final = "UTC"


@dataclass(frozen=True, kw_only=True)
class DriftDetectionSchedule:
    """When Spacelift checks the stack for drift (a proposed run on a schedule)."""

    schedule: Sequence[str]
    """Cron expressions, e.g. ``("0 6 * * 1-5",)``."""
    timezone: str = DEFAULT_DRIFT_TIMEZONE
    """Default: UTC."""
    reconcile: bool = False
    """Default: false. True would start a tracked run to undo drift; the lab leaves that
    decision to a person, since drift on a network usually means someone changed it by hand."""

    def __post_init__(self) -> None:
        assert self.schedule, "schedule: lab.yaml's rules give at least one cron expression"


@dataclass(frozen=True)
class Upstream:
    """A stack this one runs after, and the upstream outputs it receives as inputs."""

    stack: SpaceliftStack
    references: Mapping[str, str] = field(default_factory=dict)
    """Upstream output name -> this stack's input (``{"vpc_id": "TF_VAR_vpc_id"}``).
    Spacelift sets each input from the upstream's last applied output and reruns this
    stack when a referenced output changes."""


@dataclass(frozen=True, kw_only=True)
class IntegrationPair:
    """One cloud's integrations for a stack: ``read_id`` attached for the read phase only
    (plans, pull-request previews included), ``write_id`` for the write phase only
    (applies). Spacelift passes the phase in the AWS external ID
    (``<account>@<integration>@<stack>@<read|write>``) and allows at most two integrations
    per stack, one per phase (spacelift-io/user-documentation@0512e78,
    docs/integrations/cloud-providers/aws.md, "Trust Policy" and "Read vs Write")."""

    attachment: type[IntegrationAttachment]
    """The cloud's attachment binding (:class:`lab.spacelift.AwsIntegrationAttachment`)."""
    name: str
    """Construct id prefix of the two attachments (``AwsIntegration``)."""
    read_id: str
    write_id: str

    def __post_init__(self) -> None:
        # A preview must not run with the identity that applies (lab.yaml's rules give three
        # distinct roles). Tokens compare as strings too: each reference is encoded anew, so
        # only the very same reference passed twice is equal.
        assert self.read_id != self.write_id, (
            f"IntegrationPair: read_id and write_id are both {self.read_id!r}"
        )


@dataclass(frozen=True, kw_only=True)
class SharedStackSettings:
    """What every stack of the lab shares: where its code comes from, the OpenTofu release that
    runs it, and where it lives and runs."""

    repository: str
    """Repository name without its owner."""
    branch: str
    opentofu_version: str
    """OpenTofu release the stacks run, pinned exactly."""
    github_namespace: str | None = None
    """Repository owner for a GitHub custom app integration. Default: the account's default
    VCS integration."""
    space_id: str | None = None
    """Default: the provider's default space."""
    worker_pool_id: str | None = None
    """Default: the public worker pool."""


@dataclass(frozen=True, kw_only=True)
class SpaceliftStackProps:
    """Inputs of :class:`SpaceliftStack`."""

    slug: str
    """The stack's immutable ID; equals the CDKTF stack id whose output it applies."""
    description: str
    project_root: str
    """Directory the stack runs in, relative to the repository root."""
    shared: SharedStackSettings
    """The settings this stack shares with every other stack of the lab."""
    labels: Sequence[str] = ()
    """Labels; they also select auto-attached contexts and policies. Default: none."""
    autodeploy: bool = False
    """Default: false: every tracked run waits for a confirmation."""
    protect_from_deletion: bool = False
    """Default: false. True makes deleting the stack fail until it is turned off."""
    drift_detection: DriftDetectionSchedule | None = None
    """Default: none."""
    integrations: IntegrationPair | None = None
    """The stack's cloud integrations to attach, one per phase. Default: none."""
    contexts: Mapping[str, str] = field(default_factory=dict)
    """Contexts to attach to this stack alone (name -> context ID), rather than by an
    ``autoattach:`` label that any stack in the space could carry. Default: none."""
    upstreams: Sequence[Upstream] = ()
    """Stacks whose tracked runs must finish first. Default: none."""
    destroy_on_delete: bool = False
    """Default: false. True adds a stack destructor: removing the stack from the code first
    destroys the cloud resources it manages, with its credentials and inputs still in place."""
    expires: date | None = None
    """After this date (UTC) Spacelift deletes the stack and its resources. Default: never."""

    def __post_init__(self) -> None:
        # Spacelift asks the approval policy nothing between plan and apply on an autodeploy
        # stack, so a protected one would never be reviewed.
        protected = stack_labels.PROTECTED.intersection(self.labels)
        assert not (self.autodeploy and protected), (
            f"autodeploy: {self.slug} is a {sorted(protected)[0]} stack, whose changes are "
            "reviewed before they apply"
        )
        # A scheduled deletion destroys the resources: removing the stack by hand must too.
        assert self.expires is None or self.destroy_on_delete, (
            "expires: needs destroy_on_delete=True"
        )


class SpaceliftStack(Construct):
    """One Spacelift stack running OpenTofu on Spacelift-managed state.

    Every stack gets smart sanitization (plan policies then see plain, non-sensitive
    values). Foundations and experiments differ only in props. Logical ids are the slug
    (``spacelift_stack.aws-foundation``), so the synthesized JSON reads like the stack list.
    """

    def __init__(self, scope: Construct, id: str, props: SpaceliftStackProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.slug = props.slug
        shared = props.shared
        self.resource = self._add(
            "Stack",
            Stack(
                name=props.slug,
                slug=props.slug,
                description=props.description,
                project_root=props.project_root,
                labels=sorted(set(props.labels)),
                repository=shared.repository,
                branch=shared.branch,
                github_enterprise=(
                    StackGitHubEnterprise(namespace=shared.github_namespace)
                    if shared.github_namespace
                    else None
                ),
                space_id=shared.space_id,
                worker_pool_id=shared.worker_pool_id,
                # The native OpenTofu vendor, not the Terraform vendor with workflow tool
                # OPEN_TOFU: Spacelift migrates such stacks to the native vendor server-side,
                # and the provider then maps the fields back (spacelift-io/
                # terraform-provider-spacelift b4274186, spacelift/internal/structs/stack.go),
                # so the Terraform vendor is no lasting route to its Infracost integration
                # (docs/workflows.md, "Cost estimates").
                opentofu=StackOpenTofu(
                    version=shared.opentofu_version,
                    workflow_tool=OpenTofuWorkflowTool.OPENTOFU,
                    use_smart_sanitization=True,
                    # Off (the provider's default, written out): only the stack's own runs and
                    # tasks touch its state; values between stacks go by output references.
                    # docs/workflows.md, "State".
                    external_state_access=False,
                ),
                # Spacelift hosts the state; the synthesized JSON has no backend block. The
                # provider replaces a stack whose manage_state changes (ForceNew in
                # spacelift/resource_stack.go at 85652615), which would destroy an experiment.
                manage_state=True,
                autodeploy=props.autodeploy,
                protect_from_deletion=props.protect_from_deletion,
                enable_well_known_secret_masking=True,
            ),
        )
        self.id: str = self.resource.id
        # Whatever a destroy run needs (credentials, inputs) must outlive the destructor:
        # it depends on all of it, so OpenTofu removes the destructor first, running the
        # destroy while everything is in place, then the rest, then the stack.
        teardown_prerequisites: list[ITerraformDependable] = []

        if props.drift_detection is not None:
            self._add(
                "DriftDetection",
                DriftDetection(
                    stack_id=self.id,
                    schedule=list(props.drift_detection.schedule),
                    timezone=props.drift_detection.timezone,
                    reconcile=props.drift_detection.reconcile,
                ),
            )
        if (pair := props.integrations) is not None:
            for phase, integration_id in (("read", pair.read_id), ("write", pair.write_id)):
                arguments = pair.attachment(
                    integration_id=integration_id,
                    stack_id=self.id,
                    read=phase == "read",
                    write=phase == "write",
                )
                teardown_prerequisites.append(
                    self._add(f"{pair.name}-{phase}", arguments, connects=phase)
                )
        for name, context_id in sorted(props.contexts.items()):
            context = ContextAttachment(context_id=context_id, stack_id=self.id)
            teardown_prerequisites.append(self._add(f"Context-{name}", context, connects=name))
        self.dependencies: dict[str, SpaceliftResource] = {}
        for upstream in props.upstreams:
            dependency = self._add(
                f"DependsOn-{upstream.stack.slug}",
                StackDependency(stack_id=self.id, depends_on_stack_id=upstream.stack.id),
                connects=upstream.stack.slug,
            )
            self.dependencies[upstream.stack.slug] = dependency
            teardown_prerequisites.append(dependency)
            for output_name, input_name in sorted(upstream.references.items()):
                reference = StackDependencyReference(
                    stack_dependency_id=dependency.id,
                    output_name=output_name,
                    input_name=input_name,
                )
                teardown_prerequisites.append(
                    self._add(f"Input-{input_name}", reference, connects=input_name)
                )
        if props.destroy_on_delete:
            self._add(
                "Destructor", StackDestructor(stack_id=self.id), depends_on=teardown_prerequisites
            )
        if props.expires is not None:
            self._add(
                "ScheduledDelete",
                ScheduledDeleteStack(
                    stack_id=self.id,
                    at=deletion_timestamp(props.expires),
                    delete_resources=True,
                ),
            )

    def _add(
        self,
        id: str,
        arguments: Arguments,
        *,
        connects: str | None = None,
        depends_on: Sequence[ITerraformDependable] | None = None,
    ) -> SpaceliftResource:
        """A resource of this stack. Its logical id is the slug, or ``<slug>--<connects>`` for
        what connects the stack to something (a phase's credentials, a context, an upstream
        stack or an input), so the JSON reads like the stack list rather than construct paths."""
        resource = SpaceliftResource(self, id, arguments, depends_on=depends_on)
        slug = self.props.slug
        resource.override_logical_id(slug if connects is None else f"{slug}--{connects}")
        return resource


def deletion_timestamp(expires: date) -> int:
    """Unix time at which an experiment that expires on ``expires`` is deleted: the
    following midnight UTC, so the whole expiry day is still usable."""
    moment = datetime.combine(expires + timedelta(days=1), time(0), tzinfo=UTC)
    return int(moment.timestamp())
