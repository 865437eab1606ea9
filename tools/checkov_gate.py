#!/usr/bin/env python3
"""Security gate: run checkov over the synthesized Terraform JSON and pass only a clean scan.

Usage::

    tools/checkov_gate.py --checkov .venv-checkov/bin/checkov [--config .checkov.yaml]
                          [--summary-json FILE] DIR

The gate fails (exit 1) on any failed check, any file checkov could not parse, a scan
that ran no checks at all (what checkov's silent ``terraform.required_version`` parse
failure looks like), a suppression without a reason, a suppression that no longer
suppresses anything, and on checkov itself failing. Exit 0 means clean.

Suppressions live in ``.checkov.yaml`` under ``skip-check``, one check ID per line with
its reason as a comment on the same line. The gate applies them itself, after the
scan: checkov's own ``skip-check`` drops a check without reporting it, which would make
a stale suppression invisible. For the same reason checkov runs from an empty working
directory with an empty ``HOME``, so it cannot pick up a ``.checkov.yaml`` on its own.
checkov runs in its own virtualenv (it pins old shared packages) and never touches the
network (``--skip-download``, no update check).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO_ROOT / ".checkov.yaml"
FRAMEWORK = "terraform_json"
"""checkov's HCL runner (``terraform``) does not read ``*.tf.json``; this one does."""
CONFIG_KEYS = frozenset({"framework", "skip-check"})
"""Every other checkov setting (output, soft-fail, check, ...) would change what the gate sees."""
CHECK_ID = re.compile(r"CKV2?_[A-Z0-9]+_\d+")
INSTALL_HINT = "make .venv-checkov/.installed"
CHECKOV_TIMEOUT_SECONDS = 600
CHECKOV_OK_EXIT_CODES = (0, 1)
"""0: no failed check; 1: at least one failed check. Anything else is checkov failing."""
REQUIRED_VERSION_BUG = "https://github.com/bridgecrewio/checkov/issues/7454"
POLICY_INDEX = "https://www.checkov.io/5.Policy%20Index/terraform.html"
"""checkov has per-check guideline links only with a platform API key; this lists every check."""
STDERR_TAIL_LINES = 15


class GateError(Exception):
    """Something that stops the gate before it can judge a scan (exit 1)."""


@dataclass(frozen=True)
class Suppression:
    """One ``skip-check`` entry of the config file."""

    check_id: str
    reason: str
    """The comment on the entry's line, without ``#``; empty when there is none."""
    line: int
    """1-based line in the config file, for error messages."""


@dataclass(frozen=True)
class GateConfig:
    """The config file: the suppressions, and the settings handed on to checkov."""

    path: Path
    suppressions: tuple[Suppression, ...]
    checkov_settings: dict[str, Any]
    """Everything but ``skip-check`` (the gate applies suppressions itself)."""


@dataclass(frozen=True)
class CheckRecord:
    """One check result on one resource, as checkov reports it."""

    check_id: str
    check_name: str
    resource: str
    """checkov's name; resource checks say ``resource.<name>`` without the type."""
    file: str
    guideline: str | None


@dataclass(frozen=True)
class ScanResult:
    """checkov's JSON output, merged over every framework report in it."""

    passed: tuple[CheckRecord, ...] = ()
    failed: tuple[CheckRecord, ...] = ()
    skipped: tuple[CheckRecord, ...] = ()
    """Skipped by checkov itself (inline suppressions), not by the gate's config."""
    parsing_errors: tuple[str, ...] = ()
    checkov_version: str | None = None

    @property
    def checks_run(self) -> int:
        return len(self.passed) + len(self.failed) + len(self.skipped)


@dataclass(frozen=True)
class SynthFile:
    """One ``*.tf.json`` file under the scanned directory, read by the gate itself."""

    path: Path
    resources: tuple[str, ...]
    """Resource addresses (``type.name``)."""
    sets_required_version: bool


@dataclass(frozen=True)
class Skip:
    """A suppression and the failed results it suppressed."""

    suppression: Suppression
    records: tuple[CheckRecord, ...]


@dataclass(frozen=True)
class Verdict:
    """The gate's decision on one scan."""

    passed: int
    failures: tuple[CheckRecord, ...]
    skips: tuple[Skip, ...]
    parsing_errors: int
    resources: int
    files: int
    problems: tuple[str, ...]
    """Every reason the gate fails, as an actionable message; empty when clean."""
    checkov_version: str | None = None

    @property
    def clean(self) -> bool:
        return not self.problems

    @property
    def skipped(self) -> int:
        return sum(len(skip.records) for skip in self.skips)


# --- config -------------------------------------------------------------------------------


def load_config(path: Path) -> GateConfig:
    """Read and validate the config file; structural mistakes raise :class:`GateError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise GateError(f"cannot read the checkov config {path}: {error.strerror}") from error
    try:
        settings = yaml.safe_load(text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise GateError(f"{path} is not valid YAML: {error}") from error
    settings = {} if settings is None else settings
    if not isinstance(settings, dict):
        raise GateError(f"{path} must be a mapping of checkov settings")
    _check_settings(path, settings)
    suppressions = _suppressions(path, text, root)
    checkov_settings = {key: value for key, value in settings.items() if key != "skip-check"}
    return GateConfig(path, suppressions, checkov_settings)


def _check_settings(path: Path, settings: Mapping[Any, Any]) -> None:
    unknown = sorted(str(key) for key in settings if key not in CONFIG_KEYS)
    if unknown:
        raise GateError(
            f"{path}: unsupported key(s) {', '.join(unknown)}; the gate reads only "
            f"{' and '.join(sorted(CONFIG_KEYS))}: other checkov settings would change "
            "what the gate sees"
        )
    framework = settings.get("framework", [FRAMEWORK])
    if framework not in (FRAMEWORK, [FRAMEWORK]):
        raise GateError(f"{path}: framework must be {FRAMEWORK}, not {framework!r}")


def _suppressions(path: Path, text: str, root: yaml.Node | None) -> tuple[Suppression, ...]:
    """The ``skip-check`` entries, each with the comment on its line as the reason."""
    entries = _skip_check_node(root)
    if entries is None:
        return ()
    if not isinstance(entries, yaml.SequenceNode):
        raise GateError(f"{path}: skip-check must be a list, one check ID per line")
    lines = text.splitlines()
    suppressions: list[Suppression] = []
    for entry in entries.value:
        check_id = entry.value if isinstance(entry, yaml.ScalarNode) else None
        line = entry.start_mark.line + 1
        if not isinstance(check_id, str) or not CHECK_ID.fullmatch(check_id):
            raise GateError(
                f"{path}:{line}: skip-check entries must be single check IDs such as "
                f"CKV_AWS_130 (no severities, wildcards or lists), not "
                f"{lines[entry.start_mark.line].strip()!r}"
            )
        if any(known.check_id == check_id for known in suppressions):
            raise GateError(f"{path}:{line}: {check_id} is listed twice; keep one entry")
        rest = lines[entry.end_mark.line][entry.end_mark.column :].strip()
        reason = rest.removeprefix("#").strip() if rest.startswith("#") else ""
        suppressions.append(Suppression(check_id, reason, line))
    return tuple(suppressions)


def _skip_check_node(root: yaml.Node | None) -> yaml.Node | None:
    if not isinstance(root, yaml.MappingNode):
        return None
    for key, value in root.value:
        if key.value == "skip-check":
            return None if value.tag == "tag:yaml.org,2002:null" else value
    return None


# --- the scanned directory ----------------------------------------------------------------


def read_inventory(root: Path) -> tuple[SynthFile, ...]:
    """Every ``*.tf.json`` under ``root``: the files checkov's terraform_json runner scans."""
    return tuple(
        _read_synth_file(path) for path in sorted(root.rglob("*.tf.json")) if path.is_file()
    )


def _read_synth_file(path: Path) -> SynthFile:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return SynthFile(path, (), sets_required_version=False)  # checkov reports it
    if not isinstance(doc, dict):
        return SynthFile(path, (), sets_required_version=False)
    blocks = doc.get("resource")
    resources = tuple(
        f"{resource_type}.{name}"
        for resource_type, by_name in (blocks.items() if isinstance(blocks, dict) else ())
        if isinstance(by_name, dict)
        for name in by_name
    )
    terraform = doc.get("terraform")
    return SynthFile(
        path, resources, isinstance(terraform, dict) and "required_version" in terraform
    )


# --- running checkov ----------------------------------------------------------------------


def run_checkov(checkov: Path, root: Path, config: GateConfig) -> ScanResult:
    """Run checkov on ``root`` (absolute) in isolation and parse its JSON report."""
    checkov = checkov.absolute()  # it runs from a temporary working directory
    if not (checkov.is_file() and os.access(checkov, os.X_OK)):
        raise GateError(f"checkov is not installed at {checkov}; install it with `{INSTALL_HINT}`")
    with tempfile.TemporaryDirectory(prefix="checkov-gate-") as tmp:
        done = _run_isolated(checkov, root, config, Path(tmp))
    return _scan_from(done)


def _run_isolated(
    checkov: Path, root: Path, config: GateConfig, workdir: Path
) -> subprocess.CompletedProcess[str]:
    """Run checkov from an empty ``workdir`` that is also its ``HOME``, with our config only."""
    config_file = workdir / "checkov.yaml"
    config_file.write_text(yaml.safe_dump(config.checkov_settings), encoding="utf-8")
    command = [
        str(checkov),
        *("--directory", str(root)),
        *("--framework", FRAMEWORK),
        *("--config-file", str(config_file)),
        *("--output", "json"),
        "--skip-download",
    ]
    try:
        return subprocess.run(
            command,
            cwd=workdir,
            env=_checkov_env(workdir),
            capture_output=True,
            text=True,
            timeout=CHECKOV_TIMEOUT_SECONDS,
            check=False,
        )
    except OSError as error:
        raise GateError(
            f"cannot run {checkov}: {error}; reinstall with `{INSTALL_HINT}`"
        ) from error
    except subprocess.TimeoutExpired as error:
        raise GateError(f"checkov did not finish within {CHECKOV_TIMEOUT_SECONDS} s") from error


def _scan_from(done: subprocess.CompletedProcess[str]) -> ScanResult:
    """The parsed report, once checkov's exit code and output agree with each other."""
    if done.returncode not in CHECKOV_OK_EXIT_CODES:
        raise GateError(f"checkov exited with {done.returncode}{_tail(done.stderr)}")
    try:
        scan = parse_output(done.stdout)
    except GateError as error:
        raise GateError(f"{error}{_tail(done.stderr)}") from error
    if (done.returncode == 1) != bool(scan.failed):
        raise GateError(
            f"checkov exited with {done.returncode} but reported {len(scan.failed)} failed "
            f"check(s); its report cannot be trusted{_tail(done.stderr)}"
        )
    return scan


def _checkov_env(home: Path) -> dict[str, str]:
    """The environment without checkov/platform settings, the update check or a home config."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CKV_", "BC_", "PRISMA_", "CHECKOV_"))
    }
    env.update(HOME=str(home), CKV_SKIP_PACKAGE_UPDATE_CHECK="true")
    return env


def _tail(stderr: str) -> str:
    lines = stderr.strip().splitlines()[-STDERR_TAIL_LINES:]
    return ":\n" + "\n".join(f"  {line}" for line in lines) if lines else " and printed nothing"


def parse_output(stdout: str) -> ScanResult:
    """checkov's ``--output json``: one report, a list of reports, or the no-files summary."""
    try:
        data = json.loads(stdout)
    except json.JSONDecodeError as error:
        first = stdout.strip().splitlines()[:1] or ["<empty>"]
        raise GateError(
            f"checkov printed no JSON report ({error}); it began: {first[0]!r}"
        ) from error
    reports = data if isinstance(data, list) else [data]
    return _merge(_parse_report(report) for report in reports)


_NO_FILES_KEYS = frozenset({"passed", "failed", "skipped", "parsing_errors"})


def _parse_report(report: object) -> ScanResult:
    if not isinstance(report, dict):
        raise GateError(f"unexpected checkov report: {str(report)[:200]!r}")
    if isinstance(report.get("results"), dict):
        results = report["results"]
        return ScanResult(
            passed=_records(results.get("passed_checks")),
            failed=_records(results.get("failed_checks")),
            skipped=_records(results.get("skipped_checks")),
            parsing_errors=tuple(str(path) for path in results.get("parsing_errors") or ()),
            checkov_version=_version(report.get("summary")),
        )
    if report.keys() >= _NO_FILES_KEYS:  # checkov found nothing to scan
        return ScanResult(checkov_version=_version(report))
    raise GateError(f"unexpected checkov report with keys {sorted(report)}")


def _records(items: object) -> tuple[CheckRecord, ...]:
    if not isinstance(items, list):
        return ()
    return tuple(
        CheckRecord(
            check_id=str(item.get("check_id", "")),
            check_name=str(item.get("check_name", "")),
            resource=str(item.get("resource", "")),
            file=str(item.get("file_abs_path") or item.get("file_path", "")),
            guideline=str(item["guideline"]) if item.get("guideline") else None,
        )
        for item in items
        if isinstance(item, dict)
    )


def _version(summary: object) -> str | None:
    version = summary.get("checkov_version") if isinstance(summary, dict) else None
    return str(version) if version else None


def _merge(scans: Iterable[ScanResult]) -> ScanResult:
    merged = ScanResult()
    for scan in scans:
        merged = ScanResult(
            passed=merged.passed + scan.passed,
            failed=merged.failed + scan.failed,
            skipped=merged.skipped + scan.skipped,
            parsing_errors=merged.parsing_errors + scan.parsing_errors,
            checkov_version=merged.checkov_version or scan.checkov_version,
        )
    return merged


# --- judging ------------------------------------------------------------------------------


def judge(scan: ScanResult, config: GateConfig, inventory: Sequence[SynthFile]) -> Verdict:
    """Apply the suppressions to the scan and list every reason it is not clean."""
    by_path = {str(synth.path): synth for synth in inventory}
    located = sorted(
        (_locate(record, by_path) for record in scan.failed),
        key=lambda record: (record.file, record.resource, record.check_id),
    )
    suppressed_ids = {suppression.check_id for suppression in config.suppressions}
    failures = tuple(record for record in located if record.check_id not in suppressed_ids)
    skips = tuple(
        Skip(suppression, tuple(r for r in located if r.check_id == suppression.check_id))
        for suppression in config.suppressions
    )
    problems = [
        *(
            _parse_error_problem(path, by_path, scan.checkov_version)
            for path in scan.parsing_errors
        ),
        *_zero_check_problems(scan, inventory),
        *_failure_problems(failures, config),
        *_suppression_problems(skips, config),
        *_foreign_skip_problems(scan.skipped, by_path, config),
    ]
    return Verdict(
        passed=len(scan.passed),
        failures=failures,
        skips=skips,
        parsing_errors=len(scan.parsing_errors),
        resources=sum(len(synth.resources) for synth in inventory),
        files=len(inventory),
        problems=tuple(problems),
        checkov_version=scan.checkov_version,
    )


def _locate(record: CheckRecord, by_path: Mapping[str, SynthFile]) -> CheckRecord:
    """The record with a full resource address and a path relative to the working directory."""
    synth = by_path.get(record.file)
    return dataclasses.replace(
        record, resource=resource_address(record.resource, synth), file=display_path(record.file)
    )


def resource_address(name: str, synth: SynthFile | None) -> str:
    """``resource.<name>`` (checkov's resource checks drop the type) as ``<type>.<name>``."""
    kind, _, logical_id = name.partition(".")
    if kind != "resource" or synth is None:
        return name
    candidates = [a for a in synth.resources if a.partition(".")[2] == logical_id]
    if len(candidates) == 1:
        return candidates[0]
    return f"{name} (one of {', '.join(candidates)})" if candidates else name


def display_path(path: str) -> str:
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


def _parse_error_problem(path: str, by_path: Mapping[str, SynthFile], version: str | None) -> str:
    synth = by_path.get(path)
    if synth is not None and synth.sets_required_version:
        checkov = f"checkov {version}" if version else "checkov"
        return (
            f"checkov could not parse {display_path(path)}: it sets terraform.required_version, "
            f"which {checkov} cannot parse ({REQUIRED_VERSION_BUG}); "
            "remove the required_version override from the app"
        )
    return (
        f"checkov could not parse {display_path(path)}; see why with "
        f"`checkov --framework {FRAMEWORK} -f {display_path(path)}`"
    )


def _zero_check_problems(scan: ScanResult, inventory: Sequence[SynthFile]) -> list[str]:
    if scan.checks_run:
        return []
    if not inventory:
        return ["no *.tf.json file to scan: synthesize first (`make synth`)"]
    return [f"checkov ran no checks on {len(inventory)} file(s): a scan that checks nothing fails"]


def _failure_problems(failures: Sequence[CheckRecord], config: GateConfig) -> list[str]:
    if not failures:
        return []
    return [
        f"{len(failures)} failed check(s): fix the resources above, or suppress a check that "
        f"does not apply in {display_path(str(config.path))} with a reason"
    ]


def _suppression_problems(skips: Sequence[Skip], config: GateConfig) -> list[str]:
    where = display_path(str(config.path))
    problems: list[str] = []
    for skip in skips:
        entry = skip.suppression
        if not entry.reason:
            problems.append(
                f"{where}:{entry.line}: {entry.check_id} has no reason; "
                f"write it on the same line: `- {entry.check_id}  # why it does not apply`"
            )
        if not skip.records:
            problems.append(
                f"{where}:{entry.line}: {entry.check_id} is suppressed but no resource fails it; "
                "delete the stale entry"
            )
    return problems


def _foreign_skip_problems(
    skipped: Sequence[CheckRecord], by_path: Mapping[str, SynthFile], config: GateConfig
) -> list[str]:
    where = display_path(str(config.path))
    return [
        f"checkov skipped {record.check_id} on {_locate(record, by_path).resource} outside "
        f"{where}; suppress checks only there, with a reason"
        for record in skipped
    ]


# --- reporting ----------------------------------------------------------------------------


def render_report(verdict: Verdict) -> str:
    """The summary line, then each failure and each skip with its reason."""
    lines = [
        f"checkov: {verdict.passed} passed, {len(verdict.failures)} failed, "
        f"{verdict.skipped} skipped, {verdict.parsing_errors} parsing errors "
        f"({verdict.resources} resources in {verdict.files} files)"
    ]
    for record in verdict.failures:
        lines += [
            f"FAILED  {record.check_id}: {record.check_name}",
            f"  resource:  {record.resource}",
            f"  file:      {record.file}",
            f"  guideline: {record.guideline or POLICY_INDEX}",
        ]
    for skip in verdict.skips:
        resources = ", ".join(record.resource for record in skip.records) or "none (stale)"
        lines += [
            f"SKIPPED {skip.suppression.check_id}",
            f"  resources: {resources}",
            f"  reason:    {skip.suppression.reason or '(missing)'}",
        ]
    return "\n".join(lines)


def summary(verdict: Verdict) -> dict[str, Any]:
    """The counts and suppressions as plain data, for generated docs."""
    return {
        "clean": verdict.clean,
        "checkov_version": verdict.checkov_version,
        "passed": verdict.passed,
        "failed": len(verdict.failures),
        "skipped": verdict.skipped,
        "parsing_errors": verdict.parsing_errors,
        "resources": verdict.resources,
        "files": verdict.files,
        "skipped_checks": [
            {
                "check_id": skip.suppression.check_id,
                "reason": skip.suppression.reason,
                "resources": sorted(record.resource for record in skip.records),
            }
            for skip in sorted(verdict.skips, key=lambda skip: skip.suppression.check_id)
        ],
    }


# --- command line -------------------------------------------------------------------------


def gate(checkov: Path, config_path: Path, directory: Path) -> Verdict:
    """Scan ``directory`` with checkov and judge the result."""
    if not directory.is_dir():
        raise GateError(f"{directory} is not a directory; synthesize first (`make synth`)")
    config = load_config(config_path)
    root = directory.resolve()
    for name in (".checkov.yaml", ".checkov.yml"):
        if (root / name).exists():
            raise GateError(
                f"checkov would also read {directory / name}; keep its settings in {config_path}"
            )
    inventory = read_inventory(root)
    # Nothing to scan fails anyway; starting checkov (seconds) would not change the verdict.
    scan = run_checkov(checkov, root, config) if inventory else ScanResult()
    return judge(scan, config, inventory)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="checkov_gate.py",
        description="Run checkov on synthesized Terraform JSON; exit 0 only on a clean scan.",
    )
    parser.add_argument(
        "--checkov", type=Path, required=True, help="the checkov executable (in its own venv)"
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=DEFAULT_CONFIG,
        help="checkov config with the suppressions (default: .checkov.yaml at the repo root)",
    )
    parser.add_argument(
        "--summary-json", type=Path, metavar="FILE", help="also write the counts as JSON here"
    )
    parser.add_argument("directory", type=Path, metavar="DIR", help="directory to scan (cdktf.out)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        verdict = gate(args.checkov, args.config, args.directory)
    except GateError as error:
        print(f"checkov gate: error: {error}", file=sys.stderr)
        return 1
    print(render_report(verdict))
    for problem in verdict.problems:
        print(f"checkov gate: {problem}", file=sys.stderr)
    if args.summary_json is not None:
        try:
            args.summary_json.write_text(
                json.dumps(summary(verdict), indent=2) + "\n", encoding="utf-8"
            )
        except OSError as error:
            print(
                f"checkov gate: error: cannot write {args.summary_json}: {error}", file=sys.stderr
            )
            return 1
    return 0 if verdict.clean else 1


if __name__ == "__main__":
    sys.exit(main())
