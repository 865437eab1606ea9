"""Values with a fixed written form: versions, Spacelift ids, logins, Git URLs and revisions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from lab.rules.violation import RuleError


@dataclass(frozen=True)
class Format:
    """A written form, and a value of that form to show in the message."""

    pattern: re.Pattern[str]
    example: str


SEMVER: Final = Format(re.compile(r"\d+\.\d+\.\d+"), "1.11.14")
"""A release pinned exactly (``major.minor.patch``)."""
SPACELIFT_ID: Final = Format(re.compile(r"[0-9A-HJKMNP-TV-Z]{26}"), "01HV8Z3K4M5N6P7Q8R9S0T1V2W")
"""Spacelift ids are ULIDs: 26 characters of Crockford's base32."""
REPOSITORY_NAME: Final = Format(re.compile(r"[A-Za-z0-9._-]+"), "illm-k8s-lab")
"""A repository name without its owner."""
LOGIN: Final = Format(re.compile(r"\S+"), "alice@example.com")
VCS_LOGIN: Final = Format(LOGIN.pattern, "alice")
GIT_URL: Final = Format(
    re.compile(r"https://[^\s@]+|ssh://\S+|git@[^\s:]+:\S+"),
    "https://github.com/<owner>/illm-k8s-lab.git",
)
GIT_REVISION: Final = Format(re.compile(r"(?!-)(?!.*\.\.)[A-Za-z0-9._/-]{1,255}"), "main")
"""A branch, tag or commit: no spaces, no "..", no leading "-" (git check-ref-format)."""


def check_format(value: str, *, field: str, form: Format) -> str:
    """``value`` when it is written in ``form``."""
    if form.pattern.fullmatch(value):
        return value
    raise RuleError(field, f"{value!r} is not valid here; expected something like {form.example}")
