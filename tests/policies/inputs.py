"""Whole, realistic Spacelift policy inputs for this lab's stacks.

The shapes follow Spacelift's documented input documents for each policy type
(approval: ``run``/``stack``/``reviews``; plan: ``spacelift``/``terraform``; push:
``push``/``pull_request``/``stack``/``in_progress``). The values are plausible ones for
this lab: its stack ids and labels, ``cdktf.out/stacks/<id>`` project roots, OpenTofu,
CDKTF resource addresses. Smart sanitization is on, so plan values are plain text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

JsonDict = dict[str, Any]

REPOSITORY = "illm-k8s-lab"
TRACKED_BRANCH = "main"
OPENTOFU_VERSION = "1.11.14"
# A fixed clock (2026-01-05T09:00:00Z) keeps documents reproducible.
NOW_NS = 1_767_603_600_000_000_000
MINUTE_NS = 60_000_000_000


@dataclass(frozen=True)
class LabStack:
    """One of the lab's Spacelift stacks, as the management stack defines it."""

    id: str
    labels: tuple[str, ...]
    autodeploy: bool

    @property
    def project_root(self) -> str:
        return f"cdktf.out/stacks/{self.id}"

    def relabelled(self, *, drop: str = "", add: Sequence[str] = ()) -> LabStack:
        """The same stack with labels starting with ``drop`` removed and ``add`` appended."""
        kept = tuple(label for label in self.labels if not (drop and label.startswith(drop)))
        return replace(self, labels=(*kept, *add))


SPACELIFT_ROOT = LabStack("spacelift-root", ("illm-k8s-lab", "management"), autodeploy=False)
AZURE_FOUNDATION = LabStack(
    "azure-foundation", ("illm-k8s-lab", "foundation", "azure"), autodeploy=False
)
AWS_FOUNDATION = LabStack("aws-foundation", ("illm-k8s-lab", "foundation", "aws"), autodeploy=False)
# The management stack labels every experiment stack with lab.yaml's node cap
# (limits.max_nodes_per_cluster, 10 in lab.yaml).
HTTP_BASELINE_AKS = LabStack(
    "exp-http-baseline-aks",
    (
        "illm-k8s-lab",
        "experiment",
        "azure",
        "experiment:http-baseline",
        "max-nodes-per-cluster:10",
    ),
    autodeploy=True,
)
MULTI_CLOUD_DEMO_EKS = LabStack(
    "exp-multi-cloud-demo-eks",
    (
        "illm-k8s-lab",
        "experiment",
        "aws",
        "experiment:multi-cloud-demo",
        "max-nodes-per-cluster:10",
    ),
    autodeploy=True,
)
LAB_STACKS = (
    SPACELIFT_ROOT,
    AZURE_FOUNDATION,
    AWS_FOUNDATION,
    HTTP_BASELINE_AKS,
    MULTI_CLOUD_DEMO_EKS,
)


# --- shared pieces ---------------------------------------------------------------------


def commit(
    sha: str, author: str, message: str, *, branch: str = TRACKED_BRANCH, minutes_ago: int = 30
) -> JsonDict:
    """A commit as runs and stacks describe it."""
    return {
        "author": author,
        "branch": branch,
        "created_at": NOW_NS - minutes_ago * MINUTE_NS,
        "exist_on_tracked_branch": branch == TRACKED_BRANCH,
        "hash": sha,
        "message": message,
        "pull_request_id": None,
        "tag": "",
        "url": f"https://github.com/illmadecoder/{REPOSITORY}/commit/{sha}",
    }


def stack(lab_stack: LabStack) -> JsonDict:
    """The ``stack`` document of approval and push inputs (plan input nests it too)."""
    return {
        "additional_project_globs": [],
        "administrative": False,
        "autodeploy": lab_stack.autodeploy,
        "branch": TRACKED_BRANCH,
        "contexts": [],
        "id": lab_stack.id,
        "labels": list(lab_stack.labels),
        "locked_by": None,
        "name": lab_stack.id,
        "namespace": "",
        "project_root": lab_stack.project_root,
        "repository": REPOSITORY,
        "roles": [],
        "space": {"id": "root", "labels": [], "name": "root"},
        "state": "FINISHED",
        "terraform_version": OPENTOFU_VERSION,
        "terraform_workflow_tool": "OPEN_TOFU",
        "tracked_commit": commit(
            "4b825dc642cb6eb9a060e54bf8d69288fbee4904", "alice", "Synthesize", minutes_ago=600
        ),
        "worker_pool": {"id": None, "labels": [], "name": None, "public": True},
    }


def session(login: str, name: str) -> JsonDict:
    """The session of a person who created a run from the UI or spacectl."""
    return {
        "account_name": "illm",
        "admin": False,
        "creator_ip": "198.51.100.23",
        "login": login,
        "machine": False,
        "member": True,
        "name": name,
        "stack_id": None,
        "teams": ["platform"],
    }


def run(
    lab_stack: LabStack,
    *,
    run_id: str,
    run_type: str,
    state: str,
    commit: JsonDict,
    triggered_by: str | None = None,
    creator: JsonDict | None = None,
    changes: Sequence[JsonDict] = (),
    command: str | None = None,
    drift_detection: bool = False,
) -> JsonDict:
    """A run document. A run started by a Git push has no trigger user and no session."""
    return {
        "based_on_local_workspace": False,
        "branch": commit["branch"],
        "changes": list(changes),
        "command": command,
        "commit": commit,
        "created_at": NOW_NS - 10 * MINUTE_NS,
        "creator_session": creator,
        "drift_detection": drift_detection,
        "flags": [],
        "id": run_id,
        "repository_runtime_config_changed": False,
        "runtime_config": {
            "after_apply": [],
            "after_init": [],
            "after_plan": [],
            "before_apply": [],
            "before_init": [],
            "before_plan": [],
            "environment": {},
            "project_root": lab_stack.project_root,
            "runner_image": "public.ecr.aws/spacelift/runner-terraform:latest",
            "terraform_version": OPENTOFU_VERSION,
        },
        "state": state,
        "triggered_by": triggered_by,
        "type": run_type,
        "updated_at": NOW_NS - MINUTE_NS,
        "user_provided_metadata": [],
    }


REPLACEMENT_ACTIONS = ("destroy-Before-create-replaced", "create-Before-destroy-replaced")
"""How ``run.changes`` reports a replaced entity, in each order of operations."""
DELETION_ACTIONS = ("deleted", *REPLACEMENT_ACTIONS)
"""Every ``run.changes`` action that removes the entity's current object."""


def entity_change(action: str, address: str, resource_type: str) -> JsonDict:
    """One entry of ``run.changes``: ``added``, ``changed``, ``deleted`` or a replacement
    (:data:`REPLACEMENT_ACTIONS`) in the plan."""
    return {
        "action": action,
        "entity": {
            "address": address,
            "data": {},
            "entity_type": "output" if resource_type == "output" else "resource",
            "entity_vendor": "terraform",
            "name": address.rsplit(".", 1)[-1],
            "type": resource_type,
        },
        "moved": False,
        "phase": "plan",
    }


# --- approval --------------------------------------------------------------------------


def review(login: str, name: str, *, state: str) -> JsonDict:
    """A review made in the UI, two minutes ago, while the run was in ``state``."""
    return {
        "author": login,
        "author_roles": [{"id": "space-writer", "name": "Space writer", "slug": "space-writer"}],
        "request": {"remote_ip": "203.0.113.77", "timestamp_ns": NOW_NS - 2 * MINUTE_NS},
        "session": {"login": login, "name": name, "teams": ["platform"]},
        "state": state,
        "state_version": 1,
    }


def approval_input(
    lab_stack: LabStack,
    run: JsonDict,
    *,
    approvals: Iterable[JsonDict] = (),
    rejections: Iterable[JsonDict] = (),
    older: Any = (),
) -> JsonDict:
    """An approval policy input; ``older`` is passed through in whichever shape is given."""
    return {
        "reviews": {
            "current": {"approvals": list(approvals), "rejections": list(rejections)},
            "older": list(older) if isinstance(older, tuple) else older,
        },
        "run": run,
        "stack": stack(lab_stack),
    }


# --- plan ------------------------------------------------------------------------------

_PROVIDERS = {
    "aws": "registry.opentofu.org/hashicorp/aws",
    "azurerm": "registry.opentofu.org/hashicorp/azurerm",
    "spacelift": "registry.opentofu.org/spacelift-io/spacelift",
}
_RUN_CHANGE_ACTIONS = {"create": "added", "update": "changed", "delete": "deleted"}


def resource_change(
    address: str,
    actions: Sequence[str],
    *,
    before: JsonDict | None = None,
    after: JsonDict | None = None,
) -> JsonDict:
    """One ``terraform.resource_changes`` entry, as ``tofu show -json`` prints it."""
    resource_type, name = address.split(".", 1)
    return {
        "address": address,
        "change": {
            "actions": list(actions),
            "after": after,
            "after_sensitive": {},
            "after_unknown": {},
            "before": before,
            "before_sensitive": {},
        },
        "mode": "managed",
        "name": name,
        "provider_name": _PROVIDERS[resource_type.split("_", 1)[0]],
        "type": resource_type,
    }


PLAN_KEYS = ("terraform", "opentofu")
"""Where plan input may carry the plan: the Terraform vendor's key, and the key the native
OpenTofu vendor presumably uses (not documented yet; the plan policy reads either)."""


def plan_input(
    lab_stack: LabStack,
    run: JsonDict,
    resource_changes: Sequence[JsonDict],
    *,
    plan_key: str = "terraform",
) -> JsonDict:
    """A plan policy input with the plan under ``plan_key`` (one of :data:`PLAN_KEYS`);
    ``run.changes`` summarises ``resource_changes`` as Spacelift does."""
    summary = [
        entity_change(_RUN_CHANGE_ACTIONS[action], change["address"], change["type"])
        for change in resource_changes
        for action in change["change"]["actions"]
        if action in _RUN_CHANGE_ACTIONS
    ]
    return {
        "spacelift": {
            "commit": run["commit"],
            "request": {"remote_ip": "203.0.113.77", "timestamp_ns": NOW_NS},
            "run": {**run, "changes": summary},
            "stack": stack(lab_stack),
        },
        plan_key: {
            "resource_changes": list(resource_changes),
            "terraform_version": OPENTOFU_VERSION,
        },
        "third_party_metadata": {},
    }


def with_infracost(document: JsonDict, report: Any) -> JsonDict:
    """A plan input whose third-party metadata holds ``report`` as Spacelift's Infracost
    integration passes it (``third_party_metadata.infracost``)."""
    return {**document, "third_party_metadata": {"infracost": report}}


def aks_cluster(
    *,
    authorized_ip_ranges: Sequence[str] = ("203.0.113.0/24",),
    private: bool = False,
    max_count: int = 4,
) -> JsonDict:
    """The planned attributes of an experiment's AKS cluster (an autoscaling system pool
    of 2 to ``max_count`` nodes, 2 to start with)."""
    return {
        "api_server_access_profile": [
            {
                "authorized_ip_ranges": list(authorized_ip_ranges),
                "subnet_id": None,
                "virtual_network_integration_enabled": False,
            }
        ],
        "automatic_upgrade_channel": "patch",
        "azure_policy_enabled": True,
        "default_node_pool": [
            {
                "auto_scaling_enabled": True,
                "max_count": max_count,
                "max_pods": 110,
                "min_count": 2,
                "name": "system",
                "node_count": 2,
                "os_disk_size_gb": 128,
                "type": "VirtualMachineScaleSets",
                "vm_size": "Standard_D4s_v3",
                "vnet_subnet_id": (
                    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
                    "rg-illm-k8s-lab-foundation/providers/Microsoft.Network/virtualNetworks/"
                    "vnet-illm-k8s-lab/subnets/snet-aks-nodes"
                ),
            }
        ],
        "dns_prefix": "illm-http-baseline-target",
        "identity": [{"identity_ids": None, "type": "SystemAssigned"}],
        "kubernetes_version": "1.35",
        "local_account_disabled": True,
        "location": "eastus",
        "name": "aks-illm-http-baseline-target",
        "network_profile": [
            {"network_data_plane": "cilium", "network_plugin": "azure", "network_policy": "cilium"}
        ],
        "oidc_issuer_enabled": True,
        "private_cluster_enabled": private,
        "resource_group_name": "rg-illm-http-baseline",
        "sku_tier": "Free",
        "tags": {"environment": "lab", "managed-by": "spacelift", "project": "illm-k8s-lab"},
        "workload_identity_enabled": True,
    }


def eks_cluster(*, public: bool = True, public_access_cidrs: Sequence[str] | None) -> JsonDict:
    """The planned attributes of an experiment's EKS cluster (``None``: CIDRs unknown)."""
    vpc_config: JsonDict = {
        "endpoint_private_access": True,
        "endpoint_public_access": public,
        "security_group_ids": [],
        "subnet_ids": ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"],
    }
    if public_access_cidrs is not None:
        vpc_config["public_access_cidrs"] = list(public_access_cidrs)
    return {
        "access_config": [
            {"authentication_mode": "API", "bootstrap_cluster_creator_admin_permissions": False}
        ],
        "enabled_cluster_log_types": ["api", "audit", "authenticator"],
        "name": "eks-illm-multi-cloud-demo-loadgen",
        "tags": {"environment": "lab", "managed-by": "spacelift", "project": "illm-k8s-lab"},
        "version": "1.35",
        "vpc_config": [vpc_config],
    }


def eks_node_group(*, max_size: int = 4) -> JsonDict:
    """The planned attributes of an EKS managed node group (1 to ``max_size`` nodes, 2
    desired)."""
    return {
        "ami_type": "AL2023_x86_64_STANDARD",
        "capacity_type": "ON_DEMAND",
        "cluster_name": "eks-illm-multi-cloud-demo-loadgen",
        "instance_types": ["t3.large"],
        "node_group_name": "default",
        "scaling_config": [{"desired_size": 2, "max_size": max_size, "min_size": 1}],
        "subnet_ids": ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"],
        "update_config": [{"max_unavailable": 1, "max_unavailable_percentage": None}],
    }


def aws_subnet(cidr: str, zone: str) -> JsonDict:
    """The attributes of one of the AWS foundation's private subnets."""
    return {
        "availability_zone": zone,
        "cidr_block": cidr,
        "map_public_ip_on_launch": False,
        "tags": {"kubernetes.io/role/internal-elb": "1", "project": "illm-k8s-lab"},
        "vpc_id": "vpc-0123456789abcdef0",
    }


# --- push ------------------------------------------------------------------------------


def push(branch: str, sha: str, files: Sequence[str], *, tag: str = "") -> JsonDict:
    """The ``push`` document: alice's pushed commit and every file its commits touched."""
    return {
        "affected_files": list(files),
        "author": "alice",
        "branch": branch,
        "created_at": NOW_NS - MINUTE_NS,
        "hash": sha,
        "message": "Raise the load generator's node count",
        "tag": tag,
    }


def pull_request(
    action: str,
    *,
    pr_id: int,
    head_branch: str,
    head_sha: str,
    diff: Sequence[str],
    draft: bool = False,
) -> JsonDict:
    """The ``pull_request`` document of a pull request event against ``main``."""
    return {
        "action": action,
        "action_initiator": "alice",
        "approved": False,
        "author": "alice",
        "base": commit(
            "4b825dc642cb6eb9a060e54bf8d69288fbee4904", "alice", "Synthesize", minutes_ago=600
        ),
        "closed": action in {"closed", "merged"},
        "diff": list(diff),
        "draft": draft,
        "head": commit(
            head_sha, "alice", "Raise the load generator's node count", branch=head_branch
        ),
        "head_owner": "illmadecoder",
        "id": pr_id,
        "labels": [],
        "mergeable": True,
        "title": "Raise the load generator's node count",
        "undiverged": True,
    }


def in_progress_run(
    run_id: str,
    *,
    run_type: str,
    branch: str,
    sha: str,
    state: str = "QUEUED",
    drift_detection: bool = False,
) -> JsonDict:
    """One entry of ``in_progress``: a run of the stack that has not finished."""
    return {
        "based_on_local_workspace": False,
        "branch": branch,
        "command": None,
        "commit": commit(sha, "alice", "Earlier commit", branch=branch, minutes_ago=20),
        "created_at": NOW_NS - 15 * MINUTE_NS,
        "drift_detection": drift_detection,
        "id": run_id,
        "state": state,
        "triggered_by": None,
        "type": run_type,
        "updated_at": NOW_NS - 14 * MINUTE_NS,
        "user_provided_metadata": [],
    }


def push_input(
    lab_stack: LabStack,
    *,
    push: JsonDict | None,
    pull_request: JsonDict | None = None,
    in_progress: Sequence[JsonDict] = (),
) -> JsonDict:
    """A push policy input for one stack; Spacelift evaluates each event once per stack."""
    return {
        "in_progress": list(in_progress),
        "pull_request": pull_request,
        "push": push,
        "stack": stack(lab_stack),
        "vcs_integration": {
            "created_at": NOW_NS - 90 * 24 * 60 * MINUTE_NS,
            "description": "",
            "id": "github-default",
            "is_default": True,
            "labels": [],
            "name": "GitHub",
            "provider": "GITHUB",
            "space": {"id": "root", "labels": [], "name": "root"},
            "updated_at": NOW_NS - 90 * 24 * 60 * MINUTE_NS,
        },
    }
