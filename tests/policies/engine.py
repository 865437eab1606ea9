"""The real OPA engine (v1.x, the Go library inside ``opa_bindings``), as the policy tests use it.

Besides :mod:`lab.commands.policy_docs` (which reads the annotations for ``lab docs``), the
only module that talks to ``opa_bindings``. It makes one of the engine's habits explicit:
``add_policy`` only parses; type and compile errors surface on the first evaluation.
:class:`Engine` therefore compiles as soon as it is built, and any failure is a
:class:`RegoError` naming the file and line.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
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


class Engine:
    """Rego modules compiled together, ready to evaluate documents under ``data``."""

    def __init__(self, modules: Mapping[str, str]) -> None:
        """Compile ``modules`` (file name to source); raise :class:`RegoError` on any error."""
        self._opa = OpaEngine()
        for filename, source in modules.items():
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
