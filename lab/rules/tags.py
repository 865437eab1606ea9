"""Tags that both clouds accept: ``lab.yaml`` ``tags`` go on every AWS and Azure resource."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from lab.rules.violation import RuleError

MAX_TAG_KEY_LENGTH: Final = 128
"""AWS's limit (Azure allows 512)."""
MAX_TAG_VALUE_LENGTH: Final = 256
"""Both clouds' limit."""
# AWS allows letters, digits, spaces and _ . : / = + - @ in keys and values; Azure refuses
# < > % & \ ? / in keys. What is left works on both.
_TAG_KEY: Final = re.compile(r"[\w .:=+@-]+")
_TAG_VALUE: Final = re.compile(r"[\w .:/=+@-]*")


def check_tags(tags: Mapping[str, str], *, field: str = "tags") -> None:
    """Keys and values the AWS and Azure tag APIs both accept."""
    for key, value in tags.items():
        where = f"{field}.{key}"
        if not key or len(key) > MAX_TAG_KEY_LENGTH or not _TAG_KEY.fullmatch(key):
            raise RuleError(
                where,
                f"{key!r} is not a tag key both clouds accept: 1-{MAX_TAG_KEY_LENGTH} letters, "
                "digits, spaces and _ . : = + - @ (Azure refuses '/' in keys)",
            )
        if key.lower().startswith("aws:"):
            raise RuleError(where, "keys starting with 'aws:' are reserved for AWS; rename it")
        if len(value) > MAX_TAG_VALUE_LENGTH or not _TAG_VALUE.fullmatch(value):
            raise RuleError(
                where,
                f"{value!r} is not a tag value both clouds accept: at most "
                f"{MAX_TAG_VALUE_LENGTH} letters, digits, spaces and _ . : / = + - @",
            )
