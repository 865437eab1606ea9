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


def check_azure_vm_size(value: str, *, field: str) -> str:
    """An Azure VM size Azure offers somewhere (``azure_vm_sizes.txt``); an EC2 type is called
    out as such."""
    known = catalogue("azure_vm_sizes")
    if value in known:
        return value
    if _EC2_INSTANCE_TYPE.fullmatch(value) and value in catalogue("aws_instance_types"):
        raise RuleError(
            field,
            f"{value!r} is not an Azure VM size (that is an EC2 instance type); use a name like "
            "Standard_D4s_v3",
        )
    raise _refuse(
        field,
        value,
        "an Azure VM size",
        known,
        "use a name like Standard_D4s_v3 (az vm list-sizes)",
    )


def check_aws_instance_type(value: str, *, field: str) -> str:
    """An EC2 instance type (``aws_instance_types.txt``); an Azure size is called out as such."""
    known = catalogue("aws_instance_types")
    if value in known:
        return value
    if _AZURE_VM_SIZE.fullmatch(value) and value in catalogue("azure_vm_sizes"):
        raise RuleError(
            field,
            f"{value!r} is not an EC2 instance type (that is an Azure VM size); use a name like "
            "m5.xlarge",
        )
    raise _refuse(field, value, "an EC2 instance type", known, "use a name like m5.xlarge")


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
