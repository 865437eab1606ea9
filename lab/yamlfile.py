"""Reading the YAML files users write, and turning pydantic errors into :class:`Problem`s."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from lab.errors import Problem
from lab.rules import RuleError

ModelT = TypeVar("ModelT", bound=BaseModel)

_NESTED_FIELD = re.compile(
    r"^([a-z_][a-z0-9_]*(?:\[\d+\])?(?:\.[a-z_][a-z0-9_]*(?:\[\d+\])?)*): (.+)$", re.S
)


class StrictModel(BaseModel):
    """Base of every user-facing model: immutable, unknown keys rejected, no coercion.

    Models are validated from JSON text (see :func:`validate_file`), where pydantic's
    strict mode still accepts what JSON cannot express natively: enum values given as
    strings and dates given as ``YYYY-MM-DD``. It rejects ``"3"`` for a number and
    ``yes`` for a string.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class _PlainLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as strings, so the models parse and report them."""


# Drop the implicit timestamp resolver: PyYAML would otherwise turn 2026-13-45 into an
# exception inside the parser instead of a field error naming `expires`.
_PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}


def load_mapping(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Parse ``path`` as a YAML mapping; report unreadable, invalid, empty or non-mapping files."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        return None, [Problem.at(path, "", f"cannot be read: {error.strerror or error}")]
    try:
        duplicates = duplicate_keys(yaml.compose(text, Loader=_PlainLoader))
        if duplicates:
            return None, [Problem.at(path, *duplicate) for duplicate in duplicates]
        data = yaml.load(text, Loader=_PlainLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(error, "problem", None) or str(error)
        return None, [Problem.at(path, "", f"is not valid YAML{where}: {reason}")]
    if data is None:
        return None, [Problem.at(path, "", "is empty; it must be a mapping of keys to values")]
    if not isinstance(data, dict):
        kind = type(data).__name__
        return None, [Problem.at(path, "", f"must be a mapping of keys to values, not a {kind}")]
    return data, []


def duplicate_keys(node: yaml.Node | None, location: str = "") -> list[tuple[str, str]]:
    """(field, message) for every key given twice in one mapping, anywhere in the document.

    YAML keeps the last of two equal keys without a word, so ``size: small`` followed by
    ``size: large`` would silently be large.
    """
    found: list[tuple[str, str]] = []
    if isinstance(node, yaml.MappingNode):
        first_lines: dict[object, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            line = key_node.start_mark.line + 1
            field = _join(location, str(key))
            if key is not None and key != "<<":
                if key in first_lines:
                    found.append(
                        (
                            field,
                            f"is given twice (lines {first_lines[key]} and {line}); YAML keeps "
                            "only the last one, so remove the one you do not mean",
                        )
                    )
                else:
                    first_lines[key] = line
            found += duplicate_keys(value_node, field)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found += duplicate_keys(item, f"{location}[{index}]")
    return found


def _join(location: str, key: str) -> str:
    return f"{location}.{key}" if location else key


def validate_file(
    model: type[ModelT], data: dict[str, Any], path: Path
) -> tuple[ModelT | None, list[Problem]]:
    """Validate parsed YAML against ``model``; every error becomes a Problem naming its field."""
    try:
        text = json.dumps(data)
    except (TypeError, ValueError) as error:  # e.g. a YAML binary or set
        return None, [Problem.at(path, "", f"holds a value JSON cannot represent: {error}")]
    try:
        return model.model_validate_json(text), []
    except ValidationError as error:
        details = error.errors()
        # A list whose only item is invalid also fails its min_length; that echo adds nothing.
        item_locations = {
            tuple(d["loc"][:-1]) for d in details if d["loc"] and isinstance(d["loc"][-1], int)
        }
        return None, [
            _problem(path, model, detail)
            for detail in details
            if not (detail["type"] == "too_short" and tuple(detail["loc"]) in item_locations)
        ]


def _problem(path: Path, model: type[BaseModel], detail: Any) -> Problem:
    location = _dotted(detail["loc"])
    kind: str = detail["type"]
    if kind == "missing":
        return Problem.at(path, location, "is required but missing")
    if kind == "extra_forbidden":
        allowed = ", ".join(_allowed_keys(model, detail["loc"][:-1]))
        return Problem.at(path, location, f"is not a known key (allowed: {allowed})")
    message: str = detail["msg"]
    error = detail.get("ctx", {}).get("error")
    if isinstance(error, RuleError):
        # A rule of lab.rules names the field within what it checked (a model validator checks
        # several fields): that field joins the model's location.
        location = ".".join(part for part in (location, error.field) if part)
        return Problem.at(path, location, error.message)
    if kind == "value_error":
        # Our validators raise "ValueError(<field>: <what to change>)" when the rule spans
        # several fields of a model; the named field joins the model's location.
        message = message.removeprefix("Value error, ")
        nested = _NESTED_FIELD.match(message)
        if nested:
            field, message = nested.groups()
            location = f"{location}.{field}" if location else field
        return Problem.at(path, location, message)
    if "input" in detail:
        message = f"{message[0].lower()}{message[1:]} (got {_show(detail['input'])})"
    if kind == "string_type" and isinstance(detail.get("input"), int | float):
        # `kubernetes_version: 1.30` is the number 1.3 to YAML.
        message += f"; put it in quotes: unquoted, YAML reads it as the number {detail['input']}"
    return Problem.at(path, location, message)


def _dotted(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _allowed_keys(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """The field names of the (nested) model at ``loc``, for "unknown key" messages."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if _is_model(current) else None
        if field is None:
            return []
        current = _model_in(field.annotation)
    return sorted(current.model_fields) if _is_model(current) else []


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _model_in(annotation: Any) -> Any:
    """The BaseModel inside ``X``, ``X | None`` or ``tuple[X, ...]``, if any."""
    if _is_model(annotation):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _show(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."
