"""Git, as the lab's commands ask it: one way to run it, and one error when it cannot answer.

``lab affected`` reads the changed stack folders of a range, ``lab validate --base`` reads
the base's ``cluster.yaml`` files, and ``lab doctor`` reads the ``origin`` remote. Each runs
``git -C <folder>`` through :func:`git`: no terminal prompt (a credential helper never waits
for input) and C-locale messages, whose last line :class:`GitError` carries.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


class GitError(Exception):
    """Git could not answer: not a repository, an unknown revision, git missing."""


def git(repo: Path, *args: str) -> str:
    """Run ``git -C repo args`` and return its stdout; raise :class:`GitError` on failure."""
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
        )
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH)") from None
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed ({done.returncode})")
    return done.stdout


def repository_root(path: Path) -> Path:
    """The top level of the git work tree containing ``path``."""
    try:
        return Path(git(path, "rev-parse", "--show-toplevel").strip())
    except GitError:
        raise GitError(f"{path} is not inside a git repository") from None
