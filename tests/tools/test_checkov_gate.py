"""Unit tests of the checkov gate: config, output parsing, decisions and the report.

checkov itself is replaced by :class:`FakeCheckov`, which replays real recorded output,
so these run in milliseconds; ``test_checkov_gate_real.py`` runs the real checkov.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import REPO
from tests.tools.support import FIXTURES, RECORDED, FakeCheckov, recorded
from tools import checkov_gate
from tools.checkov_gate import (
    CheckRecord,
    GateConfig,
    GateError,
    ScanResult,
    Suppression,
    SynthFile,
    judge,
    load_config,
    parse_output,
    read_inventory,
    resource_address,
)

WriteConfig = Callable[[str], Path]

COMPLIANT = FIXTURES / "compliant"
FAILING = FIXTURES / "failing"
REQUIRED_VERSION = FIXTURES / "required_version"
CONFIG_PATH = Path("/repo/.checkov.yaml")
FAILED_CHECKS_ADVICE = "fix the resources above, or suppress a check that does not apply in"
SUBNET_CHECK = "CKV_AWS_130: Ensure VPC subnets do not assign public IP by default"


@pytest.fixture(autouse=True)
def _in_fixtures_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reports show paths relative to the working directory; make them predictable."""
    monkeypatch.chdir(FIXTURES)


def config(*suppressions: Suppression) -> GateConfig:
    return GateConfig(CONFIG_PATH, suppressions, {"framework": ["terraform_json"]})


def scan_of(name: str, root: Path) -> ScanResult:
    return parse_output(recorded(name, root.resolve()))


def judge_recorded(name: str, root: Path, gate_config: GateConfig) -> checkov_gate.Verdict:
    return judge(scan_of(name, root), gate_config, read_inventory(root.resolve()))


# --- config -------------------------------------------------------------------------------


def test_config_reads_each_suppression_with_the_comment_on_its_line(
    write_config: WriteConfig,
) -> None:
    path = write_config(
        "# header comment\n"
        "framework:\n"
        "  - terraform_json\n"
        "skip-check:\n"
        "  - CKV_AZURE_170  # lab cost choice: no uptime SLA needed\n"
        "  - 'CKV2_AWS_12'    #   default SG is managed elsewhere  \n"
    )

    loaded = load_config(path)

    assert loaded.suppressions == (
        Suppression("CKV_AZURE_170", "lab cost choice: no uptime SLA needed", 5),
        Suppression("CKV2_AWS_12", "default SG is managed elsewhere", 6),
    )
    assert loaded.checkov_settings == {"framework": ["terraform_json"]}


@pytest.mark.parametrize(
    "entries",
    [
        "  - CKV_AWS_7\n",
        "  - CKV_AWS_7  #   \n",
        "  - CKV_AWS_7\n  # a reason on the next line belongs to no entry\n",
    ],
    ids=["no-comment", "empty-comment", "comment-on-next-line"],
)
def test_an_entry_without_a_same_line_comment_has_no_reason(
    write_config: WriteConfig, entries: str
) -> None:
    loaded = load_config(write_config("skip-check:\n" + entries))

    assert loaded.suppressions == (Suppression("CKV_AWS_7", "", 2),)


def test_flow_style_entries_cannot_carry_reasons(write_config: WriteConfig) -> None:
    loaded = load_config(write_config("skip-check: [CKV_AWS_7, CKV_AWS_130]  # both\n"))

    assert [entry.reason for entry in loaded.suppressions] == ["", ""]


@pytest.mark.parametrize(
    "text", ["", "skip-check:\n", "skip-check: []\n", "framework: terraform_json\n"]
)
def test_config_without_entries_suppresses_nothing(write_config: WriteConfig, text: str) -> None:
    assert load_config(write_config(text)).suppressions == ()


def test_the_repository_config_is_valid_and_every_entry_has_a_reason() -> None:
    loaded = load_config(REPO / ".checkov.yaml")

    assert loaded.checkov_settings == {"framework": ["terraform_json"]}
    assert [entry.check_id for entry in loaded.suppressions if not entry.reason] == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("soft-fail: true\n", "unsupported key(s) soft-fail; the gate reads only framework and"),
        ("framework: terraform\n", "framework must be terraform_json, not 'terraform'"),
        ("skip-check: CKV_AWS_7,CKV_AWS_130\n", "skip-check must be a list, one check ID per line"),
        ("skip-check:\n  - LOW  # noise\n", "must be single check IDs such as CKV_AWS_130"),
        ("skip-check:\n  - CKV_AWS_*  # all\n", "not '- CKV_AWS_*  # all'"),
        ("skip-check:\n  - CKV_AWS_7  # a\n  - CKV_AWS_7  # b\n", ":3: CKV_AWS_7 is listed twice"),
        ("- CKV_AWS_7\n", "must be a mapping of checkov settings"),
        ("skip-check: [CKV_AWS_7\n", "is not valid YAML"),
    ],
)
def test_config_mistakes_stop_the_gate(write_config: WriteConfig, text: str, message: str) -> None:
    with pytest.raises(GateError) as raised:
        load_config(write_config(text))

    assert message in str(raised.value)


def test_a_missing_config_file_stops_the_gate(tmp_path: Path) -> None:
    with pytest.raises(GateError, match=r"cannot read the checkov config .*: No such file"):
        load_config(tmp_path / "absent.yaml")


# --- checkov output -----------------------------------------------------------------------


def test_a_single_framework_report_is_a_dict() -> None:
    scan = scan_of("failing", FAILING)

    assert (len(scan.passed), len(scan.skipped), scan.parsing_errors) == (2, 0, ())
    assert scan.failed == (
        CheckRecord(
            check_id="CKV_AWS_130",
            check_name="Ensure VPC subnets do not assign public IP by default",
            resource="resource.public_subnet",
            file=str(FAILING / "stacks/network/cdk.tf.json"),
            guideline=None,
        ),
    )
    assert scan.checkov_version == "3.3.30"


def test_reports_of_several_frameworks_are_a_list_and_are_merged() -> None:
    scan = scan_of("two_frameworks", FAILING)

    assert (len(scan.passed), len(scan.failed)) == (12, 2)
    assert {record.check_id for record in scan.failed} == {"CKV_AWS_130", "CKV2_GHA_1"}


def test_parsing_errors_are_listed_by_file() -> None:
    scan = scan_of("required_version", REQUIRED_VERSION)

    assert scan.parsing_errors == (str(REQUIRED_VERSION / "stacks/keys/cdk.tf.json"),)
    assert scan.checks_run == 0


def test_the_no_files_summary_is_an_empty_scan() -> None:
    assert parse_output(recorded("no_files", Path("/empty"))) == ScanResult(
        checkov_version="3.3.30"
    )


@pytest.mark.parametrize(
    ("stdout", "message"),
    [
        ("", "checkov printed no JSON report (Expecting value: line 1 column 1 (char 0))"),
        ("", "it began: '<empty>'"),
        ("Traceback (most recent call last):\n", "it began: 'Traceback (most recent call last):'"),
        ('{"check_type": "terraform_json"}', "unexpected checkov report with keys ['check_type']"),
        ("[42]", "unexpected checkov report: '42'"),
    ],
)
def test_output_that_is_no_report_stops_the_gate(stdout: str, message: str) -> None:
    with pytest.raises(GateError) as raised:
        parse_output(stdout)

    assert message in str(raised.value)


# --- decisions ----------------------------------------------------------------------------


def test_a_compliant_scan_is_clean() -> None:
    verdict = judge_recorded("compliant", COMPLIANT, config())

    assert verdict.problems == ()
    assert verdict.clean
    assert (verdict.passed, verdict.failures, verdict.skipped) == (5, (), 0)
    assert (verdict.resources, verdict.files) == (1, 1)


def test_a_failed_check_fails_the_gate_and_names_the_resource() -> None:
    verdict = judge_recorded("failing", FAILING, config())

    assert verdict.problems == (
        f"1 failed check(s): {FAILED_CHECKS_ADVICE} {CONFIG_PATH} with a reason",
    )
    (failure,) = verdict.failures
    assert failure.resource == "aws_subnet.public_subnet"
    assert failure.file == "failing/stacks/network/cdk.tf.json"


def test_a_suppression_with_a_reason_turns_the_failure_into_a_skip() -> None:
    reason = "public subnet for the lab's bastion"
    verdict = judge_recorded("failing", FAILING, config(Suppression("CKV_AWS_130", reason, 4)))

    assert verdict.problems == ()
    assert verdict.failures == ()
    (skip,) = verdict.skips
    assert [record.resource for record in skip.records] == ["aws_subnet.public_subnet"]
    assert skip.suppression.reason == reason
    assert verdict.skipped == 1


def test_a_suppression_without_a_reason_fails_the_gate() -> None:
    verdict = judge_recorded("failing", FAILING, config(Suppression("CKV_AWS_130", "", 4)))

    assert verdict.problems == (
        f"{CONFIG_PATH}:4: CKV_AWS_130 has no reason; "
        "write it on the same line: `- CKV_AWS_130  # why it does not apply`",
    )


def test_a_suppression_that_suppresses_nothing_is_stale() -> None:
    verdict = judge_recorded("compliant", COMPLIANT, config(Suppression("CKV_AWS_7", "old", 7)))

    assert verdict.problems == (
        f"{CONFIG_PATH}:7: CKV_AWS_7 is suppressed but no resource fails it; "
        "delete the stale entry",
    )
    assert verdict.skipped == 0


def test_the_required_version_parse_failure_fails_the_gate_and_says_why() -> None:
    verdict = judge_recorded("required_version", REQUIRED_VERSION, config())

    assert verdict.problems == (
        "checkov could not parse required_version/stacks/keys/cdk.tf.json: it sets "
        "terraform.required_version, which checkov 3.3.30 cannot parse "
        "(https://github.com/bridgecrewio/checkov/issues/7454); "
        "remove the required_version override from the app",
        "checkov ran no checks on 1 file(s): a scan that checks nothing fails",
    )
    assert verdict.parsing_errors == 1


def test_any_other_parsing_error_points_at_the_command_that_shows_it(tmp_path: Path) -> None:
    broken = tmp_path / "cdk.tf.json"
    broken.write_text("{not json", encoding="utf-8")
    scan = ScanResult(passed=scan_of("compliant", COMPLIANT).passed, parsing_errors=(str(broken),))

    verdict = judge(scan, config(), read_inventory(tmp_path))

    assert verdict.problems == (
        f"checkov could not parse {broken}; see why with "
        f"`checkov --framework terraform_json -f {broken}`",
    )
    assert (verdict.resources, verdict.files) == (0, 1)


def test_an_empty_directory_fails_as_nothing_to_scan() -> None:
    verdict = judge(parse_output(recorded("no_files", Path("/empty"))), config(), ())

    assert verdict.problems == ("no *.tf.json file to scan: synthesize first (`make synth`)",)


def test_files_without_any_check_fail_as_an_empty_scan() -> None:
    inventory = read_inventory(COMPLIANT.resolve())

    verdict = judge(parse_output(recorded("no_files", COMPLIANT)), config(), inventory)

    assert verdict.problems == (
        "checkov ran no checks on 1 file(s): a scan that checks nothing fails",
    )


def test_a_skip_made_by_checkov_rather_than_the_config_fails_the_gate() -> None:
    failing = scan_of("failing", FAILING)
    scan = ScanResult(passed=failing.passed, skipped=failing.failed)

    verdict = judge(scan, config(), read_inventory(FAILING.resolve()))

    assert verdict.problems == (
        f"checkov skipped CKV_AWS_130 on aws_subnet.public_subnet outside {CONFIG_PATH}; "
        "suppress checks only there, with a reason",
    )


def test_resource_addresses_get_their_type_back() -> None:
    synth = SynthFile(
        Path("/x/cdk.tf.json"),
        ("aws_kms_key.eks", "aws_eks_cluster.eks", "aws_subnet.public"),
        sets_required_version=False,
    )

    assert resource_address("resource.public", synth) == "aws_subnet.public"
    assert resource_address("resource.eks", synth) == (
        "resource.eks (one of aws_kms_key.eks, aws_eks_cluster.eks)"
    )
    assert resource_address("resource.unknown", synth) == "resource.unknown"
    assert resource_address("aws_vpc.vpc", synth) == "aws_vpc.vpc"
    assert resource_address("provider.aws", synth) == "provider.aws"
    assert resource_address("resource.public", None) == "resource.public"


# --- the command, with a fake checkov -----------------------------------------------------


def run_main(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = checkov_gate.main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_report_lists_each_failure_and_the_exit_code_is_1(
    capsys: pytest.CaptureFixture[str], fake_checkov: FakeCheckov, write_config: WriteConfig
) -> None:
    fake_checkov.replay_recorded("failing")
    config_path = write_config("skip-check: []\n")

    code, out, err = run_main(
        capsys, "--checkov", fake_checkov.path, "--config", config_path, "failing"
    )

    assert code == 1
    assert out == (
        "checkov: 2 passed, 1 failed, 0 skipped, 0 parsing errors (2 resources in 1 files)\n"
        f"FAILED  {SUBNET_CHECK}\n"
        "  resource:  aws_subnet.public_subnet\n"
        "  file:      failing/stacks/network/cdk.tf.json\n"
        "  guideline: https://www.checkov.io/5.Policy%20Index/terraform.html\n"
    )
    assert (
        err
        == f"checkov gate: 1 failed check(s): {FAILED_CHECKS_ADVICE} {config_path} with a reason\n"
    )


def test_skips_are_reported_with_their_reason_and_summarised_as_json(
    capsys: pytest.CaptureFixture[str],
    fake_checkov: FakeCheckov,
    write_config: WriteConfig,
    tmp_path: Path,
) -> None:
    fake_checkov.replay_recorded("failing")
    config_path = write_config("skip-check:\n  - CKV_AWS_130  # bastion subnet, lab only\n")
    summary_path = tmp_path / "summary.json"

    code, out, err = run_main(
        capsys,
        *("--checkov", fake_checkov.path, "--config", config_path),
        *("--summary-json", summary_path, "failing"),
    )

    assert (code, err) == (0, "")
    assert out == (
        "checkov: 2 passed, 0 failed, 1 skipped, 0 parsing errors (2 resources in 1 files)\n"
        "SKIPPED CKV_AWS_130\n"
        "  resources: aws_subnet.public_subnet\n"
        "  reason:    bastion subnet, lab only\n"
    )
    assert json.loads(summary_path.read_text(encoding="utf-8")) == {
        "clean": True,
        "checkov_version": "3.3.30",
        "passed": 2,
        "failed": 0,
        "skipped": 1,
        "parsing_errors": 0,
        "resources": 2,
        "files": 1,
        "skipped_checks": [
            {
                "check_id": "CKV_AWS_130",
                "reason": "bastion subnet, lab only",
                "resources": ["aws_subnet.public_subnet"],
            }
        ],
    }


def test_a_stale_suppression_is_reported_and_fails(
    capsys: pytest.CaptureFixture[str], fake_checkov: FakeCheckov, write_config: WriteConfig
) -> None:
    fake_checkov.replay_recorded("compliant")
    config_path = write_config("skip-check:\n  - CKV_AWS_7  # rotation was off once\n")

    code, out, err = run_main(
        capsys, "--checkov", fake_checkov.path, "--config", config_path, "compliant"
    )

    assert code == 1
    assert out.splitlines()[1:] == [
        "SKIPPED CKV_AWS_7",
        "  resources: none (stale)",
        "  reason:    rotation was off once",
    ]
    assert err == (
        f"checkov gate: {config_path}:2: CKV_AWS_7 is suppressed but no resource fails it; "
        "delete the stale entry\n"
    )


def test_several_framework_reports_are_counted_together(
    capsys: pytest.CaptureFixture[str], fake_checkov: FakeCheckov, write_config: WriteConfig
) -> None:
    fake_checkov.replay_recorded("two_frameworks")

    code, out, _ = run_main(
        capsys, "--checkov", fake_checkov.path, "--config", write_config(""), "failing"
    )

    assert code == 1
    assert out.splitlines()[0] == (
        "checkov: 12 passed, 2 failed, 0 skipped, 0 parsing errors (2 resources in 1 files)"
    )


def test_checkov_runs_isolated_offline_and_without_the_suppressions(
    capsys: pytest.CaptureFixture[str],
    fake_checkov: FakeCheckov,
    write_config: WriteConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CKV_SKIP_CHECK", "CKV_AWS_130")
    monkeypatch.setenv("BC_API_KEY", "not-for-checkov")
    monkeypatch.setenv("PRISMA_API_URL", "https://api.prismacloud.invalid")
    monkeypatch.setenv("CHECKOV_RUN_SCA_PACKAGE_SCAN_V2", "true")
    monkeypatch.setenv("LAB_UNRELATED_SETTING", "kept")
    fake_checkov.replay_recorded("failing")
    config_path = write_config(
        "framework: [terraform_json]\nskip-check:\n  - CKV_AWS_130  # bastion\n"
    )

    code, _, _ = run_main(
        capsys, "--checkov", fake_checkov.path, "--config", config_path, "failing"
    )

    call = fake_checkov.call()
    argv = call["argv"]
    assert code == 0
    assert argv[argv.index("--directory") + 1] == str(FAILING.resolve())
    assert argv[argv.index("--framework") + 1] == "terraform_json"
    assert argv[argv.index("--output") + 1] == "json"
    assert "--skip-download" in argv
    assert "skip-check" not in call["config"], "the gate, not checkov, applies suppressions"
    assert "terraform_json" in call["config"]
    assert call["cwd"] == call["env"]["HOME"], "no .checkov.yaml from the cwd or home is read"
    assert call["cwd"] not in (str(FIXTURES), str(Path.home()))
    assert call["env"]["CKV_SKIP_PACKAGE_UPDATE_CHECK"] == "true"
    assert "CKV_SKIP_CHECK" not in call["env"]
    assert "BC_API_KEY" not in call["env"]
    assert "PRISMA_API_URL" not in call["env"]
    assert "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2" not in call["env"]
    assert call["env"]["LAB_UNRELATED_SETTING"] == "kept", "only checkov's settings are dropped"


@pytest.mark.parametrize(
    ("run", "message"),
    [
        (
            (2, "", "usage: checkov ...\ncheckov: error: bad flag\n"),
            "checkov exited with 2:\n  usage",
        ),
        ((1, "", "Traceback (most recent call last):\nKeyError: 'x'\n"), "'<empty>':\n  Traceback"),
        ((0, "failing", ""), "checkov exited with 0 but reported 1 failed check(s)"),
        ((1, "compliant", ""), "checkov exited with 1 but reported 0 failed check(s)"),
    ],
    ids=["usage-error", "crash", "exit-0-with-failures", "exit-1-without-failures"],
)
def test_checkov_misbehaving_is_an_error(
    capsys: pytest.CaptureFixture[str],
    fake_checkov: FakeCheckov,
    write_config: WriteConfig,
    run: tuple[int, str, str],
    message: str,
) -> None:
    """``run`` is checkov's exit code, the recorded output it prints (if any) and its stderr."""
    exit_code, output_name, stderr = run
    output = (RECORDED / f"{output_name}.json").read_text(encoding="utf-8") if output_name else ""
    fake_checkov.replay(output, exit_code, stderr)

    code, out, err = run_main(
        capsys, "--checkov", fake_checkov.path, "--config", write_config(""), "failing"
    )

    assert (code, out) == (1, "")
    assert err.startswith("checkov gate: error: ")
    assert message in err


def test_a_missing_checkov_says_how_to_install_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, write_config: WriteConfig
) -> None:
    code, _, err = run_main(
        capsys, "--checkov", tmp_path / "nope/checkov", "--config", write_config(""), "compliant"
    )

    assert code == 1
    assert err == (
        f"checkov gate: error: checkov is not installed at {tmp_path / 'nope/checkov'}; "
        "install it with `make .venv-checkov/.installed`\n"
    )


def test_a_checkov_that_cannot_start_says_how_to_reinstall_it(
    capsys: pytest.CaptureFixture[str], fake_checkov: FakeCheckov, write_config: WriteConfig
) -> None:
    fake_checkov.bad_interpreter()

    code, out, err = run_main(
        capsys, "--checkov", fake_checkov.path, "--config", write_config(""), "compliant"
    )

    assert (code, out) == (1, "")
    assert err == (
        f"checkov gate: error: cannot run {fake_checkov.path}: [Errno 2] No such file or "
        f"directory: {str(fake_checkov.path)!r}; reinstall with `make .venv-checkov/.installed`\n"
    )


def test_a_checkov_that_does_not_finish_in_time_is_an_error(
    capsys: pytest.CaptureFixture[str],
    fake_checkov: FakeCheckov,
    write_config: WriteConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(checkov_gate, "CHECKOV_TIMEOUT_SECONDS", 0.2)
    fake_checkov.hang(10)

    code, out, err = run_main(
        capsys, "--checkov", fake_checkov.path, "--config", write_config(""), "compliant"
    )

    assert (code, out) == (1, "")
    assert err == "checkov gate: error: checkov did not finish within 0.2 s\n"


def test_an_empty_directory_fails_without_starting_checkov(
    capsys: pytest.CaptureFixture[str],
    fake_checkov: FakeCheckov,
    write_config: WriteConfig,
    tmp_path: Path,
) -> None:
    fake_checkov.replay_recorded("no_files")
    empty = tmp_path / "cdktf.out"
    empty.mkdir()

    code, out, err = run_main(
        capsys, "--checkov", fake_checkov.path, "--config", write_config(""), empty
    )

    assert code == 1
    assert out == (
        "checkov: 0 passed, 0 failed, 0 skipped, 0 parsing errors (0 resources in 0 files)\n"
    )
    assert err == "checkov gate: no *.tf.json file to scan: synthesize first (`make synth`)\n"
    assert not fake_checkov.call_file.exists(), "nothing to scan never starts checkov"


def test_a_missing_directory_says_to_synthesize(
    capsys: pytest.CaptureFixture[str], fake_checkov: FakeCheckov, write_config: WriteConfig
) -> None:
    fake_checkov.replay_recorded("compliant")

    code, _, err = run_main(
        capsys, "--checkov", fake_checkov.path, "--config", write_config(""), "cdktf.out"
    )

    assert code == 1
    assert err == (
        "checkov gate: error: cdktf.out is not a directory; synthesize first (`make synth`)\n"
    )


@pytest.mark.parametrize("name", [".checkov.yaml", ".checkov.yml"])
def test_a_checkov_config_inside_the_scanned_directory_is_refused(
    capsys: pytest.CaptureFixture[str],
    fake_checkov: FakeCheckov,
    write_config: WriteConfig,
    tmp_path: Path,
    name: str,
) -> None:
    scanned = tmp_path / "cdktf.out"
    scanned.mkdir()
    (scanned / name).write_text("skip-check: [CKV_AWS_130]\n", encoding="utf-8")
    fake_checkov.replay_recorded("compliant")
    config_path = write_config("")

    code, _, err = run_main(
        capsys, "--checkov", fake_checkov.path, "--config", config_path, scanned
    )

    assert code == 1
    assert err == (
        f"checkov gate: error: checkov would also read {scanned / name}; "
        f"keep its settings in {config_path}\n"
    )
    assert not fake_checkov.call_file.exists(), "refused before checkov runs"


def test_an_unwritable_summary_path_is_an_error(
    capsys: pytest.CaptureFixture[str],
    fake_checkov: FakeCheckov,
    write_config: WriteConfig,
    tmp_path: Path,
) -> None:
    fake_checkov.replay_recorded("compliant")
    summary_path = tmp_path / "missing-dir" / "summary.json"

    code, _, err = run_main(
        capsys,
        *("--checkov", fake_checkov.path, "--config", write_config("")),
        *("--summary-json", summary_path, "compliant"),
    )

    assert code == 1
    assert err.startswith(f"checkov gate: error: cannot write {summary_path}: ")
