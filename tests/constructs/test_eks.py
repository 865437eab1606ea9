"""EksCluster: secure defaults, ordering, sizing, token inputs and tags."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktn import Fn, TerraformOutput, TerraformVariable, Token
from syrupy.assertion import SnapshotAssertion

from lab.constructs.aws.eks import (
    DEFAULT_ADDONS,
    AmiType,
    EksCluster,
    EksClusterProps,
    ami_type_for,
)
from lab.experiments import NodePoolSpec
from tests.helpers import (
    JsonDict,
    data_sources,
    logical_id_at,
    new_stack,
    only_resource,
    resources,
    synth,
)

ADMIN = "arn:aws:iam::123456789012:role/LabAdmin"
OTHER_ADMIN = "arn:aws:iam::123456789012:user/ops/alice"
SUBNETS = ["subnet-0a", "subnet-0b", "subnet-0c"]
TAGS = {"lab": "illm-k8s-lab", "experiment": "demo"}

CLUSTER = "aws_eks_cluster"
KEY = "aws_kms_key"
ALIAS = "aws_kms_alias"
LOG_GROUP = "aws_cloudwatch_log_group"
ROLE = "aws_iam_role"
ATTACHMENT = "aws_iam_role_policy_attachment"
OIDC = "aws_iam_openid_connect_provider"
ENTRY = "aws_eks_access_entry"
ASSOCIATION = "aws_eks_access_policy_association"
ADDON = "aws_eks_addon"
TEMPLATE = "aws_launch_template"
NODE_GROUP = "aws_eks_node_group"
POLICY_DOCUMENT = "aws_iam_policy_document"
ADDON_VERSION = "aws_eks_addon_version"


def make_pool(**overrides: Any) -> NodePoolSpec:
    """A resolved pool like a "medium" cluster's default group, with overrides."""
    values: dict[str, Any] = {
        "name": "default",
        "machine_type": "m5.xlarge",
        "node_count": 3,
        "min_nodes": 3,
        "max_nodes": 3,
    }
    values.update(overrides)
    return NodePoolSpec(**values)


def make_props(**overrides: Any) -> EksClusterProps:
    """Props like the experiment stack passes for a "medium" cluster, with overrides."""
    values: dict[str, Any] = {
        "name": "demo-target",
        "kubernetes_version": "1.35",
        "subnet_ids": SUBNETS,
        "default_pool": make_pool(),
        "admin_principal_arns": [ADMIN],
        "tags": TAGS,
    }
    values.update(overrides)
    return EksClusterProps(**values)


def synth_cluster(**overrides: Any) -> JsonDict:
    stack = new_stack()
    EksCluster(stack, "Eks", make_props(**overrides))
    return synth(stack)


def logical_id(doc: JsonDict, resource_type: str, construct_id: str, *, data: bool = False) -> str:
    """The logical id of the resource (or data source) the construct ``Eks/<construct_id>``
    created (``data`` only says where to look it up: both kinds have construct paths)."""
    return logical_id_at(doc, resource_type, f"Eks/{construct_id}")


def block(doc: JsonDict, resource_type: str, construct_id: str, *, data: bool = False) -> JsonDict:
    blocks = data_sources(doc, resource_type) if data else resources(doc, resource_type)
    return blocks[logical_id(doc, resource_type, construct_id, data=data)]


def ref(doc: JsonDict, resource_type: str, construct_id: str, attribute: str) -> str:
    return f"${{{resource_type}.{logical_id(doc, resource_type, construct_id)}.{attribute}}}"


def data_ref(doc: JsonDict, data_type: str, construct_id: str, attribute: str) -> str:
    found = logical_id(doc, data_type, construct_id, data=True)
    return f"${{data.{data_type}.{found}.{attribute}}}"


def dependency(doc: JsonDict, resource_type: str, construct_id: str) -> str:
    return f"{resource_type}.{logical_id(doc, resource_type, construct_id)}"


def key_policy(doc: JsonDict) -> dict[str, JsonDict]:
    """The KMS key policy's statements by Sid."""
    policy = json.loads(only_resource(doc, KEY)["policy"])
    assert policy["Version"] == "2012-10-17"
    statements = {statement["Sid"]: statement for statement in policy["Statement"]}
    assert len(statements) == len(policy["Statement"]), "two statements share a Sid"
    return statements


def trust_statement(doc: JsonDict, role_id: str) -> JsonDict:
    """The only statement of a role's trust policy, after checking the role really uses it."""
    role = block(doc, ROLE, role_id)
    assert role["assume_role_policy"] == data_ref(doc, POLICY_DOCUMENT, f"{role_id}Trust", "json")
    (statement,) = block(doc, POLICY_DOCUMENT, f"{role_id}Trust", data=True)["statement"]
    return statement  # type: ignore[no-any-return]


def managed_policies_by_role(doc: JsonDict) -> dict[str, set[str]]:
    """The AWS managed policy names attached to each role, keyed by the role's construct id."""
    roles = {ref(doc, ROLE, role_id, "name"): role_id for role_id in role_ids(doc)}
    prefix = f"arn:{data_ref(doc, 'aws_partition', 'Partition', 'partition')}:iam::aws:policy/"
    attached: dict[str, set[str]] = {role_id: set() for role_id in roles.values()}
    for attachment in resources(doc, ATTACHMENT).values():
        assert attachment["policy_arn"].startswith(prefix)
        attached[roles[attachment["role"]]].add(attachment["policy_arn"].removeprefix(prefix))
    return attached


def role_ids(doc: JsonDict) -> list[str]:
    return [key.rsplit("_", 1)[0].removeprefix("Eks_") for key in resources(doc, ROLE)]


def addon(doc: JsonDict, addon_name: str) -> JsonDict:
    (found,) = [a for a in resources(doc, ADDON).values() if a["addon_name"] == addon_name]
    return found


@pytest.fixture(scope="module")
def default_doc() -> JsonDict:
    return synth_cluster()


@pytest.fixture(scope="module")
def cluster(default_doc: JsonDict) -> JsonDict:
    return only_resource(default_doc, CLUSTER)


@pytest.fixture(scope="module")
def node_group(default_doc: JsonDict) -> JsonDict:
    return only_resource(default_doc, NODE_GROUP)


@pytest.fixture(scope="module")
def launch_template(default_doc: JsonDict) -> JsonDict:
    return only_resource(default_doc, TEMPLATE)


# --------------------------------------------------------------------------------------------------
# Snapshot
# --------------------------------------------------------------------------------------------------


def test_default_cluster_matches_snapshot(
    default_doc: JsonDict, json_snapshot: SnapshotAssertion
) -> None:
    assert default_doc == json_snapshot


def test_creates_exactly_the_expected_resources(default_doc: JsonDict) -> None:
    assert {kind: len(found) for kind, found in default_doc["resource"].items()} == {
        CLUSTER: 1,
        KEY: 1,
        ALIAS: 1,
        LOG_GROUP: 1,
        ROLE: 3,
        ATTACHMENT: 4,
        OIDC: 1,
        ENTRY: 1,
        ASSOCIATION: 1,
        ADDON: 4,
        TEMPLATE: 1,
        NODE_GROUP: 1,
    }


# --------------------------------------------------------------------------------------------------
# KMS key and control-plane logs
# --------------------------------------------------------------------------------------------------


def test_secrets_key_rotates_and_outlives_a_mistaken_destroy(default_doc: JsonDict) -> None:
    key = only_resource(default_doc, KEY)
    assert key["enable_key_rotation"] is True
    assert key["deletion_window_in_days"] == 30
    assert key.get("is_enabled", True) is True
    assert key["tags"] == TAGS


def test_key_policy_has_exactly_three_statements_and_no_wildcard_principal(
    default_doc: JsonDict,
) -> None:
    statements = key_policy(default_doc)
    assert set(statements) == {"KeyAdministration", "ClusterSecretsEncryption", "ControlPlaneLogs"}
    for statement in statements.values():
        assert statement["Effect"] == "Allow"
        assert "*" not in json.dumps(statement["Principal"])


def test_account_root_administers_the_key_but_cannot_encrypt_or_decrypt(
    default_doc: JsonDict,
) -> None:
    # kms:Create* includes CreateGrant: creating the cluster needs it (EKS grants itself the
    # key on the caller's behalf), and IAM policies reach it only through this statement.
    statement = key_policy(default_doc)["KeyAdministration"]
    account = data_ref(default_doc, "aws_caller_identity", "CallerIdentity", "account_id")
    partition = data_ref(default_doc, "aws_partition", "Partition", "partition")
    assert statement["Principal"] == {"AWS": f"arn:{partition}:iam::{account}:root"}
    actions = statement["Action"]
    assert {"kms:Put*", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"} <= set(actions)
    assert not {"kms:*", "kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"} & set(actions)
    assert "Condition" not in statement


def test_cluster_role_may_use_the_key_for_secrets(default_doc: JsonDict) -> None:
    statement = key_policy(default_doc)["ClusterSecretsEncryption"]
    assert statement["Principal"] == {"AWS": ref(default_doc, ROLE, "ClusterRole", "arn")}
    assert statement["Action"] == [
        "kms:Decrypt",
        "kms:DescribeKey",
        "kms:Encrypt",
        "kms:ListGrants",
    ]
    assert statement["Resource"] == "*"


def test_cloudwatch_logs_may_use_the_key_only_for_this_clusters_log_group(
    default_doc: JsonDict,
) -> None:
    statement = key_policy(default_doc)["ControlPlaneLogs"]
    region = data_ref(default_doc, "aws_region", "Region", "region")
    partition = data_ref(default_doc, "aws_partition", "Partition", "partition")
    dns_suffix = data_ref(default_doc, "aws_partition", "Partition", "dns_suffix")
    account = data_ref(default_doc, "aws_caller_identity", "CallerIdentity", "account_id")
    assert statement["Principal"] == {"Service": f"logs.{region}.{dns_suffix}"}
    assert statement["Condition"] == {
        "ArnEquals": {
            "kms:EncryptionContext:aws:logs:arn": (
                f"arn:{partition}:logs:{region}:{account}:log-group:/aws/eks/demo-target/cluster"
            )
        }
    }
    assert statement["Action"] == [
        "kms:Decrypt*",
        "kms:Describe*",
        "kms:Encrypt*",
        "kms:GenerateDataKey*",
        "kms:ReEncrypt*",
    ]


def test_key_alias_names_the_cluster(default_doc: JsonDict) -> None:
    alias = only_resource(default_doc, ALIAS)
    assert alias["name"] == "alias/eks/demo-target"
    assert alias["target_key_id"] == ref(default_doc, KEY, "SecretsKey", "key_id")


def test_log_group_is_encrypted_retained_and_created_before_the_cluster(
    default_doc: JsonDict, cluster: JsonDict
) -> None:
    log_group = only_resource(default_doc, LOG_GROUP)
    assert log_group["name"] == "/aws/eks/demo-target/cluster"
    assert log_group["retention_in_days"] == 365
    assert log_group["kms_key_id"] == ref(default_doc, KEY, "SecretsKey", "arn")
    assert dependency(default_doc, LOG_GROUP, "ControlPlaneLogGroup") in cluster["depends_on"]


def test_all_five_control_plane_log_types(cluster: JsonDict) -> None:
    assert cluster["enabled_cluster_log_types"] == [
        "api",
        "audit",
        "authenticator",
        "controllerManager",
        "scheduler",
    ]


def test_secrets_are_encrypted_with_the_key(default_doc: JsonDict, cluster: JsonDict) -> None:
    assert cluster["encryption_config"] == {
        "provider": {"key_arn": ref(default_doc, KEY, "SecretsKey", "arn")},
        "resources": ["secrets"],
    }


# --------------------------------------------------------------------------------------------------
# Endpoint access and authentication
# --------------------------------------------------------------------------------------------------


def test_private_endpoint_only_by_default(cluster: JsonDict) -> None:
    assert cluster["vpc_config"] == {
        "subnet_ids": SUBNETS,
        "endpoint_private_access": True,
        "endpoint_public_access": False,
    }


def test_public_endpoint_only_from_the_listed_cidrs() -> None:
    cidrs = ["203.0.113.0/24", "198.51.100.7/32"]
    cluster = only_resource(synth_cluster(public_access_cidrs=cidrs), CLUSTER)
    assert cluster["vpc_config"] == {
        "subnet_ids": SUBNETS,
        "endpoint_private_access": True,
        "endpoint_public_access": True,
        "public_access_cidrs": cidrs,
    }


def test_authentication_through_access_entries_only_without_creator_admin(
    cluster: JsonDict,
) -> None:
    assert cluster["access_config"] == {
        "authentication_mode": "API",
        "bootstrap_cluster_creator_admin_permissions": False,
    }


def test_no_self_managed_addons_and_standard_support_only(cluster: JsonDict) -> None:
    assert cluster["bootstrap_self_managed_addons"] is False
    assert cluster["upgrade_policy"] == {"support_type": "STANDARD"}
    assert cluster["version"] == "1.35"
    assert cluster["name"] == "demo-target"


def test_each_admin_gets_an_access_entry_with_cluster_admin_policy() -> None:
    doc = synth_cluster(admin_principal_arns=[ADMIN, OTHER_ADMIN])
    cluster_name = ref(doc, CLUSTER, "Cluster", "name")
    entries = resources(doc, ENTRY)
    assert sorted(entry["principal_arn"] for entry in entries.values()) == sorted(
        [ADMIN, OTHER_ADMIN]
    )
    for entry in entries.values():
        assert entry["cluster_name"] == cluster_name
        assert entry["type"] == "STANDARD"
        assert "kubernetes_groups" not in entry
    associations = resources(doc, ASSOCIATION)
    assert sorted(association["principal_arn"] for association in associations.values()) == sorted(
        f"${{{ENTRY}.{entry_id}.principal_arn}}" for entry_id in entries
    )
    partition = data_ref(doc, "aws_partition", "Partition", "partition")
    for association in associations.values():
        assert association["cluster_name"] == cluster_name
        assert association["policy_arn"] == (
            f"arn:{partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
        )
        assert association["access_scope"] == {"type": "cluster"}


def test_access_entry_ids_follow_the_principal_not_its_position() -> None:
    forward = synth_cluster(admin_principal_arns=[ADMIN, OTHER_ADMIN])
    backward = synth_cluster(admin_principal_arns=[OTHER_ADMIN, ADMIN])
    assert resources(forward, ENTRY) == resources(backward, ENTRY)
    assert sorted(key.rsplit("_", 1)[0] for key in resources(forward, ENTRY)) == [
        "Eks_AdminAccessEntry-123456789012-role-LabAdmin",
        "Eks_AdminAccessEntry-123456789012-user-alice",
    ]
    assert resources(forward, ASSOCIATION) == resources(backward, ASSOCIATION)


def test_token_admin_principal_is_accepted() -> None:
    stack = new_stack()
    admin = TerraformVariable(stack, "admin_arn", type="string")
    EksCluster(stack, "Eks", make_props(admin_principal_arns=[admin.string_value]))
    entry = only_resource(synth(stack), ENTRY)
    assert entry["principal_arn"] == "${var.admin_arn}"


# --------------------------------------------------------------------------------------------------
# IAM
# --------------------------------------------------------------------------------------------------


def test_each_role_has_exactly_the_managed_policies_it_needs(default_doc: JsonDict) -> None:
    assert managed_policies_by_role(default_doc) == {
        "ClusterRole": {"AmazonEKSClusterPolicy"},
        "NodeRole": {"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"},
        "VpcCniRole": {"AmazonEKS_CNI_Policy"},
    }


def test_roles_have_no_other_permissions(default_doc: JsonDict) -> None:
    partition = data_ref(default_doc, "aws_partition", "Partition", "partition")
    account = data_ref(default_doc, "aws_caller_identity", "CallerIdentity", "account_id")
    for role in resources(default_doc, ROLE).values():
        assert not {"inline_policy", "managed_policy_arns"} & set(role)
        # On the lab's path, capped by the lab's boundary: the integration may change only
        # such roles (docs/bootstrap/aws-experiment-policy.json).
        assert role["path"] == "/lab/clusters/"
        assert role["permissions_boundary"] == (
            f"arn:{partition}:iam::{account}:policy/lab-permissions-boundary"
        )
    assert resources(default_doc, "aws_iam_role_policy") == {}
    assert resources(default_doc, "aws_iam_policy") == {}


def test_role_names(default_doc: JsonDict) -> None:
    names = {role["name"] for role in resources(default_doc, ROLE).values()}
    assert names == {"demo-target-eks-cluster", "demo-target-eks-node", "demo-target-vpc-cni"}


def test_cluster_role_trusts_only_eks(default_doc: JsonDict) -> None:
    assert trust_statement(default_doc, "ClusterRole") == {
        "effect": "Allow",
        "actions": ["sts:AssumeRole"],
        "principals": [{"type": "Service", "identifiers": ["eks.amazonaws.com"]}],
    }


def test_node_role_trusts_only_ec2(default_doc: JsonDict) -> None:
    dns_suffix = data_ref(default_doc, "aws_partition", "Partition", "dns_suffix")
    assert trust_statement(default_doc, "NodeRole") == {
        "effect": "Allow",
        "actions": ["sts:AssumeRole"],
        "principals": [{"type": "Service", "identifiers": [f"ec2.{dns_suffix}"]}],
    }


def test_vpc_cni_role_trusts_only_the_aws_node_service_account(default_doc: JsonDict) -> None:
    issuer = f"{CLUSTER}.{logical_id(default_doc, CLUSTER, 'Cluster')}.identity[0].oidc[0].issuer"
    assert trust_statement(default_doc, "VpcCniRole") == {
        "effect": "Allow",
        "actions": ["sts:AssumeRoleWithWebIdentity"],
        "principals": [
            {"type": "Federated", "identifiers": [ref(default_doc, OIDC, "OidcProvider", "arn")]}
        ],
        "condition": [
            {
                "test": "StringEquals",
                "variable": f'${{replace({issuer}, "https://", "")}}:sub',
                "values": ["system:serviceaccount:kube-system:aws-node"],
            },
            {
                "test": "StringEquals",
                "variable": f'${{replace({issuer}, "https://", "")}}:aud',
                "values": ["sts.amazonaws.com"],
            },
        ],
    }


def test_oidc_provider_for_the_cluster_issuer(default_doc: JsonDict) -> None:
    provider = only_resource(default_doc, OIDC)
    cluster_id = logical_id(default_doc, CLUSTER, "Cluster")
    assert provider["url"] == f"${{{CLUSTER}.{cluster_id}.identity[0].oidc[0].issuer}}"
    assert provider["client_id_list"] == ["sts.amazonaws.com"]


def test_cluster_waits_for_its_role_policy(default_doc: JsonDict, cluster: JsonDict) -> None:
    assert cluster["role_arn"] == ref(default_doc, ROLE, "ClusterRole", "arn")
    assert (
        dependency(default_doc, ATTACHMENT, "ClusterRoleAmazonEKSClusterPolicy")
        in cluster["depends_on"]
    )


# --------------------------------------------------------------------------------------------------
# Add-ons
# --------------------------------------------------------------------------------------------------


def test_default_addons_at_the_default_version_of_the_kubernetes_version(
    default_doc: JsonDict,
) -> None:
    addons = resources(default_doc, ADDON).values()
    assert sorted(a["addon_name"] for a in addons) == sorted(DEFAULT_ADDONS)
    versions = data_sources(default_doc, ADDON_VERSION)
    for name in DEFAULT_ADDONS:
        found = addon(default_doc, name)
        (version_id,) = [key for key, v in versions.items() if v["addon_name"] == name]
        assert versions[version_id] == {"addon_name": name, "kubernetes_version": "1.35"}
        assert found["addon_version"] == f"${{data.{ADDON_VERSION}.{version_id}.version}}"
        assert found["cluster_name"] == ref(default_doc, CLUSTER, "Cluster", "name")
        assert found["resolve_conflicts_on_create"] == "OVERWRITE"
        assert found["resolve_conflicts_on_update"] == "OVERWRITE"


def test_vpc_cni_uses_its_irsa_role_once_the_policy_is_attached(default_doc: JsonDict) -> None:
    cni = addon(default_doc, "vpc-cni")
    assert cni["service_account_role_arn"] == ref(default_doc, ROLE, "VpcCniRole", "arn")
    assert cni["depends_on"] == [
        dependency(default_doc, ATTACHMENT, "VpcCniRoleAmazonEKSCNIPolicy")
    ]
    for name in ("kube-proxy", "coredns", "eks-pod-identity-agent"):
        assert "service_account_role_arn" not in addon(default_doc, name)
        assert "pod_identity_association" not in addon(default_doc, name)


def test_node_group_waits_for_the_daemonset_addons_and_coredns_for_the_nodes(
    default_doc: JsonDict, node_group: JsonDict
) -> None:
    for name, construct_id in [
        ("vpc-cni", "VpcCniAddon"),
        ("kube-proxy", "KubeProxyAddon"),
        ("eks-pod-identity-agent", "EksPodIdentityAgentAddon"),
    ]:
        assert addon(default_doc, name) == block(default_doc, ADDON, construct_id)
        assert dependency(default_doc, ADDON, construct_id) in node_group["depends_on"]
    assert dependency(default_doc, ADDON, "CorednsAddon") not in node_group["depends_on"]
    assert addon(default_doc, "coredns")["depends_on"] == [
        dependency(default_doc, NODE_GROUP, "NodeGroup")
    ]
    for name in ("kube-proxy", "eks-pod-identity-agent"):
        assert "depends_on" not in addon(default_doc, name)


# --------------------------------------------------------------------------------------------------
# Nodes: launch template and managed node group
# --------------------------------------------------------------------------------------------------


def test_launch_template_requires_imdsv2_with_hop_limit_one(launch_template: JsonDict) -> None:
    assert launch_template["metadata_options"] == {
        "http_endpoint": "enabled",
        "http_tokens": "required",
        "http_put_response_hop_limit": 1,
    }


def test_root_volume_is_encrypted_gp3(launch_template: JsonDict) -> None:
    assert launch_template["block_device_mappings"] == [
        {
            "device_name": "/dev/xvda",
            "ebs": {
                "volume_type": "gp3",
                "volume_size": 50,
                "encrypted": "true",
                "delete_on_termination": "true",
            },
        }
    ]


def test_no_ssh_key_no_public_ip_no_user_data(launch_template: JsonDict) -> None:
    for attribute in (
        "key_name",
        "network_interfaces",
        "user_data",
        "vpc_security_group_ids",
        "image_id",
        "iam_instance_profile",
    ):
        assert attribute not in launch_template


def test_instances_volumes_and_interfaces_are_tagged(launch_template: JsonDict) -> None:
    expected_tags = {"Name": "demo-target-node", **TAGS}
    assert launch_template["tag_specifications"] == [
        {"resource_type": kind, "tags": expected_tags}
        for kind in ("instance", "volume", "network-interface")
    ]
    assert launch_template["name"] == "demo-target-nodes"


def test_node_group_without_remote_access(node_group: JsonDict) -> None:
    assert "remote_access" not in node_group


def test_node_group_in_the_private_subnets_with_the_launch_template(
    default_doc: JsonDict, node_group: JsonDict
) -> None:
    assert node_group["subnet_ids"] == SUBNETS
    assert node_group["launch_template"] == {
        "id": ref(default_doc, TEMPLATE, "NodeLaunchTemplate", "id"),
        "version": ref(default_doc, TEMPLATE, "NodeLaunchTemplate", "latest_version"),
    }
    assert node_group["node_role_arn"] == ref(default_doc, ROLE, "NodeRole", "arn")
    assert node_group["cluster_name"] == ref(default_doc, CLUSTER, "Cluster", "name")
    assert node_group["version"] == ref(default_doc, CLUSTER, "Cluster", "version")
    assert node_group["node_group_name"] == "default"
    assert "disk_size" not in node_group


def test_node_group_is_al2023_on_demand_rolling_one_node_at_a_time(node_group: JsonDict) -> None:
    assert node_group["ami_type"] == "AL2023_x86_64_STANDARD"
    assert node_group["instance_types"] == ["m5.xlarge"]
    assert node_group["capacity_type"] == "ON_DEMAND"
    assert node_group["update_config"] == {"max_unavailable": 1}
    assert node_group["tags"] == TAGS


def test_node_group_waits_for_its_role_policies(
    default_doc: JsonDict, node_group: JsonDict
) -> None:
    for construct_id in (
        "NodeRoleAmazonEKSWorkerNodePolicy",
        "NodeRoleAmazonEC2ContainerRegistryPullOnly",
    ):
        assert dependency(default_doc, ATTACHMENT, construct_id) in node_group["depends_on"]


def test_node_labels(node_group: JsonDict) -> None:
    assert "labels" not in node_group
    pool = make_pool(labels=(("workload", "target"),))
    labelled = only_resource(synth_cluster(default_pool=pool), NODE_GROUP)
    assert labelled["labels"] == {"workload": "target"}


# --------------------------------------------------------------------------------------------------
# Sizing and AMI derivation
# --------------------------------------------------------------------------------------------------


def test_autoscaling_bounds_default_to_the_node_count(node_group: JsonDict) -> None:
    assert node_group["scaling_config"] == {"desired_size": 3, "min_size": 3, "max_size": 3}
    # A fixed-size group keeps Terraform in charge of its size.
    assert "lifecycle" not in node_group


def test_autoscaling_bounds_from_the_pool() -> None:
    pool = make_pool(node_count=3, min_nodes=2, max_nodes=6)
    node_group = only_resource(synth_cluster(default_pool=pool), NODE_GROUP)
    assert node_group["scaling_config"] == {"desired_size": 3, "min_size": 2, "max_size": 6}
    # The autoscaler owns the node count from then on.
    assert node_group["lifecycle"] == {"ignore_changes": ["scaling_config[0].desired_size"]}


@pytest.mark.parametrize(
    ("instance_type", "expected"),
    [
        ("t3.large", AmiType.AL2023_X86_64_STANDARD),
        ("m5.xlarge", AmiType.AL2023_X86_64_STANDARD),
        ("m5.2xlarge", AmiType.AL2023_X86_64_STANDARD),
        ("c6in.large", AmiType.AL2023_X86_64_STANDARD),
        ("m7i-flex.large", AmiType.AL2023_X86_64_STANDARD),
        ("g4dn.xlarge", AmiType.AL2023_X86_64_STANDARD),
        ("x2idn.16xlarge", AmiType.AL2023_X86_64_STANDARD),
        ("t4g.large", AmiType.AL2023_ARM_64_STANDARD),
        ("m7g.xlarge", AmiType.AL2023_ARM_64_STANDARD),
        ("m7gd.xlarge", AmiType.AL2023_ARM_64_STANDARD),
        ("c6gn.large", AmiType.AL2023_ARM_64_STANDARD),
        ("r8g.large", AmiType.AL2023_ARM_64_STANDARD),
        ("im4gn.large", AmiType.AL2023_ARM_64_STANDARD),
        ("is4gen.large", AmiType.AL2023_ARM_64_STANDARD),
        ("g5g.xlarge", AmiType.AL2023_ARM_64_STANDARD),
        ("a1.large", AmiType.AL2023_ARM_64_STANDARD),
    ],
)
def test_ami_type_follows_the_instance_architecture(instance_type: str, expected: AmiType) -> None:
    assert ami_type_for(instance_type) is expected


def test_graviton_nodes_get_the_arm64_ami() -> None:
    pool = make_pool(machine_type="m7g.large")
    node_group = only_resource(synth_cluster(default_pool=pool), NODE_GROUP)
    assert node_group["ami_type"] == "AL2023_ARM_64_STANDARD"
    assert node_group["instance_types"] == ["m7g.large"]


# --------------------------------------------------------------------------------------------------
# Token inputs, attributes and tags
# --------------------------------------------------------------------------------------------------


def test_token_subnet_ids_from_a_json_variable_are_accepted() -> None:
    stack = new_stack()
    subnets = TerraformVariable(stack, "private_subnet_ids", type="string")
    subnet_ids = Token.as_list(Fn.jsondecode(subnets.string_value))
    EksCluster(stack, "Eks", make_props(subnet_ids=subnet_ids))
    doc = synth(stack)
    expected = "${jsondecode(var.private_subnet_ids)}"
    assert only_resource(doc, CLUSTER)["vpc_config"]["subnet_ids"] == expected
    assert only_resource(doc, NODE_GROUP)["subnet_ids"] == expected


def test_attributes_reference_the_resources() -> None:
    stack = new_stack()
    eks = EksCluster(stack, "Eks", make_props())
    attributes = {
        "cluster_name": eks.cluster_name,
        "cluster_arn": eks.cluster_arn,
        "endpoint": eks.endpoint,
        "cluster_security_group_id": eks.cluster_security_group_id,
        "oidc_issuer_url": eks.oidc_issuer_url,
        "oidc_provider_arn": eks.oidc_provider_arn,
        "node_role_arn": eks.node_role_arn,
    }
    for name, value in attributes.items():
        TerraformOutput(stack, name, value=value)
    doc = synth(stack)
    outputs = {name: output["value"] for name, output in doc["output"].items()}
    cluster = f"{CLUSTER}.{logical_id(doc, CLUSTER, 'Cluster')}"
    assert outputs == {
        "cluster_name": f"${{{cluster}.name}}",
        "cluster_arn": f"${{{cluster}.arn}}",
        "endpoint": f"${{{cluster}.endpoint}}",
        "cluster_security_group_id": f"${{{cluster}.vpc_config[0].cluster_security_group_id}}",
        "oidc_issuer_url": f"${{{cluster}.identity[0].oidc[0].issuer}}",
        "oidc_provider_arn": ref(doc, OIDC, "OidcProvider", "arn"),
        "node_role_arn": ref(doc, ROLE, "NodeRole", "arn"),
    }


def test_tags_on_every_taggable_resource(default_doc: JsonDict) -> None:
    untaggable = {ATTACHMENT, ALIAS, ASSOCIATION}
    for resource_type, found in default_doc["resource"].items():
        if resource_type in untaggable:
            continue
        for logical, resource in found.items():
            assert resource["tags"] == TAGS, logical
