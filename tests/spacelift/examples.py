"""A stack that uses every binding with every argument set (shared by several tests)."""

from __future__ import annotations

from cdktn import ITerraformDependable, TerraformStack

import lab.spacelift
from lab.rules.policies import PolicyType
from lab.spacelift import (
    Arguments,
    AwsIntegration,
    AwsIntegrationAttachment,
    AzureIntegration,
    AzureIntegrationAttachment,
    Context,
    ContextAttachment,
    DriftDetection,
    EnvironmentVariable,
    OpenTofuWorkflowTool,
    Policy,
    PolicyEngineType,
    ScheduledDeleteStack,
    SpaceliftProvider,
    SpaceliftResource,
    Stack,
    StackDependency,
    StackDependencyReference,
    StackDestructor,
    StackGitHubEnterprise,
    StackOpenTofu,
)

BINDINGS: list[type[Arguments]] = [
    binding
    for binding in (getattr(lab.spacelift, name) for name in lab.spacelift.__all__)
    if isinstance(binding, type)
    and issubclass(binding, Arguments)
    and hasattr(binding, "TERRAFORM_TYPE")
]
"""Every resource binding: the argument classes that name a Terraform type."""

FULL_STACK = Stack(
    name="AWS foundation",
    repository="illm-k8s-lab",
    branch="main",
    slug="aws-foundation",
    description="VPC and shared AWS resources",
    space_id="lab-01HXYZ",
    labels=["lab", "aws"],
    project_root="cdktf.out/stacks/aws-foundation",
    github_enterprise=StackGitHubEnterprise(namespace="illm"),
    opentofu=StackOpenTofu(
        version="1.10.6",
        workflow_tool=OpenTofuWorkflowTool.OPENTOFU,
        use_smart_sanitization=True,
        external_state_access=False,
    ),
    manage_state=True,
    autodeploy=False,
    protect_from_deletion=True,
    worker_pool_id="01HWORKERPOOL",
    enable_well_known_secret_masking=True,
)
"""A native OpenTofu stack with every argument the binding offers."""


def every_binding(scope: TerraformStack) -> dict[str, SpaceliftResource]:
    """Every binding, with every argument set, wired together by tokens; by construct id."""
    SpaceliftProvider(scope, "Spacelift")
    made: dict[str, SpaceliftResource] = {}

    def add(
        id: str, arguments: Arguments, depends_on: list[ITerraformDependable] | None = None
    ) -> SpaceliftResource:
        made[id] = SpaceliftResource(scope, id, arguments, depends_on=depends_on)
        return made[id]

    foundation = add("Foundation", FULL_STACK)
    cluster = add("Cluster", Stack(name="EKS cluster", repository="illm-k8s-lab", branch="main"))
    dependency = add(
        "ClusterOnFoundation",
        StackDependency(stack_id=cluster.id, depends_on_stack_id=foundation.id),
    )
    add(
        "VpcId",
        StackDependencyReference(
            stack_dependency_id=dependency.id, output_name="vpc_id", input_name="TF_VAR_vpc_id"
        ),
    )
    context = add(
        "Shared",
        Context(
            name="lab-shared",
            description="Settings every lab stack needs",
            space_id="lab-01HXYZ",
            labels=["autoattach:lab"],
        ),
    )
    add("SharedOnCluster", ContextAttachment(context_id=context.id, stack_id=cluster.id))
    region = add(
        "Region",
        EnvironmentVariable(
            context_id=context.id,
            name="AWS_REGION",
            value="eu-west-1",
            write_only=False,
            description="Region of the lab",
        ),
    )
    add(
        "PlanGate",
        Policy(
            name="plan-gate",
            type=PolicyType.PLAN,
            body='package spacelift\n\nwarn contains "review" if true\n',
            engine_type=PolicyEngineType.REGO_V1,
            description="Warn on every tracked change",
            space_id="lab-01HXYZ",
            labels=["autoattach:lab"],
        ),
    )
    add(
        "ClusterDrift",
        DriftDetection(
            stack_id=cluster.id,
            schedule=["0 6 * * 1-5"],
            timezone="Europe/Berlin",
            reconcile=True,
        ),
    )
    aws = add(
        "Aws",
        AwsIntegration(
            name="lab-aws",
            role_arn="arn:aws:iam::123456789012:role/spacelift-lab",
            duration_seconds=3600,
            region="eu-west-1",
            space_id="lab-01HXYZ",
        ),
    )
    aws_attachment = add(
        "AwsOnCluster",
        AwsIntegrationAttachment(
            integration_id=aws.id, stack_id=cluster.id, read=True, write=False
        ),
    )
    azure = add(
        "Azure",
        AzureIntegration(
            name="lab-azure",
            tenant_id="11111111-2222-3333-4444-555555555555",
            default_subscription_id="aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
            space_id="lab-01HXYZ",
        ),
    )
    add(
        "AzureOnFoundation",
        AzureIntegrationAttachment(
            integration_id=azure.id, stack_id=foundation.id, read=False, write=True
        ),
    )
    add(
        "ClusterDestructor",
        StackDestructor(stack_id=cluster.id),
        depends_on=[aws_attachment, region],
    )
    add(
        "ClusterExpiry",
        ScheduledDeleteStack(stack_id=cluster.id, at=1_893_456_000, delete_resources=True),
    )
    return made
