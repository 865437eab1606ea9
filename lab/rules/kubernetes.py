"""Kubernetes versions as the lab writes them: a minor version, ``"1.35"``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
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


@dataclass(frozen=True)
class SupportWindow:
    """When a Kubernetes minor is in a cloud's standard support."""

    minor: str
    available: date
    """The first day in standard support: generally available on the cloud (the first of the
    month where only a month is given)."""
    ends: date
    """The first day out of standard support. EKS bills extended support "from the beginning of
    the day that the version reaches end of standard support" (awsdocs/amazon-eks-user-guide
    @10ac1b4, latest/ug/clusters/kubernetes-versions.adoc), so for EKS it is the calendar's
    end-of-standard-support date; where AKS gives only a month, the day after that month.
    Both calendars are read alike: a day ``d`` is in support when ``available <= d < ends``."""


@dataclass(frozen=True)
class SupportCalendar:
    """One cloud's standard-support windows, with where they come from."""

    service: str
    """``AKS`` or ``EKS``, for messages."""
    windows: tuple[SupportWindow, ...]
    source: str
    after_support: str
    """What happens to a cluster still on a minor when its standard support ends."""

    def window(self, minor: str) -> SupportWindow | None:
        return next((w for w in self.windows if w.minor == minor), None)

    def supported_on(self, day: date) -> tuple[str, ...]:
        """The minors in standard support on ``day``, oldest first."""
        return tuple(w.minor for w in self.windows if w.available <= day < w.ends)


AKS_SUPPORT: Final = SupportCalendar(
    service="AKS",
    windows=(
        # End of life "Nov 2026" and so on: supported through the month's last day.
        SupportWindow("1.34", date(2025, 11, 1), date(2026, 12, 1)),
        SupportWindow("1.35", date(2026, 3, 1), date(2027, 4, 1)),
        SupportWindow("1.36", date(2026, 6, 1), date(2027, 7, 1)),
        SupportWindow("1.37", date(2026, 10, 1), date(2027, 11, 1)),
    ),
    source=(
        "the AKS release calendar (MicrosoftDocs/azure-aks-docs f988e7e8, 2026-08-05, "
        "articles/aks/supported-kubernetes-versions.md): an end-of-life month is supported "
        "through its last day; 1.37's "
        "October 2026 GA was still planned in that revision"
    ),
    after_support=(
        "AKS stops patching it and, with the patch upgrade channel, does not move the minor; "
        "the cluster falls into platform support"
    ),
)
"""AKS standard support, checked 2026-12-03."""

EKS_SUPPORT: Final = SupportCalendar(
    service="EKS",
    windows=(
        SupportWindow("1.34", date(2025, 10, 2), date(2026, 12, 2)),
        SupportWindow("1.35", date(2026, 1, 27), date(2027, 3, 27)),
        SupportWindow("1.36", date(2026, 6, 2), date(2027, 8, 2)),
    ),
    source=(
        "the EKS release calendar (awsdocs/amazon-eks-user-guide 01385604, "
        "latest/ug/versioning/kubernetes-versions.adoc) for 1.34; 1.35 and 1.36 from their "
        "EKS release dates and EKS's 14 months of standard support (release dates from "
        "endoflife.date, not from AWS's source)"
    ),
    after_support=(
        "with the STANDARD upgrade policy EKS upgrades the control plane to the next minor "
        "itself, and lab.yaml's older pin would then plan a downgrade, which EKS refuses: "
        "move kubernetes_version first"
    ),
)
"""EKS standard support, checked 2026-12-03."""

SUPPORT_NOTICE_DAYS: Final = 60
"""Support that ends within this many days gets a warning."""


def check_supported(
    calendar: SupportCalendar, minor: str, *, today: date, field: str = "kubernetes_version"
) -> SupportWindow:
    """``minor``'s support window, when it is in standard support ``today``."""
    supported = ", ".join(calendar.supported_on(today)) or "none listed"
    window = calendar.window(minor)
    if window is None:
        raise RuleError(
            field,
            f"{minor!r} is not an {calendar.service} minor the lab knows (in standard support "
            f"on {today}: {supported}; from {calendar.source})",
        )
    if today >= window.ends:
        raise RuleError(
            field,
            f"{minor} left {calendar.service} standard support on {window.ends}: "
            f"{calendar.after_support}. Use one of {supported}",
        )
    if today < window.available:
        raise RuleError(
            field,
            f"{minor} is not generally available on {calendar.service} before "
            f"{window.available}; use one of {supported}",
        )
    return window


def support_warnings(
    calendar: SupportCalendar,
    window: SupportWindow,
    *,
    today: date,
    expiries: Mapping[str, date] | None = None,
) -> list[str]:
    """Why a supported minor still needs attention: its support ends within
    :data:`SUPPORT_NOTICE_DAYS`, or while an experiment of ``expiries`` (experiment -> expires)
    still runs: an experiment lives through its whole ``expires`` day."""
    last = window.ends - timedelta(days=1)
    what = (
        f"{calendar.service} standard support for {window.minor} ends on {window.ends} (its "
        f"last day is {last})"
    )
    found = [
        f"{what}, before experiment {name} expires ({expires}): {calendar.after_support}"
        for name, expires in sorted((expiries or {}).items())
        if window.ends <= expires
    ]
    left = (window.ends - today).days
    if left <= SUPPORT_NOTICE_DAYS:
        found.append(
            f"{what}, in {left} days: {calendar.after_support}. Move kubernetes_version to a "
            "newer minor"
        )
    return found
