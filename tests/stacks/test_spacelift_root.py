"""spacelift-root: one Spacelift stack per CDKTF stack, wired the way the definition says."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from lab.clouds import CLOUDS
from lab.definition import MANAGEMENT_STACK_ID, LabDefinition, StackKind, load_definition
from lab.errors import LabDefinitionError
from lab.policies import load_policies
from lab.synth import synthesize
from tests.helpers import FIXTURE_CONFIG, FIXTURE_EXPERIMENTS, REPO, JsonDict
from tests.spacelift.conformance import check_terraform_json, load_schema
from tests.stacks.conftest import SynthTree, synth_tree


def _root(tree: SynthTree) -> JsonDict:
    return tree[MANAGEMENT_STACK_ID]["resource"]  # type: ignore[no-any-return]


def _ref(resource_type: str, name: str, attribute: str = "id") -> str:
    return f"${{{resource_type}.{name}.{attribute}}}"


def test_output_conforms_to_the_provider_schema(
    shipped_synth: SynthTree, multi_synth: SynthTree
) -> None:
    schema = load_schema()
    assert check_terraform_json(shipped_synth[MANAGEMENT_STACK_ID], schema) == []
    assert check_terraform_json(multi_synth[MANAGEMENT_STACK_ID], schema) == []


def test_one_spacelift_stack_per_cdktf_stack(
    shipped: LabDefinition, shipped_synth: SynthTree, shipped_outdir: Path
) -> None:
    stacks = _root(shipped_synth)["spacelift_stack"]
    assert sorted(stacks) == sorted(set(shipped_synth) - {MANAGEMENT_STACK_ID})
    settings = shipped.config.spacelift
    for stack_id, stack in stacks.items():
        definition = shipped.get(stack_id)
        assert stack["slug"] == stack["name"] == stack_id
        assert stack["project_root"] == f"cdktf.out/stacks/{stack_id}"
        assert (shipped_outdir / "stacks" / stack_id / "cdk.tf.json").is_file()
        assert (stack["repository"], stack["branch"]) == (settings.repository, settings.branch)
        assert stack["space_id"] == settings.space_id
        assert stack["opentofu"] == {
            "version": "1.11.14",
            "workflow_tool": "OPENTOFU",
            "use_smart_sanitization": True,
            "external_state_access": False,
        }
        assert stack["manage_state"] is True
        assert stack["labels"] == sorted(definition.labels)
        assert stack["description"] == definition.description
        assert "administrative" not in stack
        assert "terraform_version" not in stack and "terraform_workflow_tool" not in stack


def test_state_is_what_the_state_docs_say(shipped_synth: SynthTree, multi_synth: SynthTree) -> None:
    """docs/workflows.md, "State": Spacelift-managed state, no backend of our own, external
    state access off, no remote-state reads between stacks (output references instead)."""
    for tree in (shipped_synth, multi_synth):
        for stack_id, stack in _root(tree)["spacelift_stack"].items():
            assert stack["manage_state"] is True, stack_id
            assert stack["opentofu"]["external_state_access"] is False, stack_id
            assert "terraform_external_state_access" not in stack, stack_id
            assert "import_state" not in stack and "import_state_file" not in stack
        for stack_id, doc in tree.items():
            assert "backend" not in doc.get("terraform", {}), stack_id
            assert "terraform_remote_state" not in doc.get("data", {}), stack_id
    docs = (REPO / "docs" / "workflows.md").read_text()
    section = docs[docs.index("\n## State\n") : docs.index("\n## Rotating credentials")]
    for fact in ("`manage_state: true`", "`external_state_access: false`", "**30 days**"):
        assert fact in section


def test_foundations_are_manual_protected_and_drift_checked(shipped_synth: SynthTree) -> None:
    resources = _root(shipped_synth)
    for foundation in ("azure-foundation", "aws-foundation"):
        stack = resources["spacelift_stack"][foundation]
        assert (stack["autodeploy"], stack["protect_from_deletion"]) == (False, True)
        assert resources["spacelift_drift_detection"][foundation] == {
            "//": resources["spacelift_drift_detection"][foundation]["//"],
            "stack_id": _ref("spacelift_stack", foundation),
            "schedule": ["0 6 * * 1-5"],
            "timezone": "UTC",
            "reconcile": False,
        }
        assert foundation not in resources["spacelift_stack_destructor"]
    assert sorted(resources["spacelift_drift_detection"]) == ["aws-foundation", "azure-foundation"]


def _wired(resources: JsonDict, dependency: str) -> set[tuple[str, str]]:
    """(output, input) of every reference through one stack dependency."""
    return {
        (ref["output_name"], ref["input_name"])
        for ref in resources["spacelift_stack_dependency_reference"].values()
        if ref["stack_dependency_id"] == _ref("spacelift_stack_dependency", dependency)
    }


def test_experiments_depend_on_their_foundation_with_one_reference_per_input(
    shipped: LabDefinition, shipped_synth: SynthTree
) -> None:
    resources = _root(shipped_synth)
    dependencies = resources["spacelift_stack_dependency"]
    for stack in shipped.stacks:
        if stack.kind is not StackKind.EXPERIMENT:
            continue
        assert stack.cloud is not None
        assert stack.depends_on[0] == f"{stack.cloud.value}-foundation"
        for upstream in stack.depends_on:
            dependency = f"{stack.id}--{upstream}"
            assert dependencies[dependency]["stack_id"] == _ref("spacelift_stack", stack.id)
            assert dependencies[dependency]["depends_on_stack_id"] == _ref(
                "spacelift_stack", upstream
            )
            assert _wired(resources, dependency) == {
                (i.value.name, i.input_name) for i in stack.inputs if i.upstream == upstream
            }
        spacelift_stack = resources["spacelift_stack"][stack.id]
        assert (spacelift_stack["autodeploy"], spacelift_stack["protect_from_deletion"]) == (
            True,
            False,
        )
    # Its own foundation's values under their own names; the other cloud's egress renamed.
    assert _wired(resources, "exp-http-baseline-aks--azure-foundation") == {
        ("location", "TF_VAR_location"),
        ("aks_subnet_id", "TF_VAR_aks_subnet_id"),
        ("egress_cidrs", "TF_VAR_egress_cidrs"),
    }
    assert _wired(resources, "exp-multi-cloud-demo-aks--azure-foundation") == {
        ("location", "TF_VAR_location"),
        ("aks_subnet_id", "TF_VAR_aks_subnet_id"),
        ("egress_cidrs", "TF_VAR_egress_cidrs"),
        ("resource_group_name", "TF_VAR_resource_group_name"),
        ("aks_subnet_nsg_name", "TF_VAR_aks_subnet_nsg_name"),
    }
    assert _wired(resources, "exp-multi-cloud-demo-aks--aws-foundation") == {
        ("egress_cidrs", "TF_VAR_aws_egress_cidrs")
    }
    assert _wired(resources, "exp-multi-cloud-demo-eks--azure-foundation") == {
        ("egress_cidrs", "TF_VAR_azure_egress_cidrs")
    }
    assert "exp-http-baseline-aks--aws-foundation" not in dependencies


def test_the_three_sides_of_the_contract_agree(
    shipped_synth: SynthTree, multi_synth: SynthTree
) -> None:
    """Foundation outputs, Spacelift references and experiment variables name the same values."""
    for tree in (shipped_synth, multi_synth):
        resources = _root(tree)
        dependencies = resources["spacelift_stack_dependency"]
        for reference in resources["spacelift_stack_dependency_reference"].values():
            dependency_name = reference["stack_dependency_id"].split(".")[1]
            experiment, foundation = dependency_name.split("--")
            assert reference["output_name"] in tree[foundation]["output"]
            variable = reference["input_name"].removeprefix("TF_VAR_")
            assert variable in tree[experiment]["variable"]
            assert dependencies[dependency_name]
        for stack_id, doc in tree.items():
            for variable in doc.get("variable", {}):
                assert any(
                    ref["input_name"] == f"TF_VAR_{variable}"
                    and ref["stack_dependency_id"].startswith(
                        f"${{spacelift_stack_dependency.{stack_id}--"
                    )
                    for ref in resources["spacelift_stack_dependency_reference"].values()
                ), f"{stack_id} declares {variable} but nothing fills it"
    for cloud in CLOUDS:
        assert set(shipped_synth[cloud.foundation_stack_id]["output"]) == {
            v.name for v in cloud.foundation_outputs
        }


def test_dependency_graph_is_acyclic_and_complete(
    multi: LabDefinition, multi_synth: SynthTree
) -> None:
    resources = _root(multi_synth)
    edges = {
        (
            dep["stack_id"].split(".")[1],
            dep["depends_on_stack_id"].split(".")[1],
        )
        for dep in resources["spacelift_stack_dependency"].values()
    }
    expected = {(s.id, d) for s in multi.stacks for d in s.depends_on}
    assert edges == expected
    # Acyclic: repeatedly remove stacks without outgoing edges.
    remaining = set(edges)
    nodes = {n for edge in edges for n in edge}
    while nodes:
        leaves = {n for n in nodes if not any(src == n for src, _ in remaining)}
        assert leaves, f"cycle among {sorted(nodes)}"
        nodes -= leaves
        remaining = {(s, d) for s, d in remaining if s not in leaves and d not in leaves}


def test_experiments_are_torn_down_before_their_stack_disappears(multi_synth: SynthTree) -> None:
    resources = _root(multi_synth)
    destructors = resources["spacelift_stack_destructor"]
    assert sorted(destructors) == [
        "exp-alpha-aks",
        "exp-alpha-eks",
        "exp-beta-eks",
        "exp-gamma-aks",
    ]
    alpha = destructors["exp-alpha-eks"]
    assert alpha["stack_id"] == _ref("spacelift_stack", "exp-alpha-eks")
    # Credentials, inputs and dependency must outlive the destroy run that needs them.
    assert alpha["depends_on"] == [
        "spacelift_context_attachment.exp-alpha-eks--aws-credentials",
        "spacelift_stack_dependency.exp-alpha-eks--aws-foundation",
        "spacelift_stack_dependency_reference.exp-alpha-eks--TF_VAR_private_subnet_ids",
        "spacelift_stack_dependency.exp-alpha-eks--azure-foundation",
        "spacelift_stack_dependency_reference.exp-alpha-eks--TF_VAR_azure_egress_cidrs",
    ]
    assert "deactivated" not in alpha


def test_expiring_experiments_are_scheduled_for_deletion(multi_synth: SynthTree) -> None:
    scheduled = _root(multi_synth)["spacelift_scheduled_delete_stack"]
    assert sorted(scheduled) == ["exp-gamma-aks"]
    expected = int(datetime(2031, 4, 1, tzinfo=UTC).timestamp())  # the day after 2031-03-31
    gamma = scheduled["exp-gamma-aks"]
    assert (gamma["at"], gamma["delete_resources"], gamma["stack_id"]) == (
        expected,
        True,
        _ref("spacelift_stack", "exp-gamma-aks"),
    )


def test_without_a_worker_pool_expiry_declares_no_schedule(
    multi_tree: Path, tmp_path: Path
) -> None:
    """Public workers never trigger a schedule (Spacelift's scheduling page); the expire
    workflow removes the folder instead, and the destructor still tears the stack down."""
    data = yaml.safe_load((FIXTURE_CONFIG).read_text())
    del data["spacelift"]["worker_pool_id"]
    data["spacelift"]["drift_detection"]["enabled"] = False
    config = tmp_path / "lab.yaml"
    config.write_text(yaml.safe_dump(data))
    definition = load_definition(config, multi_tree)
    assert definition.get("exp-gamma-aks").expires is not None
    synthesize(definition, tmp_path / "cdktf.out", only=[MANAGEMENT_STACK_ID])
    doc = json.loads(
        (tmp_path / "cdktf.out/stacks" / MANAGEMENT_STACK_ID / "cdk.tf.json").read_text()
    )
    resources = doc["resource"]
    assert "spacelift_scheduled_delete_stack" not in resources
    assert "worker_pool_id" not in resources["spacelift_stack"]["exp-gamma-aks"]
    assert "exp-gamma-aks" in resources["spacelift_stack_destructor"]


def test_policies_come_from_the_policy_files(
    shipped: LabDefinition, shipped_synth: SynthTree
) -> None:
    policies = _root(shipped_synth)["spacelift_policy"]
    files = {p.name: p for p in load_policies(REPO / "policies")}
    assert sorted(policies) == sorted(files) == ["approval", "plan", "push"]
    for name, policy in policies.items():
        source = files[name]
        assert policy["body"] == (REPO / "policies" / f"{name}.rego").read_text()
        assert policy["type"] == source.type.value
        assert policy["engine_type"] == "REGO_V1"
        assert policy["labels"] == [f"autoattach:{label}" for label in source.autoattach_labels]
        assert policy["space_id"] == shipped.config.spacelift.space_id
    assert {p["type"] for p in policies.values()} == {"APPROVAL", "PLAN", "GIT_PUSH"}


def test_credential_contexts_hold_no_secrets(shipped_synth: SynthTree) -> None:
    resources = _root(shipped_synth)
    contexts = resources["spacelift_context"]
    assert sorted(contexts) == ["aws-credentials", "azure-credentials"]
    # No autoattach label: a stack outside the lab carrying "aws" gets no keys.
    assert all("labels" not in c for c in contexts.values())
    attached = {
        name: (a["context_id"], a["stack_id"])
        for name, a in resources["spacelift_context_attachment"].items()
    }
    expected = {
        f"{stack}--{cloud}-credentials": (
            _ref("spacelift_context", f"{cloud}-credentials"),
            _ref("spacelift_stack", stack),
        )
        for stack in shipped_synth
        if stack != MANAGEMENT_STACK_ID
        for cloud in ("aws" if stack.startswith("aws-") or stack.endswith("-eks") else "azure",)
    }
    assert attached == expected
    assert len(attached) == len(shipped_synth) - 1  # one per stack Spacelift manages
    variables = resources["spacelift_environment_variable"]
    assert {(v["name"], v["value"], v["write_only"]) for v in variables.values()} == {
        ("AWS_REGION", "us-east-1", False)
    }
    text = json.dumps(shipped_synth)
    # As names of variables or attributes (the context descriptions mention them in prose).
    for secret_name in ("AWS_SECRET_ACCESS_KEY", "ARM_CLIENT_SECRET", "api_key_secret", "password"):
        assert f'"{secret_name}"' not in text
    assert "spacelift_aws_integration" not in resources  # not configured in lab.yaml


def test_management_rights_stay_the_hand_made_attachment(shipped_synth: SynthTree) -> None:
    doc = shipped_synth[MANAGEMENT_STACK_ID]
    # No attachment of its own: the one made by hand in bootstrap step 5 gives the rights.
    assert "spacelift_role_attachment" not in doc["resource"]
    assert "spacelift_role" not in doc.get("data", {})
    assert "import" not in doc


def test_the_retired_attachment_id_is_refused_by_name(tmp_path: Path) -> None:
    data = yaml.safe_load((FIXTURE_CONFIG).read_text())
    data["spacelift"]["root_role_attachment_id"] = "01JROLEATTACHMENT0000000000"
    config = tmp_path / "lab.yaml"
    config.write_text(yaml.safe_dump(data))
    with pytest.raises(LabDefinitionError) as error:
        load_definition(config, FIXTURE_EXPERIMENTS)
    assert "root_role_attachment_id: no longer used" in str(error.value)
    assert "bootstrap.md step 5" in str(error.value)
    assert "`tofu state rm spacelift_role_attachment.ManagementRights`" in str(error.value)


@pytest.fixture(scope="module")
def integrated(
    tmp_path_factory: pytest.TempPathFactory,
) -> SynthTree:
    """lab.yaml with both cloud integrations."""
    data = yaml.safe_load((FIXTURE_CONFIG).read_text())
    data["spacelift"]["aws_integration"] = {
        "read_role_arn": "arn:aws:iam::111122223333:role/lab/spacelift-read",
        "foundation_role_arn": "arn:aws:iam::111122223333:role/lab/spacelift-foundation",
        "experiment_role_arn": "arn:aws:iam::111122223333:role/lab/spacelift-experiment",
        "duration_seconds": 7200,
    }
    data["spacelift"]["azure_integration"] = {
        "tenant_id": "11111111-2222-3333-4444-555555555555",
        "subscription_id": "66666666-7777-8888-9999-000000000000",
    }
    data["spacelift"]["approvers"] = [
        {"login": "bob@example.com"},
        {"login": "carol@example.com", "vcs_login": "carol-gh"},
    ]
    workdir = tmp_path_factory.mktemp("integrated")
    config = workdir / "lab.yaml"
    config.write_text(yaml.safe_dump(data))
    return synth_tree(load_definition(config, FIXTURE_EXPERIMENTS), workdir / "cdktf.out")


def test_the_foundation_key_denies_the_experiment_write_role(
    integrated: SynthTree, shipped_synth: SynthTree
) -> None:
    def denied(tree: SynthTree) -> list[Any]:
        (key,) = tree["aws-foundation"]["resource"]["aws_kms_key"].values()
        return [
            s["Condition"]["ArnEquals"]["aws:PrincipalArn"]
            for s in json.loads(key["policy"])["Statement"]
            if s["Effect"] == "Deny"
        ]

    # The role whose IAM policy may tag any key experiment=<name> (docs/bootstrap.md).
    assert denied(integrated) == [["arn:aws:iam::111122223333:role/lab/spacelift-experiment"]]
    assert denied(shipped_synth) == []  # no integration, no experiment write role


def test_cloud_integrations_attach_to_the_stacks_of_their_cloud(integrated: SynthTree) -> None:
    resources = _root(integrated)
    aws = resources["spacelift_aws_integration"]
    assert {
        name: (i["role_arn"], i["duration_seconds"], i["region"]) for name, i in aws.items()
    } == {
        f"aws-{identity}": (
            f"arn:aws:iam::111122223333:role/lab/spacelift-{identity}",
            7200,
            "us-east-1",
        )
        for identity in ("read", "foundation", "experiment")
    }
    azure = resources["spacelift_azure_integration"]
    assert sorted(azure) == ["azure-experiment", "azure-foundation", "azure-read"]
    for integration in azure.values():
        assert (integration["tenant_id"], integration["default_subscription_id"]) == (
            "11111111-2222-3333-4444-555555555555",
            "66666666-7777-8888-9999-000000000000",
        )
    # Each stack of a cloud: the read integration for plans only, its kind's write
    # integration for applies only; no stack gets another kind's writer.
    attached = {
        name: (a["stack_id"], a["integration_id"], a["read"], a["write"])
        for kind in ("aws", "azure")
        for name, a in resources[f"spacelift_{kind}_integration_attachment"].items()
    }
    expected = {}
    for cloud, stacks in {
        "aws": ("aws-foundation", "exp-multi-cloud-demo-eks"),
        "azure": ("azure-foundation", "exp-http-baseline-aks", "exp-multi-cloud-demo-aks"),
    }.items():
        for stack in stacks:
            writer = "foundation" if stack.endswith("foundation") else "experiment"
            integration = f"spacelift_{cloud}_integration"
            expected[f"{stack}--read"] = (
                _ref("spacelift_stack", stack),
                _ref(integration, f"{cloud}-read"),
                True,
                False,
            )
            expected[f"{stack}--write"] = (
                _ref("spacelift_stack", stack),
                _ref(integration, f"{cloud}-{writer}"),
                False,
                True,
            )
    assert attached == expected
    # Credentials outlive the destroy run of an experiment.
    destructor = resources["spacelift_stack_destructor"]["exp-multi-cloud-demo-eks"]
    assert (
        "spacelift_aws_integration_attachment.exp-multi-cloud-demo-eks--write"
        in destructor["depends_on"]
    )
    assert check_terraform_json(integrated[MANAGEMENT_STACK_ID], load_schema()) == []


def test_autodeploy_and_drift_detection_follow_lab_yaml(tmp_path: Path) -> None:
    data = yaml.safe_load((FIXTURE_CONFIG).read_text())
    data["spacelift"]["experiment_autodeploy"] = False
    data["spacelift"]["drift_detection"]["enabled"] = False
    config = tmp_path / "lab.yaml"
    config.write_text(yaml.safe_dump(data))
    tree = synth_tree(load_definition(config, FIXTURE_EXPERIMENTS), tmp_path / "cdktf.out")
    resources = _root(tree)
    assert {s["autodeploy"] for s in resources["spacelift_stack"].values()} == {False}
    assert "spacelift_drift_detection" not in resources
    assert sorted(resources["spacelift_policy"]) == ["approval", "plan", "push"]


def test_policies_can_be_left_out_for_a_free_plan(tmp_path: Path) -> None:
    data = yaml.safe_load((FIXTURE_CONFIG).read_text())
    data["spacelift"]["policies"] = False
    config = tmp_path / "lab.yaml"
    config.write_text(yaml.safe_dump(data))
    tree = synth_tree(load_definition(config, FIXTURE_EXPERIMENTS), tmp_path / "cdktf.out")
    resources = _root(tree)
    assert "spacelift_policy" not in resources
    assert len(resources["spacelift_stack"]) == 5  # everything else is unchanged


def test_named_approvers_reach_the_uploaded_approval_policy(integrated: SynthTree) -> None:
    approval = _root(integrated)["spacelift_policy"]["approval"]
    assert approval["body"].endswith(
        'allowed_approvers := ["bob@example.com", "carol@example.com"]\n\n'
        'login_aliases := {"carol-gh": "carol@example.com"}\n'
    )
    plan = _root(integrated)["spacelift_policy"]["plan"]
    assert "allowed_approvers" not in plan["body"]
