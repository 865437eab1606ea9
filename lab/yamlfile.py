"""Reading the YAML files users write, and turning pydantic errors into :class:`Problem`s.

The lab's files are read by :func:`load_mapping` with a deliberately small YAML:

- **YAML 1.2 core scalars.** ``true``/``false`` are the only booleans and ``~``/``null``/
  empty the only null; ``yes``, ``no``, ``on``, ``off``, ``y``, ``n``, ``1:20`` and
  ``2026-01-31`` stay the text the user wrote (YAML 1.1, which PyYAML implements, reads
  ``no`` as false and ``1:20`` as 80). Where the lab expects a switch, the models refuse
  ``"no"`` naming the field; where it expects text, ``no`` arrives as ``no``. Numbers are
  decimal, ``0o``/``0x`` integers and finite floats; ``.inf``/``.nan`` are text, so a
  number field refuses them.
- **No anchors, aliases, merge keys (``<<``) or tags.** None is needed to describe a
  cluster, and each is a way to hurt: a 1.4 KB "billion laughs" alias bomb expands into
  ~10^9 nodes, and a merge key can set a key a second time without a word.
- **Bounded work.** Files over :data:`MAX_FILE_BYTES` and nesting deeper than
  :data:`MAX_DEPTH` are refused before they are built; every read, decode and parse
  failure becomes one :class:`Problem` naming the file (and the line where known).

Why PyYAML with these checks rather than a YAML 1.2 loader (ruamel.yaml 0.19): measured
on this machine, ruamel's safe loader reads ``no`` as text and refuses duplicate keys, but
it builds the alias bomb's shared graph (in 0.01 s; converting it to JSON for the
models would then walk ~10^9 nodes), a merge key still drops a value silently
(``size: small`` with ``<<: {size: large}`` gives small), ``.inf`` is still a float, and
5,000 nested ``[`` still raise ``RecursionError``; the checks would be needed anyway, on top
of a second YAML library. Restricting PyYAML's resolvers to the 1.2 core schema and
refusing the node kinds above costs ~60 lines and no dependency. The old duplicate-key walk
followed every alias: 7 levels of 9 took 1.5 s and each level multiplies by 9. Kubernetes
manifests in a cluster's ``argocd/`` folder are read by :mod:`lab.manifests`, where anchors
are common: there :func:`duplicate_keys` visits each shared node once, so an alias bomb
costs its size.
"""

from __future__ import annotations

import errno
import json
import math
import re
import stat
from pathlib import Path
from typing import Any, Final, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from lab.errors import Problem
from lab.rules import RuleError

ModelT = TypeVar("ModelT", bound=BaseModel)


class StrictModel(BaseModel):
    """Base of every user-facing model: immutable, unknown keys rejected, no coercion.

    Models are validated from JSON text (see :func:`validate_file`), where pydantic's
    strict mode still accepts what JSON cannot express natively: enum values given as
    strings and dates given as ``YYYY-MM-DD``. It rejects ``"3"`` for a number and ``yes``
    (which :func:`load_mapping` reads as text) for a switch.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


MAX_FILE_BYTES: Final = 1 << 20
"""The largest file read (1 MiB); a cluster.yaml is a few hundred bytes."""
MAX_DEPTH: Final = 32
"""The deepest nesting of mappings and lists read; the lab's files need five levels."""

_CORE = "tag:yaml.org,2002:"
_WRITE_OUT = "the lab's files take plain values: write the value out where it is needed"


class _Refused(yaml.YAMLError):
    """Something the lab's YAML does not take, at a line of the file."""

    def __init__(self, mark: yaml.Mark | None, message: str) -> None:
        super().__init__(message)
        self.problem_mark = mark
        self.problem = message


class _LabLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core scalars that refuses anchors, aliases, tags and deep
    nesting while it composes, before any of them can cost work."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 (PyYAML's class registry)

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        mark = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(mark, f"uses the alias *{event.anchor}; {_WRITE_OUT}")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _Refused(mark, f"sets the anchor &{anchor}; {_WRITE_OUT}")
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = tag.replace(_CORE, "!!")
            raise _Refused(mark, f"uses the tag {shown}; {_WRITE_OUT}")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(mark, f"nests lists and mappings deeper than {MAX_DEPTH} levels")
            return super().compose_node(parent, index)  # type: ignore[arg-type]
        finally:
            self._depth -= 1


# The YAML 1.2 core schema's tag resolution (YAML 1.2.2, section 10.3.2; the regular
# expressions as the spec gives them), less .inf and .nan. Sign only on base 10: +0x1F is text.
_LabLoader.add_implicit_resolver(
    _CORE + "bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_LabLoader.add_implicit_resolver(
    _CORE + "null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_LabLoader.add_implicit_resolver(
    _CORE + "int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
# Kept so that merge keys can be refused by name.
_LabLoader.add_implicit_resolver(_CORE + "merge", re.compile(r"^<<$"), ["<"])
_LabLoader.add_implicit_resolver(
    _CORE + "float",
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"),
    list("-+.0123456789"),
)


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = str(node.value)
    try:
        if text.startswith(("0o", "0x")):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text)
    except ValueError as error:  # more than 4,300 digits (CPython's int limit)
        raise _Refused(node.start_mark, f"holds a number too long to read: {error}") from None


def _construct_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float:
    value = float(node.value)
    if not math.isfinite(value):  # e.g. 1e999
        raise _Refused(node.start_mark, f"holds the number {node.value}, too large to use")
    return value


def _construct_bool(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> bool:
    return str(node.value).lower() == "true"


_LabLoader.add_constructor(_CORE + "int", _construct_int)
_LabLoader.add_constructor(_CORE + "float", _construct_float)
_LabLoader.add_constructor(_CORE + "bool", _construct_bool)


def load_mapping(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Parse ``path`` as a YAML mapping; report unreadable, invalid, empty or non-mapping files."""
    text, problem = _read_text(path)
    if text is None:
        return None, [Problem.at(path, "", problem)]
    try:
        data = _parse(text)
    except yaml.YAMLError as error:
        return None, [Problem.at(path, "", _yaml_reason(error))]
    except _DuplicatesError as duplicates:
        return None, [Problem.at(path, *found) for found in duplicates.found]
    if data is None:
        return None, [Problem.at(path, "", "is empty; it must be a mapping of keys to values")]
    if not isinstance(data, dict):
        kind = type(data).__name__
        return None, [Problem.at(path, "", f"must be a mapping of keys to values, not a {kind}")]
    return data, []


class _DuplicatesError(Exception):
    def __init__(self, found: list[tuple[str, str]]) -> None:
        self.found = found


def _parse(text: str) -> Any:
    """The document in ``text``; raises YAMLError, or _DuplicatesError for keys given twice."""
    loader = _LabLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if refused := duplicate_keys(node, merge_keys=False):
            raise _DuplicatesError(refused)
        return loader.construct_document(node)
    except RecursionError:  # a backstop: MAX_DEPTH stops nesting long before this
        raise _Refused(None, f"nests lists and mappings deeper than {MAX_DEPTH} levels") from None
    except (ValueError, OverflowError) as error:
        # PyYAML's scanner converts escapes with chr() unchecked: "\UA0010000" (found by
        # tests/fuzz) raises OverflowError, "\U00110000" ValueError.
        raise _Refused(None, f"is not valid YAML: {error}") from None
    finally:
        loader.dispose()


def _read_text(path: Path) -> tuple[str | None, str]:
    """The file's text, or why it cannot be read."""
    raw, problem = _read(path)
    if raw is None:
        return None, problem
    try:
        return raw.decode("utf-8"), ""
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start]
        return None, f"is not UTF-8 text (byte 0x{byte:02x} at line {line}); save it as UTF-8"


def _read(path: Path) -> tuple[bytes | None, str]:
    """The file's bytes, or why they cannot be read. Only regular files are opened: a FIFO
    named cluster.yaml would block the read forever."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            return None, f"is {kind}; it must be a YAML file"
        if info.st_size > MAX_FILE_BYTES:
            return None, f"is {info.st_size} bytes; the lab reads files up to {MAX_FILE_BYTES}"
        with path.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1), ""
    except OSError as error:
        return None, _os_reason(path, error)


def _os_reason(path: Path, error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "is a symbolic link that loops (it leads back to itself); replace it with the file"
    if error.errno == errno.ENOENT and path.is_symlink():
        return f"is a symbolic link to {path.readlink()}, which does not exist"
    return f"cannot be read: {error.strerror or error}"


def _yaml_reason(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    reason = getattr(error, "problem", None) or str(error)
    if isinstance(error, _Refused):
        return f"line {mark.line + 1}, column {mark.column + 1}: {reason}" if mark else reason
    return f"is not valid YAML{where}: {reason}"


def duplicate_keys(
    node: yaml.Node | None, location: str = "", *, merge_keys: bool = True
) -> list[tuple[str, str]]:
    """(field, message) for every key given twice in one mapping, anywhere in the document,
    and, with ``merge_keys=False``, for every merge key (``<<``).

    YAML keeps the last of two equal keys without a word, so ``size: small`` followed by
    ``size: large`` would silently be large; a merge key is another way to give a key twice.
    A node shared through aliases is visited once, so an alias bomb costs its size.
    """
    found: list[tuple[str, str]] = []
    seen: set[int] = set()
    pending: list[tuple[yaml.Node | None, str]] = [(node, location)]
    while pending:  # a loop, not recursion: nesting cannot exhaust the stack here
        current, where = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            found += _mapping_duplicates(current, where, merge_keys=merge_keys)
            pending += [
                (value, _join(where, _key_text(key))) for key, value in reversed(current.value)
            ]
        elif isinstance(current, yaml.SequenceNode):
            items = list(enumerate(current.value))
            pending += [(item, f"{where}[{index}]") for index, item in reversed(items)]
    return found


def _key_text(key: yaml.Node) -> str:
    return str(key.value) if isinstance(key, yaml.ScalarNode) else "?"


def _mapping_duplicates(
    node: yaml.MappingNode, location: str, *, merge_keys: bool
) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    first_lines: dict[object, int] = {}
    for key_node, _ in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        line = key_node.start_mark.line + 1
        field = _join(location, str(key))
        if key == "<<" and key_node.tag == _CORE + "merge":
            if not merge_keys:
                message = (
                    f"is a merge key (line {line}); it can give a key a second value without "
                    "a word, so the lab's files do not take it: write the keys out"
                )
                found.append((field, message))
            continue
        if key is None:
            continue
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
        # pydantic's own value errors (the lab's rules raise RuleError, above).
        return Problem.at(path, location, message.removeprefix("Value error, "))
    if "input" in detail:
        message = f"{message[0].lower()}{message[1:]} (got {_show(detail['input'])})"
    if kind == "string_type" and isinstance(detail.get("input"), int | float):
        # `kubernetes_version: 1.30` is the number 1.3 to YAML.
        message += f"; put it in quotes: unquoted, YAML reads it as the number {detail['input']}"
    if kind in ("bool_type", "bool_parsing") and isinstance(detail.get("input"), str):
        # YAML 1.1 habits (`yes`, `on`): the lab reads YAML 1.2, whose only switches these are.
        message += "; write true or false (yes, no, on and off are text in YAML 1.2)"
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
    if not _is_model(current):
        return []
    # A retired key stays a field (excluded from the data) only to be refused by name.
    return sorted(name for name, info in current.model_fields.items() if not info.exclude)


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
