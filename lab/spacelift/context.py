"""``spacelift_context``, ``spacelift_context_attachment`` and
``spacelift_environment_variable``: configuration shared by stacks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Final

from lab.spacelift._base import Arguments, LabelledEntity, StackChild

DEFAULT_WRITE_ONLY: Final = True
"""Environment variables are secret unless a caller opts out (the provider's default too)."""


@dataclass(frozen=True, kw_only=True)
class Context(LabelledEntity):
    """A named bundle of environment variables and mounted files, attached to stacks.

    Label it ``autoattach:<label>`` to attach it to every stack carrying ``<label>`` in its
    space (and child spaces) without a :class:`ContextAttachment`.
    """

    TERRAFORM_TYPE: ClassVar[str] = "spacelift_context"


@dataclass(frozen=True, kw_only=True)
class ContextAttachment(StackChild):
    """Attach a context to one stack."""

    TERRAFORM_TYPE: ClassVar[str] = "spacelift_context_attachment"

    context_id: str
    """ID of the context."""


@dataclass(frozen=True, kw_only=True)
class EnvironmentVariable(Arguments):
    """An environment variable on a context; secret by default.

    The value is stored in the managing stack's state, so pass only values that stack may hold
    (IDs, names, settings): never a secret literal from the code.
    """

    TERRAFORM_TYPE: ClassVar[str] = "spacelift_environment_variable"

    context_id: str
    """ID of the context to set it on."""
    name: str
    """Variable name, e.g. ``AWS_REGION``."""
    value: str
    """The value; no newlines (Spacelift rejects them)."""
    write_only: bool = DEFAULT_WRITE_ONLY
    """Secret: the value is never shown in the UI or API, and runs mask it in logs. Default:
    ``True`` (always written out, so the plan shows it); pass ``False`` only for values that
    are safe to display."""
    description: str | None = None
    """Default: none."""
