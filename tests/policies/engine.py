"""The real OPA engine (v1.x, the Go library inside ``opa_bindings``), as the policy tests use it.

This is the only module that talks to ``opa_bindings``. It makes two of the engine's
habits explicit:

- ``add_policy`` only parses; type and compile errors surface on the first evaluation.
  :class:`Engine` therefore compiles as soon as it is built, and any failure is a
  :class:`RegoError` naming the file and line.
- The engine reads METADATA annotations only when some module calls ``rego.metadata.*``.
  :meth:`Engine.annotations` adds such a module, so OPA validates every annotation and
  reports what it sees.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from opa_bindings import OpaEngine, OpaError, OpaUndefinedError

JsonValue = Any
"""A JSON-compatible value: what the engine accepts as input and returns."""


class RegoError(Exception):
    """A module failed to parse or compile, or an evaluation failed."""


class _Undefined:
    """The value of a rule whose conditions do not all hold (OPA's "undefined")."""

    def __repr__(self) -> str:
        return "UNDEFINED"


UNDEFINED: Final = _Undefined()

# Added beside a policy to make OPA process (and validate) every METADATA block.
_ANNOTATIONS_PROBE_FILE = "lab_annotations_probe.rego"
_ANNOTATIONS_RULE = "lab_annotations_probe"
# The prefix OPA prints before a rule that has annotations: "# METADATA\n# {json}\n".
_ANNOTATED_RULE_PREFIX = "# METADATA\n# "


@dataclass(frozen=True)
class Annotations:
    """The METADATA annotations of one package, as OPA parsed them."""

    package: Mapping[str, JsonValue]
    """The package-scoped annotation (``title``, ``description``, ``custom``...)."""
    rules: Mapping[tuple[str, int], Mapping[str, JsonValue]]
    """Rule-scoped annotations by the file and line of the rule they annotate."""


class Engine:
    """Rego modules compiled together, ready to evaluate documents under ``data``."""

    def __init__(self, modules: Mapping[str, str]) -> None:
        """Compile ``modules`` (file name to source); raise :class:`RegoError` on any error."""
        self._modules = dict(modules)
        self._opa = OpaEngine()
        for filename, source in self._modules.items():
            try:
                self._opa.add_policy(filename, source)
            except OpaError as error:
                raise RegoError(error.message) from None
        try:
            self._opa.eval_query("true")
        except OpaError as error:
            raise RegoError(error.message) from None

    def value(self, path: str, input: JsonValue = None) -> JsonValue:
        """The document at ``data.<path>`` for ``input``, or :data:`UNDEFINED`."""
        try:
            return self._opa.eval_document(path, input)
        except OpaUndefinedError:
            return UNDEFINED
        except OpaError as error:
            raise RegoError(error.message) from None

    def annotations(self, package: str, *, exercised_by: str) -> Annotations:
        """The annotations OPA attaches to ``package`` and to the rules ``exercised_by`` reaches.

        OPA prints a rule with its METADATA when evaluation enters it, so the rules are
        collected from a trace of evaluating ``data.<exercised_by>`` (a test package).
        OPA's rule index skips bodies that cannot match an input, so a rule appears only
        if that evaluation tries it.
        """
        probe = Engine(
            {
                **self._modules,
                _ANNOTATIONS_PROBE_FILE: (
                    f"package {package}\n\nimport rego.v1\n\n"
                    f"{_ANNOTATIONS_RULE} := rego.metadata.chain()\n"
                ),
            }
        )
        chain = probe.value(f"{package}.{_ANNOTATIONS_RULE}")
        package_path = package.split(".")
        package_annotations: Mapping[str, JsonValue] = next(
            (link["annotations"] for link in chain if link["path"] == package_path), {}
        )
        rules: dict[tuple[str, int], Mapping[str, JsonValue]] = {}
        for event in probe._trace(exercised_by):
            node = event.get("node")
            if event["op"] == "Enter" and str(node).startswith(_ANNOTATED_RULE_PREFIX):
                filename, line = event["location"].rsplit(":", 1)
                metadata = str(node).removeprefix(_ANNOTATED_RULE_PREFIX).split("\n", 1)[0]
                rules[filename, int(line)] = json.loads(metadata)
        return Annotations(package=package_annotations, rules=rules)

    def _trace(self, path: str) -> list[dict[str, JsonValue]]:
        """The events of evaluating ``data.<path>``, in order."""
        try:
            self._opa.eval_document(path, None, trace=True)
        except OpaError as error:
            raise RegoError(error.message) from None
        return list(self._opa.last_trace or [])


def parse_module(filename: str, source: str) -> Mapping[str, JsonValue]:
    """OPA's own parse of a module (``rego.parse_module``): package, imports and rules."""
    module = _parser().value("lab_parser.module", {"filename": filename, "source": source})
    if not isinstance(module, dict):
        raise RegoError(f"{filename}: OPA returned no module")
    return module


@functools.cache
def _parser() -> Engine:
    """One engine whose only rule parses the module given as input."""
    return Engine(
        {
            "lab_parser.rego": (
                "package lab_parser\n\nimport rego.v1\n\n"
                "module := rego.parse_module(input.filename, input.source)\n"
            )
        }
    )
