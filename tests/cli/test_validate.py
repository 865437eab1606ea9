"""`lab validate`: synth's messages without a synth, a summary, and expiry warnings."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
import yaml

from lab import cli, clock
from lab.commands.validation import expiry_notices, summary
from lab.definition import LabDefinition, load_definition
from lab.errors import display_path
from tests.cli.conftest import Invoke, Lab
from tests.helpers import real_looking


def test_valid_lab_prints_one_line(invoke: Invoke, small_lab: Lab) -> None:
    result = invoke("validate", *small_lab.options)
    assert result.exit_code == 0
    assert result.stdout == (
        "valid: 6 stacks (1 management, 2 foundation, 3 experiment), "
        "2 experiments with 3 clusters, 3 policies\n"
    )
    assert result.stderr == ""


def test_problems_are_exactly_synths(invoke: Invoke, small_lab: Lab) -> None:
    small_lab.cluster("alpha", "target", size="medium", provider="azure", nodes=0)
    small_lab.cluster("beta", "loadgen", provider="aws")
    small_lab.config.write_text(small_lab.config.read_text().replace("az_count: 3", "az_count: 9"))
    validate = invoke("validate", *small_lab.options)
    # synth stops at the same check, before it imports cdktf.
    synth = invoke("synth", "--outdir", str(small_lab.root / "out"), *small_lab.options)
    assert validate.exit_code == synth.exit_code == 2
    assert validate.stdout == synth.stdout == ""
    # The same problems in the same words; only synth, which writes, says it wrote nothing.
    assert synth.stderr == f"{validate.stderr}nothing was written\n"
    lines = validate.stderr.splitlines()
    assert lines[0] == "error: 3 problems in the lab definition:"
    assert sorted(line.split(": ")[1] for line in lines[1:]) == ["aws.az_count", "nodes", "size"]
    assert not (small_lab.root / "out").exists()


def test_a_missing_experiments_tree_is_reported(invoke: Invoke, small_lab: Lab) -> None:
    result = invoke("validate", "--config", str(small_lab.config), "--experiments", "nowhere")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[1] == (
        "  nowhere: is not a directory; create it or pass --experiments DIR"
    )


def test_env_vars_select_the_files(invoke: Invoke, small_lab: Lab) -> None:
    env = {"LAB_CONFIG": str(small_lab.config), "LAB_EXPERIMENTS_DIR": str(small_lab.experiments)}
    result = invoke("validate", env=env)
    assert result.exit_code == 0
    assert "2 experiments with 3 clusters" in result.stdout


def expire(lab: Lab, experiment: str, day: str) -> None:
    for cluster in (lab.experiments / experiment).iterdir():
        path = cluster / "cluster.yaml"
        path.write_text(path.read_text() + f"expires: {day}\n")


TODAY = date(2026, 11, 30)


@pytest.fixture
def on_today(monkeypatch: pytest.MonkeyPatch) -> date:
    """The commands' clock stopped at :data:`TODAY` (in UTC)."""
    monkeypatch.setattr(clock, "today_utc", lambda: TODAY)
    return TODAY


def test_the_expiry_day_itself_is_still_valid(
    invoke: Invoke, small_lab: Lab, on_today: date
) -> None:
    expire(small_lab, "beta", on_today.isoformat())
    result = invoke("validate", *small_lab.options)
    assert result.exit_code == 0
    assert result.stderr.startswith("note: experiment beta expires today (2026-11-30): ")


def test_strict_passes_without_warnings(invoke: Invoke, small_lab: Lab) -> None:
    # Far enough for no note, and before the fixture's Kubernetes minor leaves support.
    expire(small_lab, "alpha", "2027-03-01")
    result = invoke("validate", "--strict", *small_lab.options)
    assert (result.exit_code, result.stderr) == (0, "")


def test_strict_passes_with_notes(invoke: Invoke, small_lab: Lab, on_today: date) -> None:
    """A note (expiring within a week) informs; only warnings fail --strict."""
    expire(small_lab, "alpha", "2026-12-01")
    result = invoke("validate", "--strict", *small_lab.options)
    assert result.exit_code == 0
    assert result.stderr.startswith("note: experiment alpha expires in 1 day (2026-12-01): ")


def test_warnings_are_printed_and_fail_strict(invoke: Invoke, small_lab: Lab) -> None:
    text = small_lab.config.read_text()
    small_lab.config.write_text(text.replace("vpc_cidr: 10.50.0.0/16", "vpc_cidr: 10.40.0.0/16"))
    result = invoke("validate", *small_lab.options)
    assert result.exit_code == 0
    assert result.stderr == (
        f"warning: {display_path(small_lab.config)}: aws.vpc_cidr: 10.40.0.0/16 overlaps the "
        "Azure VNet's 10.40.0.0/16 (azure.vnet.address_space); the clouds cannot be routed to "
        "each other later (VPN, peering) unless the ranges are disjoint\n"
    )
    strict = invoke("validate", "--strict", *small_lab.options)
    assert (strict.exit_code, strict.stderr) == (1, result.stderr)


def test_an_alert_address_at_a_documentation_domain_fails_strict(
    invoke: Invoke, small_lab: Lab
) -> None:
    text = small_lab.config.read_text()
    assert "lab-owner@illm-k8s-lab.org" in text
    small_lab.config.write_text(text.replace("lab-owner@illm-k8s-lab.org", "you@example.com"))
    result = invoke("validate", *small_lab.options)
    assert result.exit_code == 0
    assert result.stderr == (
        f"warning: {display_path(small_lab.config)}: cost.alert_emails[0]: 'you@example.com' "
        "is a placeholder (RFC 2606 reserves example.com, .net and .org, and the .example, "
        ".test and .invalid domains, for documentation); replace it before the first apply "
        "(docs/bootstrap.md)\n"
    )
    strict = invoke("validate", "--strict", *small_lab.options)
    assert (strict.exit_code, strict.stderr) == (1, result.stderr)


def test_a_bad_alert_address_is_one_error_naming_file_and_field(
    invoke: Invoke, small_lab: Lab
) -> None:
    text = small_lab.config.read_text()
    small_lab.config.write_text(text.replace("lab-owner@illm-k8s-lab.org", "lab-owner"))
    result = invoke("validate", *small_lab.options)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        "error: 1 problem in the lab definition:",
        f"  {display_path(small_lab.config)}: cost.alert_emails[0]: 'lab-owner' is not an "
        "e-mail address; expected something like you@your-domain.org",
    ]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 30), "expires in 1 day (2026-12-01)"),
        (date(2026, 12, 1), "expires today (2026-12-01)"),
        (date(2026, 11, 25), "expires in 6 days (2026-12-01)"),
    ],
)
def test_experiments_expiring_within_a_week_get_a_note(
    small_lab: Lab, today: date, expected: str
) -> None:
    expire(small_lab, "alpha", "2026-12-01")
    definition = load_definition(small_lab.config, small_lab.experiments, today=today)
    [notice] = expiry_notices(definition, today)
    assert notice.message.startswith(f"experiment alpha {expected}: exp-alpha-aks and its")


def test_no_notice_a_week_ahead(small_lab: Lab) -> None:
    expire(small_lab, "alpha", "2026-12-01")
    definition = load_definition(small_lab.config, small_lab.experiments, today=date(2026, 11, 24))
    assert expiry_notices(definition, date(2026, 11, 24)) == []


def test_summary_counts_each_kind(small_lab: Lab) -> None:
    definition = load_definition(small_lab.config, small_lab.experiments)
    assert summary(definition, 1) == (
        "valid: 6 stacks (1 management, 2 foundation, 3 experiment), "
        "2 experiments with 3 clusters, 1 policy"
    )


def test_an_invalid_policy_fails_validation(
    invoke: Invoke, small_lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "broken.rego").write_text("package spacelift\n\nallow if true\n")

    def with_policies(config: Path, experiments_dir: Path) -> LabDefinition:
        definition = load_definition(config, experiments_dir)
        return dataclasses.replace(definition, policies_dir=policies)

    monkeypatch.setattr(cli, "load_definition", with_policies)
    result = invoke("validate", *small_lab.options)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {policies / 'broken.rego'}: ")
    assert "METADATA" in result.stderr


def test_policies_lab_yaml_does_not_upload_are_not_read_as_synth_does_not(
    invoke: Invoke, small_lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """spacelift.policies: false: spacelift-root uploads no policy, so synth reads none and
    validate does not fail on one either."""
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "broken.rego").write_text("package spacelift\n\nallow if true\n")
    config = yaml.safe_load(small_lab.config.read_text())
    config["spacelift"]["policies"] = False
    small_lab.config.write_text(yaml.safe_dump(config))

    def with_policies(config: Path, experiments_dir: Path) -> LabDefinition:
        definition = load_definition(config, experiments_dir)
        return dataclasses.replace(definition, policies_dir=policies)

    monkeypatch.setattr(cli, "load_definition", with_policies)
    result = invoke("validate", *small_lab.options)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith(", 0 policies\n")


def test_placeholders_warn_once_per_field_and_fail_strict(invoke: Invoke, shipped_lab: Lab) -> None:
    """The fixture's lab.yaml holds documentation values, as the shipped one does."""
    result = invoke("validate", *shipped_lab.options)
    assert result.exit_code == 0
    config = display_path(shipped_lab.config)
    test_net = (
        "RFC 5737 reserves 192.0.2.0/24, 198.51.100.0/24 and 203.0.113.0/24 for documentation"
    )
    tail = "replace it before the first apply (docs/bootstrap.md)"
    assert result.stderr.splitlines() == [
        f"warning: {config}: spacelift.space_id: 'root' is a placeholder (the starter space: "
        "spacelift-root's Space admin role would span the whole Spacelift account; create a "
        f"space for the lab (docs/bootstrap.md, step 5) and give its id); {tail}",
        f"warning: {config}: azure.aks.authorized_ip_ranges[0]: '203.0.113.0/24' is a "
        f"placeholder ({test_net}); {tail}",
        f"warning: {config}: azure.aks.admin_group_object_ids[0]: "
        "'00000000-0000-0000-0000-000000000000' is a placeholder (the nil UUID of RFC 9562 is "
        f"nobody's object, tenant or subscription id); {tail}",
        f"warning: {config}: azure.aks.service_source_ranges[0]: '203.0.113.0/24' is a "
        f"placeholder ({test_net}); {tail}",
        f"warning: {config}: aws.eks.public_access_cidrs[0]: '203.0.113.0/24' is a "
        f"placeholder ({test_net}); {tail}",
        f"warning: {config}: aws.eks.admin_principal_arns[0]: "
        "'arn:aws:iam::111122223333:role/platform-admin' is a placeholder (111122223333 and "
        f"123456789012 are the accounts of AWS's documentation examples); {tail}",
    ]
    assert result.stdout.startswith("valid: ")
    strict = invoke("validate", "--strict", *shipped_lab.options)
    assert (strict.exit_code, strict.stderr) == (1, result.stderr)
    # Replaced by values that could be someone's, they pass --strict.
    shipped_lab.config.write_text(real_looking(shipped_lab.config.read_text()))
    assert invoke("validate", "--strict", *shipped_lab.options).exit_code == 0
