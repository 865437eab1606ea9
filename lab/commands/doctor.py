"""``lab doctor``: the bootstrap (docs/bootstrap.md) checked offline, and the next step.

It reads the checkout only (``lab.yaml``, ``experiments/``, ``cdktf.out/``, the workflow files
and the ``origin`` remote's URL), never a cloud or Spacelift: whether Spacelift or a cloud
account is set up stays for the steps themselves to show. Each check names the bootstrap
step it belongs to; the first one with something to do is the next step.

- ``todo``: something in the checkout is left to do (a placeholder, output not synthesized,
  a workflow file missing, a warning ``lab validate --strict`` would fail on);
- ``note``: a choice to be aware of, such as a setting that needs a paid Spacelift plan:
  the checkout cannot know the account's plan;
- ``ok``: nothing to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final, Literal

from lab.commands.documents import Document
from lab.definition import OUTPUT_DIR, LabDefinition
from lab.errors import display_path
from lab.git import GitError, git
from lab.rules.placeholders import find_placeholders

FORMAT_VERSION: Final = 1
BOOTSTRAP: Final = "docs/bootstrap.md"
WORKFLOWS: Final = (Path(".github/workflows/ci.yml"), Path(".github/workflows/expire.yml"))
"""The workflows the bootstrap relies on: ``ci`` checks every pull request, ``expire``
removes expired experiments on every plan (step 10)."""


class Status(StrEnum):
    """How a check came out."""

    OK = "ok"
    """Nothing to do."""
    NOTE = "note"
    """A choice to be aware of (for example a setting that needs a paid Spacelift plan)."""
    TODO = "todo"
    """Something in the checkout is left to do before the first push."""


class Check(Document):
    """One check of ``lab doctor``."""

    name: str
    """A stable identifier: repository, placeholders, validate, paid_plan, cloud_access,
    synthesized, workflows."""
    status: Status
    step: str
    """The section of docs/bootstrap.md it belongs to, e.g. ``4. Settle lab.yaml``."""
    message: str
    """What was found; for ``todo``, what to do."""
    fields: tuple[str, ...] = ()
    """The lab.yaml fields concerned, as dotted paths (``aws.eks.public_access_cidrs[0]``)."""


class DoctorDocument(Document):
    """What ``lab doctor --json`` prints."""

    format_version: Literal[1] = FORMAT_VERSION
    checks: list[Check]
    """Every check, in the order of the bootstrap's steps."""
    next_step: str
    """What to do next: the first ``todo`` check's message, or the first step after the push."""


# --- the checks --------------------------------------------------------------------------

_STEP_PLAN: Final = "1. A Spacelift account"
_STEP_FORK: Final = "2. Your fork and the VCS integration"
_STEP_ACCESS: Final = "3. Cloud access for the runs"
_STEP_SETTLE: Final = "4. Settle lab.yaml"
_STEP_EXPIRY: Final = "10. Expiry"


@dataclass(frozen=True)
class Checkout:
    """Where the lab's files are: the repository root, and the definition read from it."""

    root: Path
    config_path: Path
    definition: LabDefinition


def origin_repository(root: Path) -> str | None:
    """The repository name of the ``origin`` remote (``owner/name`` without ``.git``), or
    None without git, a repository or that remote, or when it is a local path."""
    try:
        url = git(root, "remote", "get-url", "origin").strip()
    except GitError:
        return None
    # https://github.com/owner/name(.git), ssh://git@host/owner/name or git@host:owner/name:
    # only a hosted remote names what Spacelift reads. A local path or file:// URL (a clone
    # of a clone) names no repository, so it is not compared: /work/main is not "work/main".
    match = re.fullmatch(
        r"(?:[a-z][a-z0-9+.-]*://[^/]+/|[^@/:]+@[^/:]+:)(?:.*/)?([^/:]+)/([^/]+?)(?:\.git)?/?",
        url,
    )
    return f"{match.group(1)}/{match.group(2)}" if match else None


def _repository(checkout: Checkout) -> Check:
    repository = checkout.definition.config.spacelift.repository
    origin = origin_repository(checkout.root)
    if origin is None:
        return Check(
            name="repository",
            status=Status.NOTE,
            step=_STEP_FORK,
            message=(
                "no hosted git remote 'origin' (GitHub or the like) to compare with: "
                "Spacelift reads the repository named by spacelift.repository "
                f"({repository}) in the GitHub account its app is installed on"
            ),
            fields=("spacelift.repository",),
        )
    if origin.split("/")[1] != repository:
        return Check(
            name="repository",
            status=Status.TODO,
            step=_STEP_FORK,
            message=(
                f"spacelift.repository is {repository}, but this checkout's origin is "
                f"{origin}: set spacelift.repository to {origin.split('/')[1]}"
            ),
            fields=("spacelift.repository",),
        )
    return Check(
        name="repository",
        status=Status.OK,
        step=_STEP_FORK,
        message=f"spacelift.repository matches origin ({origin})",
        fields=("spacelift.repository",),
    )


def _placeholders(checkout: Checkout) -> Check:
    # The rule behind the definition's placeholder warnings (what `lab validate --strict`
    # fails on), as field, value and reason: the warnings' own wording would repeat "replace
    # it before the first apply" once per value inside this sentence.
    found = list(find_placeholders(checkout.definition.config.model_dump(mode="json")))
    if not found:
        return Check(
            name="placeholders",
            status=Status.OK,
            step=_STEP_SETTLE,
            message=f"no documentation value left in {display_path(checkout.config_path)}",
        )
    listed = "; ".join(f"{field}: {value} ({reason})" for field, value, reason in found)
    return Check(
        name="placeholders",
        status=Status.TODO,
        step=_STEP_SETTLE,
        message=(
            f"replace the documentation values in {display_path(checkout.config_path)} "
            f"(the table of {BOOTSTRAP} step 4 says where each value comes from): {listed}"
        ),
        fields=tuple(field for field, _, _ in found),
    )


def _warnings(checkout: Checkout) -> Check:
    warnings = checkout.definition.warnings
    if not warnings:
        # --strict fails on placeholders too: with some left, it passes only once they go.
        passes = (
            "passes once the placeholders are replaced"
            if checkout.definition.placeholders
            else "passes on the definition"
        )
        return Check(
            name="validate",
            status=Status.OK,
            step=_STEP_SETTLE,
            message=f"no other warnings: `bin/lab validate --strict` {passes}",
        )
    return Check(
        name="validate",
        status=Status.TODO,
        step=_STEP_SETTLE,
        message=(
            "`bin/lab validate --strict` fails on these warnings: "
            + "; ".join(str(w) for w in warnings)
        ),
        fields=tuple(sorted({w.field for w in warnings if w.field})),
    )


def _paid_plan(checkout: Checkout) -> list[Check]:
    """Settings that need a paid Spacelift plan (docs/bootstrap.md step 1, its table)."""
    settings = checkout.definition.config.spacelift
    paid = []
    if settings.policies:
        paid.append(("spacelift.policies", "policies (approval, plan, push): a paid plan"))
    if settings.worker_pool_id is not None:
        paid.append(
            (
                "spacelift.worker_pool_id",
                "a private worker pool: Starter+; every stack runs on it, so no run starts "
                "while it has no worker up",
            )
        )
    if settings.drift_detection.enabled:
        paid.append(("spacelift.drift_detection.enabled", "drift detection: Starter+ and the pool"))
    checks = []
    if paid:
        checks.append(
            Check(
                name="paid_plan",
                status=Status.NOTE,
                step=_STEP_PLAN,
                message=(
                    "these settings need a paid Spacelift plan: "
                    + "; ".join(what for _, what in paid)
                    + ". On the free tier set spacelift.policies: false and "
                    "spacelift.experiment_autodeploy: false, and leave worker_pool_id unset"
                ),
                fields=tuple(field for field, _ in paid),
            )
        )
    else:
        checks.append(
            Check(
                name="paid_plan",
                status=Status.OK,
                step=_STEP_PLAN,
                message="nothing configured needs a paid Spacelift plan",
            )
        )
    if not settings.policies and settings.experiment_autodeploy:
        checks.append(
            Check(
                name="guardrails",
                status=Status.TODO,
                step=_STEP_PLAN,
                message=(
                    "spacelift.policies is false, so no plan policy holds an experiment's "
                    "run, yet spacelift.experiment_autodeploy is true: every push would apply "
                    "unreviewed. Set spacelift.experiment_autodeploy: false"
                ),
                fields=("spacelift.policies", "spacelift.experiment_autodeploy"),
            )
        )
    return checks


def _cloud_access(checkout: Checkout) -> Check:
    settings = checkout.definition.config.spacelift
    missing = [
        name
        for name, value in (
            ("spacelift.aws_integration", settings.aws_integration),
            ("spacelift.azure_integration", settings.azure_integration),
        )
        if value is None
    ]
    if not missing:
        return Check(
            name="cloud_access",
            status=Status.OK,
            step=_STEP_ACCESS,
            message="both cloud integrations are configured: runs get short-lived credentials",
        )
    return Check(
        name="cloud_access",
        status=Status.NOTE,
        step=_STEP_ACCESS,
        message=(
            f"{' and '.join(missing)} not set: those runs read static keys that you add by "
            "hand to the aws-credentials / azure-credentials contexts after the first run "
            f"({BOOTSTRAP} step 3 creates the integrations instead)"
        ),
        fields=tuple(missing),
    )


def _synthesized(checkout: Checkout) -> Check:
    output = checkout.root / OUTPUT_DIR / "stacks"
    expected = {stack.id for stack in checkout.definition.stacks}
    present = {p.parent.name for p in output.glob("*/cdk.tf.json")}
    missing, extra = sorted(expected - present), sorted(present - expected)
    if not missing and not extra:
        return Check(
            name="synthesized",
            status=Status.OK,
            step=_STEP_SETTLE,
            message=(
                f"{display_path(output)} has exactly the {len(expected)} stacks of the "
                "definition (`make test` checks that their content is fresh)"
            ),
        )
    parts = [
        f"{label} {', '.join(ids)}"
        for label, ids in (("missing", missing), ("extra", extra))
        if ids
    ]
    return Check(
        name="synthesized",
        status=Status.TODO,
        step=_STEP_SETTLE,
        message=(
            f"{display_path(output)} does not match the definition "
            f"({'; '.join(parts)}): run `make synth` "
            "and commit cdktf.out/"
        ),
    )


def _workflows(checkout: Checkout) -> Check:
    missing = [str(p) for p in WORKFLOWS if not (checkout.root / p).is_file()]
    if missing:
        return Check(
            name="workflows",
            status=Status.TODO,
            step=_STEP_EXPIRY,
            message=(
                f"missing {', '.join(missing)}: restore them from the upstream repository; "
                "without expire.yml nothing removes expired experiments on the free tier"
            ),
        )
    return Check(
        name="workflows",
        status=Status.OK,
        step=_STEP_EXPIRY,
        message=(
            "the ci and expire workflows are present; enable Actions in your fork "
            f"({BOOTSTRAP} step 10)"
        ),
    )


FIRST_STEP_AFTER_PUSH: Final = (
    f"commit and push, then create spacelift-root by hand ({BOOTSTRAP} step 5)"
)


def diagnose(checkout: Checkout) -> DoctorDocument:
    """Every offline check, in the order of the bootstrap's steps, and the next step."""
    checks = [
        *_paid_plan(checkout),
        _repository(checkout),
        _cloud_access(checkout),
        _placeholders(checkout),
        _warnings(checkout),
        _synthesized(checkout),
        _workflows(checkout),
    ]
    todo = next((c for c in checks if c.status is Status.TODO), None)
    next_step = f"{todo.message} ({BOOTSTRAP}, {todo.step})" if todo else FIRST_STEP_AFTER_PUSH
    return DoctorDocument(checks=checks, next_step=next_step)
