"""The Spacelift policies in ``policies/``: what the management stack uploads for each.

Each ``policies/<name>.rego`` file (``*_test.rego`` files aside) is one Spacelift policy. It
describes itself in OPA METADATA annotations: the package's annotation gives its title,
description and, under ``custom.spacelift``, its type and the stack labels it auto-attaches
to; each definition of a decision rule (``approve``, ``deny``, ``track``...) has its own,
with ``custom.outcome``:

.. code-block:: rego

    # METADATA
    # title: Run approval
    # description: What the policy decides, in a sentence or two.
    # custom:
    #   spacelift:
    #     type: APPROVAL        # a PolicyType value
    #     autoattach: ["*"]     # stack labels; the policy gets autoattach:<label> for each
    package spacelift

``lab docs`` renders every annotation as OPA returns it (:mod:`lab.commands.policy_docs`).
Synth cannot ask OPA: the engine is not a runtime dependency (it is in
``requirements-opa.lock``, not ``requirements.lock``). So this module reads just the
package annotation's type, auto-attach labels and description, the way OPA does (the
comment lines below ``# METADATA``, less ``#`` and one space, are YAML), and a test
asserts that OPA reads the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

POLICY_DIRECTORY = Path("policies")
"""Where the policies live, relative to the repository root."""
SPACELIFT_PACKAGE = "spacelift"
"""Spacelift evaluates ``data.spacelift``; any other package is never read."""

_TEST_SUFFIX = "_test"
# The package's METADATA block: the comment lines between "# METADATA" and the package.
_PACKAGE_METADATA = re.compile(r"^# METADATA\r?\n((?:#.*\n)*?)\s*package\s+(\S+)", re.MULTILINE)


class PolicyType(StrEnum):
    """The Spacelift policy types (``spacelift_policy.type``) this project can declare."""

    APPROVAL = "APPROVAL"
    """Who must approve a run before it starts or applies; attached to stacks."""
    PLAN = "PLAN"
    """Checks a finished plan: ``deny`` fails the run, ``warn`` asks for confirmation."""
    GIT_PUSH = "GIT_PUSH"
    """Which Git push or pull request events start tracked or proposed runs."""
    TRIGGER = "TRIGGER"
    """Which stacks to run after a tracked run or task of this stack finishes."""
    NOTIFICATION = "NOTIFICATION"
    """Where run and module events are sent; account-wide, never attached to stacks."""
    LOGIN = "LOGIN"
    """Who may log in and with which roles; account-wide, never attached to stacks."""

    @property
    def attaches_to_stacks(self) -> bool:
        """Whether policies of this type are attached (or auto-attached) to stacks."""
        return self not in (PolicyType.NOTIFICATION, PolicyType.LOGIN)


@dataclass(frozen=True)
class PolicyFile:
    """One policy file, as the management stack creates it and the docs describe it."""

    name: str
    """The file stem, e.g. ``approval``; it names the ``spacelift_policy``."""
    path: Path
    """The file, as found in the directory given to :func:`load_policies`."""
    type: PolicyType
    """The Spacelift policy type (``custom.spacelift.type``)."""
    description: str
    """The package annotation's description."""
    autoattach_labels: tuple[str, ...]
    """Stack labels the policy auto-attaches to (``"*"`` is every stack); each becomes an
    ``autoattach:<label>`` label on the policy. Empty for login and notification policies."""
    body: str
    """The file's text, exactly as on disk; the policy body Spacelift evaluates."""

    @property
    def has_self_approval(self) -> bool:
        """Whether the policy has the ``self_approval`` switch (``default self_approval``)."""
        return _SELF_APPROVAL_DEFAULT.search(self.body) is not None

    @property
    def has_approvers(self) -> bool:
        """Whether the policy reads a list of approvers (``default allowed_approvers``)."""
        return _APPROVERS_DEFAULT.search(self.body) is not None

    def uploaded_body(
        self, *, self_approval: bool = False, approvers: Sequence[Approver] = ()
    ) -> str:
        """The body the management stack uploads: the file, plus ``self_approval := true``
        when ``self_approval`` is set, and the approvers with their VCS aliases when any
        are named, each only when the policy has the switch (a policy without it is
        uploaded as it is)."""
        body = self.body
        if self_approval and self.has_self_approval:
            body += SELF_APPROVAL_SUFFIX
        if approvers and self.has_approvers:
            logins = sorted({a.login for a in approvers})
            aliases = {a.vcs_login: a.login for a in approvers if a.vcs_login}
            body += APPROVERS_SUFFIX.format(
                logins=json.dumps(logins), aliases=json.dumps(aliases, sort_keys=True)
            )
        return body


@dataclass(frozen=True, kw_only=True)
class Approver:
    """Someone whose approval counts (lab.yaml ``spacelift.approvers``)."""

    login: str
    """Their Spacelift login (what the identity provider gives Spacelift)."""
    vcs_login: str | None = None
    """Their VCS login when it differs: commits they author are theirs. Default: none."""


APPROVERS_SUFFIX = """
# Set by spacelift-root from lab.yaml: spacelift.approvers
allowed_approvers := {logins}

login_aliases := {aliases}
"""
"""Appended to a policy with ``default allowed_approvers := []`` when lab.yaml names
approvers; JSON is Rego syntax for these strings, arrays and objects."""
_APPROVERS_DEFAULT = re.compile(r"^default\s+allowed_approvers\s*:=\s*\[\]\s*$", re.M)


SELF_APPROVAL_SUFFIX = """
# Set by spacelift-root from lab.yaml: spacelift.self_approval
self_approval := true
"""
"""Appended to a policy with ``default self_approval := false`` when lab.yaml sets
``spacelift.self_approval``; the file in ``policies/`` stays as it is."""
_SELF_APPROVAL_DEFAULT = re.compile(r"^default\s+self_approval\s*:=\s*false\s*$", re.M)


def load_policies(directory: Path) -> tuple[PolicyFile, ...]:
    """Every policy in ``directory`` (``*.rego`` except ``*_test.rego``), sorted by name.

    Raises ``ValueError`` naming the file and the METADATA field that is missing or
    invalid.
    """
    paths = sorted(
        path
        for path in directory.glob("*.rego")
        if path.is_file() and not path.stem.endswith(_TEST_SUFFIX)
    )
    return tuple(load_policy(path) for path in paths)


def load_policy(path: Path) -> PolicyFile:
    """Read one policy file; see :func:`load_policies`."""
    # Imported here so that `import lab.policies` stays cheap; only loading needs YAML.
    import yaml

    body = path.read_bytes().decode("utf-8")  # bytes: keep line endings exactly as on disk
    block = _PACKAGE_METADATA.search(body)
    if block is None:
        raise ValueError(
            f"{path}: the package statement has no METADATA annotation; add one with title, "
            "description and custom.spacelift.type (see lab/policies.py)"
        )
    line = body.count("\n", 0, block.start()) + 1
    where = f"{path}: line {line}: METADATA"
    if block[2] != SPACELIFT_PACKAGE:
        raise ValueError(
            f"{path}: line {line}: the policy must be `package {SPACELIFT_PACKAGE}`, the only "
            "package Spacelift evaluates"
        )
    try:
        fields = yaml.safe_load("".join(line[1:].removeprefix(" ") for line in
                                        block[1].splitlines(keepends=True)))  # fmt: skip
    except yaml.YAMLError as error:
        raise ValueError(f"{where} is not valid YAML: {error}") from None
    fields = fields if isinstance(fields, dict) else {}
    custom = fields.get("custom")
    spacelift = custom.get("spacelift") if isinstance(custom, dict) else None
    if not isinstance(spacelift, dict) or "type" not in spacelift:
        raise ValueError(f"{where} custom.spacelift.type is missing (one of {_listed(PolicyType)})")
    try:
        policy_type = PolicyType(str(spacelift["type"]))
    except ValueError:
        raise ValueError(
            f"{where} custom.spacelift.type: {spacelift['type']!r} is not a policy type "
            f"(one of {_listed(PolicyType)})"
        ) from None
    labels = spacelift.get("autoattach", [])
    if not isinstance(labels, list) or not all(
        isinstance(label, str) and label.strip() == label and label for label in labels
    ):
        raise ValueError(
            f"{where} custom.spacelift.autoattach: must be a list of stack labels such as "
            f'["*"] or ["foundation"], got {labels!r}'
        )
    if policy_type.attaches_to_stacks != bool(labels):
        raise ValueError(
            f"{where} custom.spacelift.autoattach: {policy_type} policies attach to nothing "
            'without labels; list the stack labels it applies to (["*"] for all)'
            if policy_type.attaches_to_stacks
            else f"{where} custom.spacelift.autoattach: {policy_type} policies are "
            "account-wide and cannot be attached to stacks; remove it"
        )
    description = fields.get("description")
    if not isinstance(description, str) or not description.strip():
        raise ValueError(f"{where} description is missing or empty")
    return PolicyFile(
        name=path.stem,
        path=path,
        type=policy_type,
        description=description.strip(),
        autoattach_labels=tuple(labels),
        body=body,
    )


def _listed(values: Iterable[str]) -> str:
    return ", ".join(sorted(values))
