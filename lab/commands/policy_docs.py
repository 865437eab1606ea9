"""``docs/policies.md``: the policy reference, from the METADATA annotations OPA returns.

The engine is the real OPA (``opa_bindings``, from ``requirements-opa.lock``), imported only
here and only when ``lab docs`` runs. OPA processes (and validates) annotations only when a
module calls ``rego.metadata.*``, so a probe rule in the policy's package calls
``rego.metadata.chain()``, whose link for the package holds the package's annotation. A
rule's annotation is in OPA's trace: entering an annotated rule, OPA prints it as
``# METADATA``, the annotation as JSON, and the rule. Evaluation enters a rule only when
OPA's rule index lets the input through, so the rules are entered by tracing the policy's
own Rego tests (``<name>_test.rego``); ``tests/policies/test_policy_files.py`` asserts that
they reach every definition of a decision rule.

Tracing a policy's tests takes OPA about a second, and ``lab docs --check`` runs in every
commit's pre-commit hook, so what OPA answered is kept in the user's cache directory
(``$XDG_CACHE_HOME/illm-k8s-lab/policy-traces``), keyed by everything it depends on: the
policy, its tests, the engine's version and this module's source. A cache that cannot be
read or written is a miss, never an error.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Final

from lab.policies import POLICY_DIRECTORY, PolicyFile
from lab.rules.policies import SPACELIFT_PACKAGE, PolicyType, listed

TEST_PACKAGE: Final = "spacelift_test"
"""The package of the Rego tests beside each policy."""
_PROBE: Final = "lab_annotations_probe"
_ANNOTATED_RULE: Final = "# METADATA\n# "
"""How OPA prints an annotated rule: this, the annotation as JSON, a newline, the rule."""


# `flag`, `reset_flag` and `sample` are common to the types that support them.
_FLAGS = frozenset({"flag", "reset_flag", "sample"})
DECISION_RULES: Final[Mapping[PolicyType, frozenset[str]]] = {
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
"""The rules Spacelift reads from a policy of each type; it ignores all others."""


class PolicyDocsError(ValueError):
    """OPA refused a policy, or its annotations do not document it."""


@dataclass(frozen=True)
class DocumentedRule:
    """One definition of a decision rule, as its annotation describes it."""

    name: str
    """The rule Spacelift reads, e.g. ``approve``; each definition has its own row."""
    line: int
    title: str
    description: str
    """When it fires."""
    outcome: str
    """What Spacelift does when it fires, e.g. "deny (the run fails)"."""


@dataclass(frozen=True)
class PolicyReference:
    """A policy as the docs describe it."""

    policy: PolicyFile
    title: str
    description: str
    rules: tuple[DocumentedRule, ...]


def policy_reference(policy: PolicyFile, tests: str) -> PolicyReference:
    """``policy``'s annotations as OPA returns them, its Rego tests (the text of
    ``<name>_test.rego``) entering its rules; raises :class:`PolicyDocsError`."""
    where = _source_path(policy)
    chain, entered = _ask_opa(policy.path.name, policy.body, tests)
    package = _annotation(
        next((link["annotations"] for link in chain if link["path"] == [SPACELIFT_PACKAGE]), None),
        where,
        "the package",
    )
    if (
        package.get("custom")
        != {"spacelift": {"type": str(policy.type), "autoattach": list(policy.autoattach_labels)}}
        or package["description"].strip() != policy.description
    ):
        raise PolicyDocsError(
            f"{where}: lab/policies.py reads the package's METADATA differently from OPA "
            f"({package}); write it as plain YAML"
        )
    rules = tuple(
        _rule(name, line, found, policy, where) for line, (name, found) in sorted(entered.items())
    )
    return PolicyReference(policy, package["title"], package["description"].strip(), rules)


@functools.cache
def _ask_opa(filename: str, body: str, tests: str) -> tuple[Any, dict[int, Any]]:
    """OPA's annotation chain of the package, and the annotated rules of ``filename`` its
    tests enter (by line: name and annotation). Cached by content, here and on disk: tracing
    a whole Rego test suite takes seconds."""
    cached = _trace_cache_file(filename, body, tests)
    if (answer := _read_cached(cached)) is not None:
        return answer
    answer = _trace(filename, body, tests)
    _write_cached(cached, answer)
    return answer


TRACE_CACHE: Final = Path("illm-k8s-lab") / "policy-traces"
"""Under ``$XDG_CACHE_HOME`` (``~/.cache`` when unset)."""
OPA_DISTRIBUTION: Final = "opa-golib-python-bindings"


def trace_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / TRACE_CACHE


def _trace_cache_file(filename: str, body: str, tests: str) -> Path:
    key = hashlib.sha256(json.dumps([*_answer_depends_on(), filename, body, tests]).encode())
    return trace_cache_dir() / f"{key.hexdigest()}.json"


@functools.cache
def _answer_depends_on() -> tuple[str, str]:
    """Besides the policy and its tests: the engine's version and this module's source
    (which parses the trace), read once per process."""
    try:
        engine = version(OPA_DISTRIBUTION)
    except PackageNotFoundError:
        engine = "none"
    return engine, Path(__file__).read_text(encoding="utf-8")


def _read_cached(path: Path) -> tuple[Any, dict[int, Any]] | None:
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        return stored["chain"], {int(line): tuple(rule) for line, rule in stored["entered"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_cached(path: Path, answer: tuple[Any, dict[int, Any]]) -> None:
    chain, entered = answer
    document = json.dumps({"chain": chain, "entered": sorted(entered.items())})
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        # A rename is atomic: two lab processes never read half a file.
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False
        ) as staged:
            staged.write(document)
        Path(staged.name).replace(path)


def _trace(filename: str, body: str, tests: str) -> tuple[Any, dict[int, Any]]:
    """What :func:`_ask_opa` returns, from OPA itself."""
    try:  # not a runtime dependency (requirements-opa.lock), and it ships no type hints
        from opa_bindings import OpaEngine, OpaError  # type: ignore[import-untyped]
    except ImportError:
        raise PolicyDocsError(
            "the policy reference is read with OPA, which is not installed: run `make venv` "
            "(it installs requirements-opa.lock)"
        ) from None

    engine = OpaEngine()
    modules = {
        filename: body,
        "tests.rego": tests,
        f"{_PROBE}.rego": f"package {SPACELIFT_PACKAGE}\n\nimport rego.v1\n\n"
        f"{_PROBE} := rego.metadata.chain()\n",
    }
    try:
        for name, source in modules.items():
            engine.add_policy(name, source)
        chain = engine.eval_document(f"{SPACELIFT_PACKAGE}.{_PROBE}")
        engine.eval_document(TEST_PACKAGE, None, trace=True)
    except OpaError as error:
        raise PolicyDocsError(
            f"{POLICY_DIRECTORY.as_posix()}/{filename}: OPA: {error.message}"
        ) from None
    entered: dict[int, tuple[str, Mapping[str, Any]]] = {}
    for event in engine.last_trace or []:
        node = str(event.get("node"))
        source, _, line = str(event.get("location")).rpartition(":")
        if event["op"] == "Enter" and source == filename and node.startswith(_ANNOTATED_RULE):
            metadata, rule = node.removeprefix(_ANNOTATED_RULE).split("\n", 1)
            entered[int(line)] = (rule.removeprefix("default ").split()[0], json.loads(metadata))
    return chain, entered


def _annotation(found: object, where: str, what: str) -> Mapping[str, Any]:
    if not isinstance(found, dict):
        raise PolicyDocsError(f"{where}: {what} has no METADATA annotation")
    for key in ("title", "description"):
        if not isinstance(found.get(key), str) or not found[key].strip():
            raise PolicyDocsError(f"{where}: METADATA of {what}: {key} is missing or empty")
    return found


def _rule(
    name: str, line: int, found: Mapping[str, Any], policy: PolicyFile, where: str
) -> DocumentedRule:
    what = f"`{name}` (line {line})"
    _annotation(found, where, what)
    if name not in DECISION_RULES[policy.type]:
        raise PolicyDocsError(
            f"{where}: {what} is not a rule Spacelift reads from {policy.type} policies, so it "
            f"would be ignored; document only {listed(DECISION_RULES[policy.type])}"
        )
    custom = found.get("custom")
    if (
        not isinstance(custom, dict)
        or set(custom) != {"outcome"}
        or not str(custom["outcome"]).strip()
    ):
        raise PolicyDocsError(
            f"{where}: METADATA of {what}: custom must hold just outcome, what Spacelift does "
            "when the rule fires"
        )
    return DocumentedRule(
        name,
        line,
        found["title"].strip(),
        found["description"].strip(),
        str(custom["outcome"]).strip(),
    )


def render_policies_markdown(references: Iterable[PolicyReference]) -> str:
    """The content of ``docs/policies.md``: an overview, then each policy's rule table."""
    ordered = sorted(references, key=lambda reference: reference.policy.name)
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
        f"| `{_source_path(ref.policy)}` | `{ref.policy.type}` | {_attachment(ref.policy)} | "
        f"{_cell(ref.title)} |"
        for ref in ordered
    ]
    for ref in ordered:
        lines += [
            "",
            f"## {ref.title}",
            "",
            f"`{_source_path(ref.policy)}`: type `{ref.policy.type}`, attached to "
            f"{_attachment(ref.policy)}.",
            "",
            ref.description,
            "",
            "| Rule | When it fires | Outcome |",
            "|---|---|---|",
        ]
        lines += [
            f"| `{rule.name}`: {_cell(rule.title)} | {_cell(rule.description)} | "
            f"{_cell(rule.outcome)} |"
            for rule in ref.rules
        ]
    return "\n".join(lines) + "\n"


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
