"""A small ``opa test``: find every ``test_*`` rule beside each policy and run it on OPA.

Each policy is compiled with its ``<name>_test.rego`` and nothing else, because
Spacelift evaluates each policy on its own and the policies share ``package spacelift``.
A test passes when its rule evaluates to ``true``. A false, undefined or failing test
fails, as in ``opa test``.

:func:`collect` never raises. A file that does not parse or compile, a test file without
a policy (or the reverse), a suite with no tests, or an empty directory each becomes a
:class:`RegoCase` that fails with the reason, so pytest reports it like a failing test.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.policies.engine import UNDEFINED, Engine, JsonValue, RegoError, parse_module

TEST_FILE_SUFFIX = "_test.rego"
TEST_RULE_PREFIX = "test_"


@dataclass(frozen=True)
class RegoResult:
    """The outcome of one Rego test."""

    passed: bool
    detail: str
    """Why it failed (empty when it passed)."""


class _Suite:
    """A policy compiled with its tests; the test package is evaluated once, on demand."""

    def __init__(self, engine: Engine, package: str) -> None:
        self._engine = engine
        self._package = package

    @functools.cached_property
    def _document(self) -> Mapping[str, JsonValue] | None:
        # One evaluation for the whole package; None when some test raises, in which case
        # each test is evaluated alone so the error is reported against the right one.
        try:
            document = self._engine.value(self._package)
        except RegoError:
            return None
        return document if isinstance(document, Mapping) else {}

    def result(self, test: str) -> RegoResult:
        """Whether the rule ``test`` of the test package evaluates to ``true``."""
        path = f"{self._package}.{test}"
        if self._document is not None:
            value = self._document.get(test, UNDEFINED)
        else:
            try:
                value = self._engine.value(path)
            except RegoError as error:
                return RegoResult(passed=False, detail=f"{path} raised an error: {error}")
        if value is True:
            return RegoResult(passed=True, detail="")
        if value is UNDEFINED:
            return RegoResult(
                passed=False, detail=f"{path} is undefined: one of its conditions failed"
            )
        return RegoResult(passed=False, detail=f"{path} is {value!r}, not true")


@dataclass(frozen=True)
class RegoCase:
    """One Rego test to run, or a problem that stops a suite from running."""

    id: str
    """``<policy>::<test rule>``, or ``<policy>::<kind of problem>``."""
    suite: _Suite | None = None
    test: str = ""
    """The test rule's name, e.g. ``test_preview_is_approved``."""
    problem: str = ""

    def run(self) -> RegoResult:
        """Evaluate the test rule; a problem case fails with its problem."""
        if self.suite is None:
            return RegoResult(passed=False, detail=self.problem)
        return self.suite.result(self.test)


def collect(directory: Path) -> list[RegoCase]:
    """A case for every test rule of every policy in ``directory``, or for each problem."""
    policies = {path.name.removesuffix(".rego"): path for path in _rego_files(directory, False)}
    tests = {
        path.name.removesuffix(TEST_FILE_SUFFIX): path for path in _rego_files(directory, True)
    }
    cases: list[RegoCase] = []
    for name in sorted(policies.keys() | tests.keys()):
        if name not in tests:
            problem = f"{policies[name]} has no {name}{TEST_FILE_SUFFIX}"
            cases.append(_problem(name, "missing tests", problem))
        elif name not in policies:
            problem = f"{tests[name]} tests a policy that does not exist"
            cases.append(_problem(name, "orphan tests", problem))
        else:
            cases += _suite(name, policies[name], tests[name])
    if not cases:
        cases.append(_problem(directory.name, "empty", f"no policies found in {directory}"))
    return cases


def _suite(name: str, policy: Path, test_file: Path) -> list[RegoCase]:
    sources = {path.name: path.read_text(encoding="utf-8") for path in (policy, test_file)}
    try:
        engine = Engine(sources)
        module = parse_module(test_file.name, sources[test_file.name])
    except RegoError as error:
        return [_problem(name, "compile error", f"does not compile: {error}")]
    rules = Counter(
        _rule_name(rule)
        for rule in module.get("rules", [])
        if _rule_name(rule).startswith(TEST_RULE_PREFIX)
    )
    problems = [
        f"{test} is defined {count} times; a failing definition would hide behind a passing one"
        for test, count in sorted(rules.items())
        if count > 1
    ] + [
        f"{_rule_name(rule)} takes arguments; a test rule must not"
        for rule in module.get("rules", [])
        if _rule_name(rule).startswith(TEST_RULE_PREFIX) and rule["head"].get("args")
    ]
    if problems:
        return [_problem(name, "invalid tests", "; ".join(problems))]
    if not rules:
        return [_problem(name, "no tests", f"{test_file} defines no {TEST_RULE_PREFIX}* rule")]
    suite = _Suite(engine, _package(module))
    return [RegoCase(id=f"{name}::{test}", suite=suite, test=test) for test in sorted(rules)]


def _rego_files(directory: Path, tests: bool) -> list[Path]:
    return sorted(
        path for path in directory.glob("*.rego") if path.name.endswith(TEST_FILE_SUFFIX) == tests
    )


def _package(module: Mapping[str, JsonValue]) -> str:
    # The package path is data.<a>.<b>: a var followed by strings.
    return ".".join(str(part["value"]) for part in module["package"]["path"][1:])


def _rule_name(rule: Mapping[str, JsonValue]) -> str:
    return str(rule["head"].get("name", ""))


def _problem(name: str, label: str, problem: str) -> RegoCase:
    return RegoCase(id=f"{name}::<{label}>", problem=problem)
