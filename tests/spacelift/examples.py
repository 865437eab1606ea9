"""Stacks that exercise the bindings with every option set (shared by several tests)."""

from __future__ import annotations

from typing import Any

from cdktn import TerraformResourceLifecycle, TerraformStack

from lab.spacelift import (
    SPACE_ADMIN_ROLE_SLUG,
    AwsIntegration,
    AwsIntegrationAttachment,
    AzureIntegration,
    AzureIntegrationAttachment,
    Context,
    ContextAttachment,
    DataSpaceliftRole,
    DriftDetection,
    EnvironmentVariable,
    OpenTofuWorkflowTool,
    Policy,
    PolicyAttachment,
    PolicyEngineType,
    PolicyType,
    RoleAttachment,
    ScheduledDeleteStack,
    SpaceliftProvider,
    Stack,
    StackDependency,
    StackDependencyReference,
    StackDestructor,
    StackDestructorTimeouts,
    StackGitHubEnterprise,
    StackOpenTofu,
    StackOpenTofuLogging,
    TerraformWorkflowTool,
)

HOOKS = (
    "before_init",
    "after_init",
    "before_plan",
    "after_plan",
    "before_apply",
    "after_apply",
    "before_perform",
    "after_perform",
    "before_destroy",
    "after_destroy",
    "after_run",
)
"""The hook lists that stacks and contexts share."""


def hooks() -> dict[str, Any]:
    """One command per hook, named after the hook."""
    return {hook: [f"echo {hook}"] for hook in HOOKS}


def full_stack(scope: TerraformStack, id: str = "Foundation") -> Stack:
    """A native OpenTofu stack with every argument the binding offers except ``terraform_*``."""
    return Stack(
        scope,
        id,
        name="AWS foundation",
        repository="illm-k8s-lab",
        branch="main",
        slug="aws-foundation",
        description="VPC and shared AWS resources",
        space_id="lab-01HXYZ",
        labels=["lab", "aws"],
        project_root="cdktf.out/stacks/aws-foundation",
        additional_project_globs=["lab/**", "lab.yaml"],
        github_enterprise=StackGitHubEnterprise(namespace="illm", id="github-custom-app"),
        opentofu=StackOpenTofu(
            version="1.10.6",
            workflow_tool=OpenTofuWorkflowTool.OPENTOFU,
            workspace="default",
            use_smart_sanitization=True,
            external_state_access=False,
            logging=StackOpenTofuLogging(concise=True),
        ),
        autodeploy=False,
        autoretry=True,
        allow_run_promotion=False,
        protect_from_deletion=True,
        manage_state=True,
        enable_local_preview=False,
        enable_sensitive_outputs_upload=False,
        enable_well_known_secret_masking=True,
        runner_image="public.ecr.aws/spacelift/runner-terraform:latest",
        worker_pool_id="01HWORKERPOOL",
        **hooks(),
    )


def every_binding(scope: TerraformStack) -> None:
    """Every binding, with every option set, wired together by tokens and meta-arguments."""
    SpaceliftProvider(scope, "Spacelift")
    other_account = SpaceliftProvider(scope, "OtherAccount", alias="other")

    foundation = full_stack(scope)
    cluster = Stack(
        scope,
        "Cluster",
        name="EKS cluster",
        repository="illm-k8s-lab",
        branch="main",
        terraform_version="1.10.6",
        terraform_workflow_tool=TerraformWorkflowTool.OPEN_TOFU,
        terraform_workspace="default",
        terraform_smart_sanitization=True,
        terraform_external_state_access=False,
        lifecycle=TerraformResourceLifecycle(prevent_destroy=False),
    )
    dependency = StackDependency(
        scope, "ClusterOnFoundation", stack_id=cluster.id, depends_on_stack_id=foundation.id
    )
    StackDependencyReference(
        scope,
        "VpcId",
        stack_dependency_id=dependency.id,
        output_name="vpc_id",
        input_name="TF_VAR_vpc_id",
        trigger_always=True,
    )

    context = Context(
        scope,
        "Shared",
        name="lab-shared",
        description="Settings every lab stack needs",
        space_id="lab-01HXYZ",
        labels=["autoattach:lab"],
        **hooks(),
    )
    ContextAttachment(
        scope, "SharedOnCluster", context_id=context.id, stack_id=cluster.id, priority=1
    )
    ContextAttachment(scope, "SharedOnModule", context_id=context.id, module_id="vpc-module")
    region = EnvironmentVariable(
        scope,
        "Region",
        name="TF_VAR_region",
        value="eu-west-1",
        write_only=False,
        description="Default AWS region",
        context_id=context.id,
    )
    EnvironmentVariable(scope, "Tier", name="TIER", value="lab", stack_id=cluster.id)
    EnvironmentVariable(scope, "ModuleTier", name="TIER", value="lab", module_id="vpc-module")

    policy = Policy(
        scope,
        "PlanGate",
        name="plan-gate",
        type=PolicyType.PLAN,
        body='package spacelift\n\nwarn contains "review" if true\n',
        engine_type=PolicyEngineType.REGO_V1,
        description="Warn on every tracked change",
        space_id="lab-01HXYZ",
        labels=["lab"],
    )
    PolicyAttachment(scope, "PlanGateOnCluster", policy_id=policy.id, stack_id=cluster.id)
    PolicyAttachment(scope, "PlanGateOnModule", policy_id=policy.id, module_id="vpc-module")

    DriftDetection(
        scope,
        "ClusterDrift",
        stack_id=cluster.id,
        schedule=["0 6 * * 1-5"],
        reconcile=True,
        ignore_state=False,
        timezone="Europe/Berlin",
    )

    aws = AwsIntegration(
        scope,
        "Aws",
        name="lab-aws",
        role_arn="arn:aws:iam::123456789012:role/spacelift-lab",
        duration_seconds=3600,
        region="eu-west-1",
        external_id="lab-external-id",
        generate_credentials_in_worker=False,
        tag_assume_role=True,
        space_id="lab-01HXYZ",
        labels=["autoattach:aws"],
        autoattach_enabled=True,
    )
    aws_attachment = AwsIntegrationAttachment(
        scope, "AwsOnCluster", integration_id=aws.id, stack_id=cluster.id, read=True, write=True
    )
    azure = AzureIntegration(
        scope,
        "Azure",
        name="lab-azure",
        tenant_id="11111111-2222-3333-4444-555555555555",
        default_subscription_id="aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        space_id="lab-01HXYZ",
        labels=["autoattach:azure"],
        autoattach_enabled=True,
    )
    AzureIntegrationAttachment(
        scope,
        "AzureOnModule",
        integration_id=azure.id,
        module_id="aks-module",
        subscription_id="aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
        read=True,
        write=False,
    )

    StackDestructor(
        scope,
        "ClusterDestructor",
        stack_id=cluster.id,
        deactivated=False,
        discard_runs=True,
        timeouts=StackDestructorTimeouts(delete="1h"),
        depends_on=[aws_attachment, region],
    )
    ScheduledDeleteStack(
        scope, "ClusterExpiry", stack_id=cluster.id, at=1_893_456_000, delete_resources=True
    )

    admin = DataSpaceliftRole(scope, "SpaceAdmin", slug=SPACE_ADMIN_ROLE_SLUG)
    DataSpaceliftRole(
        scope, "RoleById", role_id="01K07523Q8B4TBF0YHQRF6J5MW", provider=other_account
    )
    RoleAttachment(
        scope,
        "FoundationIsSpaceAdmin",
        role_id=admin.id,
        space_id="lab-01HXYZ",
        stack_id=foundation.id,
    )
    for principal in ("api_key_id", "idp_group_mapping_id", "user_id"):
        principal_argument: dict[str, Any] = {principal: "01PRINCIPAL"}
        RoleAttachment(
            scope,
            f"AdminFor-{principal}",
            role_id=admin.id,
            space_id="lab-01HXYZ",
            provider=other_account,
            **principal_argument,
        )
