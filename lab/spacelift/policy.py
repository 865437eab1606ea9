"""``spacelift_policy``: a Rego policy, applied to stacks by ``autoattach:`` labels."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar

from lab.rules.policies import PolicyType
from lab.spacelift._base import LabelledEntity


class PolicyEngineType(enum.StrEnum):
    """The Rego dialect the policy body is evaluated as."""

    REGO_V0 = "REGO_V0"
    """Rego v0 syntax (the provider's default)."""
    REGO_V1 = "REGO_V1"
    """Rego v1 syntax (``if``/``contains`` keywords), which this project's policies use."""


@dataclass(frozen=True, kw_only=True)
class Policy(LabelledEntity):
    """A Rego policy; the label ``autoattach:<label>`` applies it to every stack carrying
    ``<label>``."""

    TERRAFORM_TYPE: ClassVar[str] = "spacelift_policy"

    type: PolicyType
    """What the policy decides; fixed when the policy is created."""
    body: str
    """The Rego source."""
    engine_type: PolicyEngineType | None = None
    """Rego dialect of ``body``. Default: unset, which the provider treats as ``REGO_V0``."""
