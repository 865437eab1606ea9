"""Problems found in the lab definition (``lab.yaml`` and the ``cluster.yaml`` files).

Validation collects every problem of a run before failing, so one synth reports them
all, each naming the file and the field to change.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it lies under it, for messages."""
    try:
        return os.path.relpath(path) if path.is_absolute() else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one field of one file."""

    file: str
    """The file, as the user would type it (relative to the working directory)."""
    field: str
    """Dotted path of the field (``aws.eks.public_access_cidrs[0]``); empty for the whole file."""
    message: str
    """What is wrong and what to do about it."""

    @classmethod
    def at(cls, file: Path, field: str, message: str) -> Problem:
        return cls(display_path(file), field, message)

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"


class LabDefinitionError(Exception):
    """The lab definition is invalid; nothing was synthesized."""

    def __init__(self, problems: Iterable[Problem], *, skipped: Iterable[str] = ()) -> None:
        self.problems = tuple(sorted(set(problems)))
        self.skipped = tuple(skipped)
        """Checks not run because their input is broken (each says which and why)."""
        super().__init__(self._render())

    def _render(self) -> str:
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{count} {noun} in the lab definition:"]
        lines += [f"  {problem}" for problem in self.problems]
        if self.skipped:
            lines.append("not checked until their input is fixed:")
            lines += [f"  {check}" for check in self.skipped]
        return "\n".join(lines)


class SynthError(Exception):
    """Synthesis failed; nothing was written. The message says why."""


class StackBuildError(SynthError, ValueError):
    """A stack could not be built from its input (a policy file spacelift-root cannot read;
    constructs only assert); the message names the stack."""

    def __init__(self, stack_id: str, cause: ValueError) -> None:
        super().__init__(f"stack {stack_id}: {cause}")
        self.stack_id = stack_id
