"""Kubernetes versions as the lab writes them: a minor version, ``"1.35"``."""

from __future__ import annotations

import re
from typing import Final

from lab.rules.violation import RuleError

_MINOR: Final = re.compile(r"1\.(0|[1-9]\d*)")
_WITH_PATCH: Final = re.compile(r"(1\.\d+)\.\d+")


def check_kubernetes_minor(version: str, *, field: str = "kubernetes_version") -> str:
    """``version`` when it is a minor version. A patch version is refused: both clouds pick
    the patch, and AKS's upgrade channel would move past a pinned one."""
    if _MINOR.fullmatch(version):
        return version
    patch = _WITH_PATCH.fullmatch(version)
    if patch:
        raise RuleError(
            field,
            f"{version!r} pins a patch release; give the minor version only, "
            f"'{patch.group(1)}' (the cloud picks and upgrades the patch)",
        )
    raise RuleError(field, f"{version!r} is not a Kubernetes minor version; write it like '1.35'")
