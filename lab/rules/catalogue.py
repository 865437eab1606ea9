"""What each cloud offers: machine types and regions, from vendored catalogues.

A pattern accepts ``Standard_D4s_v9`` and ``m5.xlarg``; the cloud refuses both, after a plan
and an apply that waited for it. The lists under ``lab/rules/data/`` come from the clouds'
own machine-readable sources (``lab/rules/data/PROVENANCE.md`` names them, with the version,
the date and how to refresh them). A name missing from a list is refused with the nearest
names; a name the cloud has added since the last refresh is refreshed in, not worked around.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from lab.rules.violation import RuleError

DATA: Final = Path(__file__).parent / "data"

_AZURE_VM_SIZE: Final = re.compile(r"Standard_[A-Za-z0-9_-]+")
_EC2_INSTANCE_TYPE: Final = re.compile(r"[a-z][a-z0-9-]*\.[a-z0-9-]+")
SUGGESTIONS: Final = 3
"""How many near names a refusal offers."""


@cache
def catalogue(name: str) -> frozenset[str]:
    """The names in ``lab/rules/data/<name>.txt`` (one per line)."""
    return frozenset((DATA / f"{name}.txt").read_text().split())


def _did_you_mean(value: str, known: frozenset[str]) -> str:
    by_lower = {name.lower(): name for name in known}
    if value.lower() in by_lower:  # the right name in the wrong case
        return f"did you mean {by_lower[value.lower()]!r}?"
    near = difflib.get_close_matches(value.lower(), by_lower, n=SUGGESTIONS, cutoff=0.75)
    if not near:
        return ""
    return "did you mean " + " or ".join(repr(by_lower[name]) for name in near) + "?"


def _refuse(field: str, value: str, what: str, known: frozenset[str], fallback: str) -> RuleError:
    hint = _did_you_mean(value, known)
    return RuleError(field, f"{value!r} is not {what}; {hint or fallback}")


@dataclass(frozen=True)
class _MachineTypes:
    """One cloud's machine-type catalogue, and how its names look and are named."""

    catalogue: str
    what: str
    """``an Azure VM size``: what a refused name is not."""
    shape: re.Pattern[str]
    example: str
    fallback: str
    """What to do when no name is near."""


_AZURE_SIZES: Final = _MachineTypes(
    "azure_vm_sizes",
    "an Azure VM size",
    _AZURE_VM_SIZE,
    "Standard_D4s_v3",
    "use a name like Standard_D4s_v3 (az vm list-sizes)",
)
_EC2_TYPES: Final = _MachineTypes(
    "aws_instance_types",
    "an EC2 instance type",
    _EC2_INSTANCE_TYPE,
    "m5.xlarge",
    "use a name like m5.xlarge",
)


def _check_machine_type(value: str, field: str, own: _MachineTypes, other: _MachineTypes) -> str:
    """``value`` from ``own``'s catalogue; a name of the ``other`` cloud is called out as such."""
    known = catalogue(own.catalogue)
    if value in known:
        return value
    if other.shape.fullmatch(value) and value in catalogue(other.catalogue):
        raise RuleError(
            field,
            f"{value!r} is not {own.what} (that is {other.what}); use a name like {own.example}",
        )
    raise _refuse(field, value, own.what, known, own.fallback)


def check_azure_vm_size(value: str, *, field: str) -> str:
    """An Azure VM size Azure offers somewhere (``azure_vm_sizes.txt``)."""
    return _check_machine_type(value, field, _AZURE_SIZES, _EC2_TYPES)


def check_aws_instance_type(value: str, *, field: str) -> str:
    """An EC2 instance type (``aws_instance_types.txt``)."""
    return _check_machine_type(value, field, _EC2_TYPES, _AZURE_SIZES)


def check_azure_location(value: str, *, field: str) -> str:
    """An Azure region by programmatic name (``westeurope``, not ``West Europe``)."""
    known = catalogue("azure_locations")
    if value in known:
        return value
    squeezed = re.sub(r"[\s_-]", "", value).lower()
    if squeezed in known:
        raise RuleError(
            field,
            f"{value!r} is not a programmatic region name; did you mean {squeezed!r}? (the Name "
            "column of `az account list-locations -o table`)",
        )
    raise _refuse(
        field,
        value,
        "an Azure region",
        known,
        "use the Name column of `az account list-locations -o table`, e.g. 'westeurope'",
    )


def check_aws_region(value: str, *, field: str) -> str:
    """An AWS region code (``us-east-1``), of any partition."""
    known = catalogue("aws_regions")
    if value in known:
        return value
    raise _refuse(field, value, "an AWS region", known, "use a region code such as 'us-east-1'")
