"""The test tooling itself: the Rego test runner and the strict-mode checks must fail when
they should, or a green policy suite would mean nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.policies.engine import parse_module
from tests.policies.rego_tests import RegoResult, collect
from tests.policies.strict import disabled_builtin_calls, strict_violations

POLICY = """package spacelift

import rego.v1

approve if input.ok
"""

HEADER = """package spacelift_test

import data.spacelift
import rego.v1
"""


def results(directory: Path, files: dict[str, str]) -> dict[str, RegoResult]:
    """Write ``files`` into ``directory`` and run every case ``collect`` finds there."""
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return {case.id: case.run() for case in collect(directory)}


# --- the Rego test runner --------------------------------------------------------------


def test_passing_and_failing_tests_are_reported_one_by_one(tmp_path: Path) -> None:
    tests = HEADER + (
        '\ntest_passes if spacelift.approve with input as {"ok": true}\n'
        "\ntest_is_false := false\n"
        "\ntest_is_a_number := 1\n"
        '\ntest_is_undefined if spacelift.approve with input as {"ok": false}\n'
    )

    found = results(tmp_path, {"policy.rego": POLICY, "policy_test.rego": tests})

    assert found == {
        "policy::test_is_a_number": RegoResult(
            passed=False, detail="spacelift_test.test_is_a_number is 1, not true"
        ),
        "policy::test_is_false": RegoResult(
            passed=False, detail="spacelift_test.test_is_false is False, not true"
        ),
        "policy::test_is_undefined": RegoResult(
            passed=False,
            detail="spacelift_test.test_is_undefined is undefined: one of its conditions failed",
        ),
        "policy::test_passes": RegoResult(passed=True, detail=""),
    }


def test_a_test_that_raises_fails_alone(tmp_path: Path) -> None:
    tests = HEADER + '\ntest_raises if to_number("ten") == 10\n\ntest_passes := true\n'

    found = results(tmp_path, {"policy.rego": POLICY, "policy_test.rego": tests})

    assert found["policy::test_passes"].passed
    assert not found["policy::test_raises"].passed
    assert found["policy::test_raises"].detail.startswith(
        "spacelift_test.test_raises raised an error: "
    )
    assert "to_number" in found["policy::test_raises"].detail


@pytest.mark.parametrize(
    ("files", "case_id", "problem"),
    [
        pytest.param(
            {"policy.rego": "package spacelift\n\napprove { true }\n", "policy_test.rego": HEADER},
            "policy::<compile error>",
            "rego_parse_error",
            id="v0-syntax",
        ),
        pytest.param(
            {
                "policy.rego": "package spacelift\n\nimport rego.v1\n\napprove if helper(1)\n",
                "policy_test.rego": HEADER + "\ntest_x := true\n",
            },
            "policy::<compile error>",
            "undefined function helper",
            id="compile-error",
        ),
        pytest.param(
            {"policy.rego": POLICY, "policy_test.rego": HEADER + "\nhelper := 1\n"},
            "policy::<no tests>",
            "defines no test_* rule",
            id="no-tests",
        ),
        pytest.param(
            {"policy.rego": POLICY},
            "policy::<missing tests>",
            "has no policy_test.rego",
            id="missing-test-file",
        ),
        pytest.param(
            {"other_test.rego": HEADER + "\ntest_x := true\n"},
            "other::<orphan tests>",
            "tests a policy that does not exist",
            id="orphan-test-file",
        ),
        pytest.param(
            {
                "policy.rego": POLICY,
                "policy_test.rego": HEADER + "\ntest_x if true\n\ntest_x if false\n",
            },
            "policy::<invalid tests>",
            "test_x is defined 2 times",
            id="duplicate-test",
        ),
    ],
)
def test_a_broken_suite_is_a_failing_case(
    tmp_path: Path, files: dict[str, str], case_id: str, problem: str
) -> None:
    found = results(tmp_path, files)

    assert list(found) == [case_id]
    assert not found[case_id].passed
    assert problem in found[case_id].detail


def test_a_test_rule_with_arguments_is_a_failing_case(tmp_path: Path) -> None:
    # A function cannot run as a test; without the check it reads as an undefined test.
    tests = HEADER + "\ntest_passes := true\n\ntest_x(a) := a == 1\n"

    found = results(tmp_path, {"policy.rego": POLICY, "policy_test.rego": tests})

    assert found == {
        "policy::<invalid tests>": RegoResult(
            passed=False, detail="test_x takes arguments; a test rule must not"
        )
    }


def test_an_empty_directory_is_a_failing_case(tmp_path: Path) -> None:
    found = results(tmp_path, {})

    assert list(found) == [f"{tmp_path.name}::<empty>"]
    assert not found[f"{tmp_path.name}::<empty>"].passed


# --- strict-mode checks ----------------------------------------------------------------


def violations(rules: str, imports: str = "") -> list[str]:
    source = f"package example\n\nimport rego.v1\n{imports}\n{rules}\n"
    return strict_violations(parse_module("example.rego", source))


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ("r if {\n\tx := 1\n\tinput.a\n}", "r: local `x` is declared but never used"),
        ("f(x) := 1", "f: local `x` is declared but never used"),
        ("r if {\n\tsome x in input.xs\n\tinput.a\n}", "r: local `x` is declared but never used"),
        ("r if {\n\tsome k, v in input.m\n\tv\n}", "r: local `k` is declared but never used"),
        ("r if {\n\t[a, b] := input.pair\n\ta\n}", "r: local `b` is declared but never used"),
        (
            "r if {\n\tevery x in input.xs {\n\t\tinput.a\n\t}\n}",
            "r: local `x` is declared but never used",
        ),
        ("s := {1 |\n\tsome t in input.ts\n}", "s: local `t` is declared but never used"),
    ],
)
def test_unused_locals_are_reported(rules: str, expected: str) -> None:
    assert violations(rules) == [expected]


@pytest.mark.parametrize(
    "rules",
    [
        "r if {\n\tx := input.a\n\tx > 1\n}",
        "r := x if {\n\tx := input.a\n}",
        "r if {\n\tsome x in input.xs\n\tx\n}",
        "f(x) := x + 1",
        "s := {t | some t in input.ts}",
        "r contains lower(n) if {\n\tsome n in input.names\n}",
        "r if {\n\tevery x in input.xs {\n\t\tx > 1\n\t}\n}",
        "r if {\n\t_ = input.x[_]\n}",
    ],
)
def test_used_locals_are_not_reported(rules: str) -> None:
    assert violations(rules) == []


def test_unused_imports_are_reported_and_used_ones_are_not() -> None:
    imports = "import data.lib\nimport data.other as alias\nimport data.used\n"

    assert violations("r := used.value", imports) == [
        "import data.lib is unused",
        "import data.other is unused",
    ]


@pytest.mark.parametrize(
    "call",
    [
        'http.send({"method": "GET", "url": input.u})',
        "time.now_ns()",
        "opa.runtime()",
        'trace("x")',
    ],
)
def test_builtins_spacelift_disables_are_reported(call: str) -> None:
    module = parse_module("example.rego", f"package example\n\nimport rego.v1\n\nr if {call}\n")
    name = call.split("(", 1)[0]

    assert disabled_builtin_calls(module) == [f"r: calls {name}, which Spacelift disables"]


def test_other_builtins_are_not_reported() -> None:
    module = parse_module(
        "example.rego",
        "package example\n\nimport rego.v1\n\nr if time.parse_rfc3339_ns(input.t) > 0\n",
    )

    assert disabled_builtin_calls(module) == []
