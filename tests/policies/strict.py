"""The checks of OPA's strict mode that Rego v1 leaves optional, run over OPA's own parse.

``opa check --strict`` rejects unused imports and unused local assignments (including
``some`` declarations, ``every`` variables and function arguments). The engine here
cannot enable it: the Go bridge behind ``opa_bindings`` builds its queries without
``rego.Strict`` and exports no switch for it. These checks re-implement the two rules
over the syntax tree that OPA's ``rego.parse_module`` returns. The other strict-mode
rules (duplicate imports, shadowing ``input``/``data``, deprecated built-ins) are
already compile errors in Rego v1.

Scoping is simplified: a name counts as used anywhere in the same rule definition.
A local that is declared and never mentioned again is always reported. A name that is
shadowed in a nested scope can be missed; this check never reports a name that is used.

:func:`disabled_builtin_calls` finds calls to built-ins that Spacelift turns off.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

JsonValue = Any

SPACELIFT_DISABLED_BUILTINS = frozenset(
    {"http.send", "opa.runtime", "rego.parse_module", "time.now_ns", "trace"}
)
"""Built-ins Spacelift disables; a policy calling one fails there."""

# Imports that only switch on language features.
_FEATURE_IMPORT_ROOTS = frozenset({"rego", "future"})


def strict_violations(module: Mapping[str, JsonValue]) -> list[str]:
    """What ``opa check --strict`` would reject in ``module`` (an OPA AST), if anything."""
    return _unused_imports(module) + [
        problem for rule in module.get("rules", []) for problem in _unused_locals(rule)
    ]


def disabled_builtin_calls(module: Mapping[str, JsonValue]) -> list[str]:
    """Each call in ``module`` to a built-in Spacelift disables, as ``rule: name``."""
    return [
        f"{_rule_name(rule)}: calls {name}, which Spacelift disables"
        for rule in module.get("rules", [])
        for name in _called_functions(rule)
        if name in SPACELIFT_DISABLED_BUILTINS
    ]


def _unused_imports(module: Mapping[str, JsonValue]) -> list[str]:
    used = Counter(_var_names(module.get("rules", [])))
    problems = []
    for imported in module.get("imports", []):
        path = imported["path"]["value"]
        if path[0]["value"] in _FEATURE_IMPORT_ROOTS:
            continue
        name = imported.get("alias") or path[-1]["value"]
        if used[name] == 0:
            problems.append(f"import {_ref_text(path)} is unused")
    return problems


def _unused_locals(rule: Mapping[str, JsonValue]) -> list[str]:
    declared = Counter(_declared_names(rule))
    used = Counter(_var_names(rule))
    return [
        f"{_rule_name(rule)}: local `{name}` is declared but never used"
        for name, declarations in sorted(declared.items())
        if used[name] <= declarations
    ]


def _declared_names(rule: Mapping[str, JsonValue]) -> Iterator[str]:
    """Names a rule introduces: arguments, ``:=`` targets, ``some`` and ``every`` variables."""
    for argument in rule["head"].get("args") or []:
        yield from _var_names(argument)
    for node in _nodes(rule):
        terms = node.get("terms")
        if isinstance(terms, list) and terms and _operator(terms[0]) == "assign":
            yield from _var_names(terms[1])
        for symbol in node.get("symbols") or []:
            if symbol["type"] == "var":
                yield from _var_names(symbol)
            elif symbol["type"] == "call":
                # `some x in xs` is internal.member_2(x, xs); `some k, v in xs` is member_3.
                yield from _var_names(symbol["value"][1:-1])
        if "domain" in node and "body" in node:  # every k, v in domain { body }
            yield from _var_names([node.get("key"), node.get("value")])


def _called_functions(rule: Mapping[str, JsonValue]) -> Iterator[str]:
    for node in _nodes(rule):
        terms = node.get("terms")
        if isinstance(terms, list) and terms:
            yield _operator(terms[0])
        if node.get("type") == "call":
            yield _operator(node["value"][0])


def _operator(term: Mapping[str, JsonValue]) -> str:
    return _ref_text(term["value"]) if term.get("type") == "ref" else ""


def _ref_text(ref: list[Mapping[str, JsonValue]]) -> str:
    return ".".join(str(part["value"]) for part in ref)


def _rule_name(rule: Mapping[str, JsonValue]) -> str:
    head = rule["head"]
    return str(head.get("name") or _ref_text(head.get("ref", [])))


def _var_names(value: JsonValue) -> Iterator[str]:
    """Every variable mentioned in ``value``, wildcards (``_``, parsed as ``$n``) aside."""
    for node in _nodes(value):
        if node.get("type") == "var" and not str(node["value"]).startswith("$"):
            yield str(node["value"])


def _nodes(value: JsonValue) -> Iterator[Mapping[str, JsonValue]]:
    """Every JSON object inside ``value``, ``value`` included."""
    if isinstance(value, Mapping):
        yield value
        for child in value.values():
            yield from _nodes(child)
    elif isinstance(value, list):
        for child in value:
            yield from _nodes(child)
