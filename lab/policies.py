"""The Spacelift policies in ``policies/``: their type, auto-attach labels and documented rules.

Each ``policies/<name>.rego`` file (``*_test.rego`` files aside) is one Spacelift policy. It
describes itself in OPA METADATA annotations, so the management stack and the docs read
the same source:

.. code-block:: rego

    # METADATA
    # title: Run approval
    # description: What the policy decides, in a sentence or two.
    # custom:
    #   spacelift:
    #     type: APPROVAL        # a PolicyType value
    #     autoattach: ["*"]     # stack labels; the policy gets autoattach:<label> for each
    package spacelift

    # METADATA
    # title: Previews are never held
    # description: When the rule fires.
    # custom:
    #   outcome: approve
    approve if input.run.type == "PROPOSED"

Every annotation above a rule documents one definition of a decision rule: a rule
Spacelift reads for the policy's type (``approve``, ``deny``, ``track``...). Helper rules
carry plain comments.

Annotations are read the way OPA reads them. A block starts with a ``# METADATA``
comment line, and the comment lines directly below it form a YAML document: the text
after ``#``, less one space. The block belongs to the next statement. OPA silently
drops keys it does not know, but here an unknown key is an error, so a misspelled
``descripton`` cannot hide. The tests check that OPA sees the same annotations.

``lab docs`` (``make docs``) renders them into ``docs/policies.md``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

POLICY_DIRECTORY = Path("policies")
"""Where the policies live, relative to the repository root."""
SPACELIFT_PACKAGE = "spacelift"
"""Spacelift evaluates ``data.spacelift``; any other package is never read."""

_TEST_SUFFIX = "_test"
# OPA's annotation keys; anything else is a typo.
_OPA_ANNOTATION_KEYS = frozenset(
    {
        "scope",
        "title",
        "description",
        "related_resources",
        "authors",
        "organizations",
        "schemas",
        "entrypoint",
        "custom",
    }
)
_LINE_BREAK = re.compile(r"\r?\n")
_METADATA_START = re.compile(r"^#\s*METADATA")
_RULE_NAME = re.compile(r"^(?:default\s+)?([A-Za-z_][A-Za-z0-9_.]*)")
_PACKAGE = re.compile(r"^package\s+(\S+)\s*$")


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
    def decision_rules(self) -> frozenset[str]:
        """The rules Spacelift reads from a policy of this type; it ignores all others."""
        return _DECISION_RULES[self]

    @property
    def attaches_to_stacks(self) -> bool:
        """Whether policies of this type are attached (or auto-attached) to stacks."""
        return self not in (PolicyType.NOTIFICATION, PolicyType.LOGIN)


# `flag`, `reset_flag` and `sample` are common to the types that support them.
_FLAGS = frozenset({"flag", "reset_flag", "sample"})
_DECISION_RULES: Mapping[PolicyType, frozenset[str]] = {
    PolicyType.APPROVAL: _FLAGS | {"approve", "reject", "approve_with_note", "reject_with_note"},
    PolicyType.PLAN: _FLAGS | {"deny", "warn"},
    PolicyType.GIT_PUSH: _FLAGS
    | {
        "track",
        "propose",
        "ignore",
        "ignore_track",
        "notrigger",
        "notify",
        "prioritize",
        "allow_fork",
        "fail",
        "cancel",
        "message",
        "lock",
        "unlock",
        "module_version",
        "external_dependency",
    },
    PolicyType.TRIGGER: _FLAGS | {"trigger"},
    PolicyType.NOTIFICATION: frozenset({"inbox", "slack", "webhook", "pull_request", "sample"}),
    PolicyType.LOGIN: frozenset(
        {
            "allow",
            "admin",
            "deny",
            "deny_admin",
            "roles",
            "space_admin",
            "space_write",
            "space_read",
            "sample",
        }
    ),
}


@dataclass(frozen=True)
class PolicyRule:
    """One documented definition of a decision rule (a row of the docs table)."""

    name: str
    """The rule Spacelift reads, e.g. ``approve``; a rule defined several times has a row each."""
    title: str
    """A short name for this definition, e.g. "Previews are never held"."""
    description: str
    """When it fires."""
    outcome: str
    """What Spacelift does when it fires, e.g. "deny (the run fails)"."""
    line: int
    """The 1-based line of the rule's head in the file."""


@dataclass(frozen=True)
class PolicyFile:
    """One policy file, as the management stack creates it and the docs describe it."""

    name: str
    """The file stem, e.g. ``approval``; it names the ``spacelift_policy``."""
    path: Path
    """The file, as found in the directory given to :func:`load_policies`."""
    type: PolicyType
    """The Spacelift policy type (``custom.spacelift.type``)."""
    title: str
    """The package annotation's title."""
    description: str
    """The package annotation's description."""
    autoattach_labels: tuple[str, ...]
    """Stack labels the policy auto-attaches to (``"*"`` is every stack); each becomes an
    ``autoattach:<label>`` label on the policy. Empty for login and notification policies."""
    body: str
    """The file's text, exactly as on disk; the policy body Spacelift evaluates."""
    rules: tuple[PolicyRule, ...]
    """The documented decision rules, in file order."""

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


@dataclass(frozen=True)
class _Annotation:
    """A METADATA block and the statement it belongs to."""

    block_line: int
    statement_line: int
    statement: str
    fields: Mapping[str, Any]

    @property
    def on_package(self) -> bool:
        """Whether the block annotates the package statement (else a rule)."""
        return self.statement.split(maxsplit=1)[0] == "package"


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
    body = path.read_bytes().decode("utf-8")  # bytes: keep line endings exactly as on disk
    annotations = _annotations(body, path)
    package_annotation = next((found for found in annotations if found.on_package), None)
    if package_annotation is None:
        raise ValueError(
            f"{path}: the package statement has no METADATA annotation; add one with title, "
            "description and custom.spacelift.type (see lab/policies.py)"
        )
    policy_type, labels = _spacelift_fields(package_annotation, path)
    rules = [_rule(found, policy_type, path) for found in annotations if not found.on_package]
    if not rules:
        raise ValueError(
            f"{path}: no rule has a METADATA annotation; document each definition of "
            f"{_listed(policy_type.decision_rules)} that the policy uses"
        )
    return PolicyFile(
        name=path.stem,
        path=path,
        type=policy_type,
        title=_text(package_annotation, "title", path),
        description=_text(package_annotation, "description", path),
        autoattach_labels=labels,
        body=body,
        rules=tuple(rules),
    )


def render_policies_markdown(policies: Iterable[PolicyFile]) -> str:
    """The content of ``docs/policies.md``: an overview, then each policy's rule table."""
    ordered = sorted(policies, key=lambda policy: policy.name)
    lines = [
        "# Spacelift policies",
        "",
        "<!-- Generated by `make docs` from the METADATA annotations in policies/*.rego. "
        "Do not edit by hand: `make lint` fails when this file is stale. -->",
        "",
        "Each file in `policies/` is one Spacelift policy (Rego v1, `package spacelift`), "
        "tested by the `*_test.rego` beside it (`pytest tests/policies` runs them on OPA). "
        "The management stack creates a "
        "`spacelift_policy` for each and labels it `autoattach:<label>` for every stack "
        "label listed here.",
        "",
        "| Policy | Type | Attached to | Summary |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| `{_source_path(policy)}` | `{policy.type}` | {_attachment(policy)} | "
        f"{_cell(policy.title)} |"
        for policy in ordered
    ]
    for policy in ordered:
        lines += [
            "",
            f"## {policy.title}",
            "",
            f"`{_source_path(policy)}`: type `{policy.type}`, attached to {_attachment(policy)}.",
            "",
            policy.description,
            "",
            "| Rule | When it fires | Outcome |",
            "|---|---|---|",
        ]
        lines += [
            f"| `{rule.name}`: {_cell(rule.title)} | {_cell(rule.description)} | "
            f"{_cell(rule.outcome)} |"
            for rule in policy.rules
        ]
    return "\n".join(lines) + "\n"


# --- annotations -----------------------------------------------------------------------


def _annotations(body: str, path: Path) -> list[_Annotation]:
    """Every METADATA block in ``body``, each with the statement that follows it."""
    lines = _LINE_BREAK.split(body)  # OPA counts lines by "\n" only, unlike str.splitlines
    found: list[_Annotation] = []
    index = 0
    while index < len(lines):
        if not _METADATA_START.match(lines[index]):
            index += 1
            continue
        block_start = index
        index += 1
        yaml_lines: list[str] = []
        # OPA's rule: the block goes on while comment lines start in the first column.
        while (
            index < len(lines)
            and lines[index].startswith("#")
            and not _METADATA_START.match(lines[index])
        ):
            text = lines[index][1:]
            yaml_lines.append(text.removeprefix(" "))
            index += 1
        statement_index = _next_statement(lines, index)
        where = f"{path}: line {block_start + 1}"
        if statement_index is None or lines[statement_index][:1].isspace():
            raise ValueError(f"{where}: the METADATA block is not followed by a package or rule")
        statement = lines[statement_index]
        if statement.split(maxsplit=1)[0] == "import":
            raise ValueError(f"{where}: METADATA cannot annotate an import; move it")
        if any(other.statement_line == statement_index + 1 for other in found):
            raise ValueError(
                f"{where}: a second METADATA block for line {statement_index + 1}; merge them"
            )
        found.append(
            _Annotation(
                block_line=block_start + 1,
                statement_line=statement_index + 1,
                statement=statement,
                fields=_yaml_mapping("\n".join(yaml_lines), where),
            )
        )
    return found


def _next_statement(lines: list[str], start: int) -> int | None:
    """The index of the first line from ``start`` that is neither blank nor a comment."""
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith("#"):
            return index
    return None


def _yaml_mapping(text: str, where: str) -> Mapping[str, Any]:
    # Imported here so that `import lab.policies` stays cheap; only loading needs YAML.
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValueError(f"{where}: METADATA is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{where}: METADATA must be a YAML mapping (title: ..., description: ...)")
    unknown = sorted(str(key) for key in data if key not in _OPA_ANNOTATION_KEYS)
    if unknown:
        raise ValueError(
            f"{where}: METADATA {', '.join(unknown)}: not an OPA annotation key "
            f"(allowed: {_listed(_OPA_ANNOTATION_KEYS)})"
        )
    return data


def _spacelift_fields(annotation: _Annotation, path: Path) -> tuple[PolicyType, tuple[str, ...]]:
    """The policy type and auto-attach labels from the package annotation."""
    where = f"{path}: line {annotation.block_line}"
    package = _PACKAGE.match(annotation.statement)
    if package is None or package.group(1) != SPACELIFT_PACKAGE:
        raise ValueError(
            f"{where}: the policy must be `package {SPACELIFT_PACKAGE}`, the only package "
            "Spacelift evaluates"
        )
    _check_scope(annotation, "package", where)
    custom = _mapping(annotation.fields.get("custom"), "custom", where)
    unknown = sorted(str(key) for key in custom if key != "spacelift")
    if unknown:
        raise ValueError(f"{where}: METADATA custom.{unknown[0]}: unknown key (allowed: spacelift)")
    spacelift = _mapping(custom.get("spacelift"), "custom.spacelift", where)
    unknown = sorted(str(key) for key in spacelift if key not in {"type", "autoattach"})
    if unknown:
        raise ValueError(
            f"{where}: METADATA custom.spacelift.{unknown[0]}: unknown key "
            "(allowed: autoattach, type)"
        )
    raw_type = spacelift.get("type")
    if raw_type is None:
        raise ValueError(
            f"{where}: METADATA custom.spacelift.type is missing (one of {_listed(PolicyType)})"
        )
    try:
        policy_type = PolicyType(str(raw_type))
    except ValueError:
        raise ValueError(
            f"{where}: METADATA custom.spacelift.type: {raw_type!r} is not a policy type "
            f"(one of {_listed(PolicyType)})"
        ) from None
    labels = spacelift.get("autoattach", [])
    if not isinstance(labels, list) or not all(
        isinstance(label, str) and label.strip() == label and label for label in labels
    ):
        raise ValueError(
            f"{where}: METADATA custom.spacelift.autoattach: must be a list of stack labels "
            f'such as ["*"] or ["foundation"], got {labels!r}'
        )
    if policy_type.attaches_to_stacks and not labels:
        raise ValueError(
            f"{where}: METADATA custom.spacelift.autoattach: {policy_type} policies attach to "
            'nothing without labels; list the stack labels it applies to (["*"] for all)'
        )
    if not policy_type.attaches_to_stacks and labels:
        raise ValueError(
            f"{where}: METADATA custom.spacelift.autoattach: {policy_type} policies are "
            "account-wide and cannot be attached to stacks; remove it"
        )
    return policy_type, tuple(labels)


def _rule(annotation: _Annotation, policy_type: PolicyType, path: Path) -> PolicyRule:
    """The documented rule definition an annotation describes."""
    where = f"{path}: line {annotation.block_line}"
    _check_scope(annotation, "rule", where)
    match = _RULE_NAME.match(annotation.statement)
    name = match.group(1) if match else annotation.statement
    if name not in policy_type.decision_rules:
        raise ValueError(
            f"{where}: `{name}` is not a rule Spacelift reads from {policy_type} policies, so it "
            f"would be ignored; document only {_listed(policy_type.decision_rules)}"
        )
    custom = _mapping(annotation.fields.get("custom"), "custom", where)
    unknown = sorted(str(key) for key in custom if key != "outcome")
    if unknown:
        raise ValueError(f"{where}: METADATA custom.{unknown[0]}: unknown key (allowed: outcome)")
    outcome = custom.get("outcome")
    if not isinstance(outcome, str) or not outcome.strip():
        raise ValueError(
            f"{where}: METADATA custom.outcome is missing; say what Spacelift does when "
            f"`{name}` fires"
        )
    return PolicyRule(
        name=name,
        title=_text(annotation, "title", path),
        description=_text(annotation, "description", path),
        outcome=outcome.strip(),
        line=annotation.statement_line,
    )


def _check_scope(annotation: _Annotation, expected: str, where: str) -> None:
    scope = annotation.fields.get("scope", expected)
    if scope != expected:
        raise ValueError(
            f"{where}: METADATA scope: {scope!r} is not supported here; use {expected!r} "
            f"(or leave it out) on a {expected}"
        )


def _text(annotation: _Annotation, key: str, path: Path) -> str:
    value = annotation.fields.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(
            f"{path}: line {annotation.block_line}: METADATA {key} is missing or empty "
            f"(annotating line {annotation.statement_line})"
        )
    return value.strip()


def _mapping(value: object, field: str, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{where}: METADATA {field} is missing or not a mapping")
    return value


def _listed(values: Iterable[str]) -> str:
    return ", ".join(sorted(values))


# --- markdown ----------------------------------------------------------------------


def _source_path(policy: PolicyFile) -> str:
    """``policies/<file>``, whatever directory the policy was loaded from."""
    return f"{POLICY_DIRECTORY.as_posix()}/{policy.path.name}"


def _attachment(policy: PolicyFile) -> str:
    """Which stacks get the policy, with the labels that attach it."""
    if not policy.autoattach_labels:
        return "the whole account"
    labels = ", ".join(f"`autoattach:{label}`" for label in policy.autoattach_labels)
    if "*" in policy.autoattach_labels:
        return f"every stack ({labels})"
    stacks = ", ".join(f"`{label}`" for label in policy.autoattach_labels)
    return f"stacks labelled {stacks} ({labels})"


def _cell(text: str) -> str:
    """``text`` as one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")
