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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lab.rules.policies import (
    PolicyType,
    check_package_annotation,
    check_package_name,
)

POLICY_DIRECTORY = Path("policies")
"""Where the policies live, relative to the repository root."""

_TEST_SUFFIX = "_test"
# The package's METADATA block: the comment lines between "# METADATA" and the package.
_PACKAGE_METADATA = re.compile(r"^# METADATA\r?\n((?:#.*\n)*?)\s*package\s+(\S+)", re.MULTILINE)


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

    Raises ``ValueError`` naming the file and the METADATA field that is missing or invalid
    (a :class:`lab.rules.RuleError` of :mod:`lab.rules.policies`, or a block that cannot be
    read).
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
    check_package_name(block[2], where=f"{path}: line {line}")
    try:
        fields = yaml.safe_load("".join(line[1:].removeprefix(" ") for line in
                                        block[1].splitlines(keepends=True)))  # fmt: skip
    except yaml.YAMLError as error:
        raise ValueError(f"{where} is not valid YAML: {error}") from None
    annotation = check_package_annotation(fields, where=where)
    return PolicyFile(
        name=path.stem,
        path=path,
        type=annotation.type,
        description=annotation.description,
        autoattach_labels=annotation.autoattach_labels,
        body=body,
    )
