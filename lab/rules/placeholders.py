"""Documentation values that must never reach a cloud, defined once.

The shipped ``lab.yaml`` holds values that are valid but belong to nobody, so it
synthesizes and its tests run without anyone's addresses or ids. Applied, they would
admit no one to the API servers, or grant nothing to anybody. ``lab validate`` and synth
warn about each field that still holds one; ``lab validate --strict`` fails on them, and
``docs/bootstrap.md`` makes it the last step before the first push.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Placeholder:
    """One kind of documentation value, and why it is one."""

    name: str
    reason: str
    """Where the value is reserved for documentation (the standard or the owner's own words)."""
    matches: Callable[[str], bool]


def _networks(*cidrs: str) -> Callable[[str], bool]:
    ranges = [ipaddress.ip_network(c) for c in cidrs]

    def inside(value: str) -> bool:
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError:
            return False
        return any(
            network.version == r.version and network.subnet_of(r)  # type: ignore[arg-type]
            for r in ranges
        )

    return inside


def _pattern(regex: str, flags: int = 0) -> Callable[[str], bool]:
    compiled = re.compile(regex, flags)
    return lambda value: compiled.search(value) is not None


_EXAMPLE_HOST: Final = (
    r"(?:^|://|@)(?:[A-Za-z0-9-]+\.)*"
    r"(?:example\.(?:com|net|org)|[A-Za-z0-9-]+\.(?:example|test|invalid))(?:$|[/:])"
)

PLACEHOLDERS: Final = (
    Placeholder(
        "IPv4 documentation range",
        "RFC 5737 reserves 192.0.2.0/24, 198.51.100.0/24 and 203.0.113.0/24 for documentation",
        _networks("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"),
    ),
    Placeholder(
        "IPv6 documentation range",
        "RFC 3849 reserves 2001:db8::/32 for documentation",
        _networks("2001:db8::/32"),
    ),
    Placeholder(
        "nil GUID",
        "the nil UUID of RFC 9562 is nobody's object, tenant or subscription id",
        _pattern(r"^0{8}-0{4}-0{4}-0{4}-0{12}$"),
    ),
    Placeholder(
        "AWS example account",
        "111122223333 and 123456789012 are the accounts of AWS's documentation examples",
        _pattern(r"(^|:)(111122223333|123456789012)(:|$)"),
    ),
    Placeholder(
        "template",
        "a <name> in angle brackets is for you to fill in",
        _pattern(r"<[A-Za-z0-9_-]+>"),
    ),
    Placeholder(
        "example domain",
        "RFC 2606 reserves example.com, .net and .org, and the .example, .test and .invalid "
        "domains, for documentation",
        _pattern(_EXAMPLE_HOST, re.IGNORECASE),  # host names are case-insensitive
    ),
)
"""Every kind of placeholder, in the order they are tried."""

STARTER_VALUES: Final[Mapping[str, tuple[str, str]]] = {
    "spacelift.space_id": (
        "root",
        "the starter space: spacelift-root's Space admin role would span the whole Spacelift "
        "account; create a space for the lab (docs/bootstrap.md, step 5) and give its id",
    ),
}
"""Fields whose shipped value is valid anywhere but meant to be replaced: field -> (value,
reason)."""


def placeholder_reason(value: str) -> str | None:
    """Why ``value`` is a documentation value, or None for a value that may be real."""
    return next((p.reason for p in PLACEHOLDERS if p.matches(value)), None)


def find_placeholders(data: object, path: str = "") -> Iterator[tuple[str, str, str]]:
    """``(field, value, reason)`` for every string in ``data`` (nested mappings and lists, as
    a model dumps them) that is a placeholder; fields are dotted paths, ``a.b[0]``."""
    if isinstance(data, str):
        starter, why = STARTER_VALUES.get(path, (None, None))
        reason = why if data == starter else placeholder_reason(data)
        if reason is not None:
            yield path, data, reason
    elif isinstance(data, Mapping):
        for key, value in data.items():
            yield from find_placeholders(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, Sequence):
        for index, value in enumerate(data):
            yield from find_placeholders(value, f"{path}[{index}]")
