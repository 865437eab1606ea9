"""``lab affected``: which Spacelift stacks a range of commits runs, and what those runs do.

Every Spacelift stack's project root is its synthesized folder,
``cdktf.out/stacks/<id>/``, and the push policy starts a run only when a change touches
it: a push to the tracked branch gives a *tracked* run (which can apply), a pull request
gives a *proposed* run (a preview). So the stacks a change runs are exactly those whose
synthesized files differ between the two ends of the range.

A stack folder that appears is a new stack (``spacelift-root`` creates it when its own
run applies); one that disappears is a stack ``spacelift-root`` deletes (for an
experiment, its stack destructor destroys the cloud resources first). Stacks that
depend on a changed foundation are queued after it; Spacelift skips such a run when no
output it references changed.

Git does the reading (``git diff --name-only`` and ``git ls-tree`` in a subprocess);
:func:`analyse` is pure and decides the rest from the lab definition in the working
tree: each stack's kind, autodeploy setting and dependencies.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import Final, Literal

from lab.clouds import Cloud, cloud_unit
from lab.commands.documents import Document
from lab.commands.table import format_table
from lab.contract import foundation_stack_id
from lab.definition import MANAGEMENT_STACK_ID, OUTPUT_DIR, LabDefinition, StackKind

STACKS_DIR: Final = f"{OUTPUT_DIR}/stacks"
"""Where every stack's project root lives, relative to the repository root."""
FORMAT_VERSION: Final = 1

RUNTIME_CONFIG: Final = ".spacelift/config.yml"
SOURCE_PATHS: Final = ("lab.yaml", "main.py", "experiments/", "lab/", "policies/")
"""Inputs of the synthesis: a change to them usually changes some stack's output."""


class GitError(Exception):
    """Git could not answer: not a repository, an unknown revision, git missing."""


class Event(StrEnum):
    """The Git event Spacelift reacts to."""

    PUSH = "push"
    """A push to the tracked branch: tracked runs, which apply."""
    PULL_REQUEST = "pull_request"
    """A pull request: proposed runs (previews); nothing applies before the merge."""


class Change(StrEnum):
    """What happened to a stack's synthesized folder."""

    MODIFIED = "modified"
    ADDED = "added"
    """A new stack: ``spacelift-root`` creates it."""
    DELETED = "deleted"
    """A stack that disappears: ``spacelift-root`` deletes it."""


class Run(StrEnum):
    """The run the event starts on the stack itself."""

    TRACKED = "tracked"
    PROPOSED = "proposed"


class Apply(StrEnum):
    """How the stack's tracked run applies (now for a push, after the merge for a PR)."""

    AUTODEPLOY = "autodeploy"
    """Applies without a confirmation, unless the plan policy warns."""
    CONFIRM = "confirm"
    """Waits for a person to confirm the plan."""


class Lifecycle(StrEnum):
    """What ``spacelift-root``'s run does to an added or deleted stack."""

    CREATE = "create"
    DESTROY = "destroy"
    """The stack destructor destroys the stack's resources, then the stack is deleted."""
    DELETE_BLOCKED = "delete_blocked"
    """The stack is protected from deletion: spacelift-root's apply fails."""
    DELETE = "delete"
    """The stack is deleted; its resources are not destroyed."""


@dataclass(frozen=True)
class Revisions:
    """A resolved revision range: the diff runs from ``base`` to ``head``."""

    spec: str
    """The range as given (``main..HEAD``, ``main...feature``, ``HEAD``)."""
    base: str
    head: str

    @property
    def short(self) -> str:
        return f"{self.base[:7]}..{self.head[:7]}"


@dataclass(frozen=True)
class AffectedStack:
    id: str
    kind: StackKind | None
    """None when the id follows none of the lab's naming schemes."""
    change: Change
    files: tuple[str, ...]
    run: Run | None
    """None for added and deleted stacks: ``spacelift-root``'s run handles them."""
    apply: Apply | None
    lifecycle: Lifecycle | None
    after: tuple[str, ...]
    """Upstream stacks changed by the same range: this stack's tracked run waits for them."""
    summary: str


@dataclass(frozen=True)
class Queued:
    """A stack the change does not touch that Spacelift queues after a changed upstream."""

    id: str
    after: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    revisions: Revisions
    event: Event
    branch: str
    files: tuple[str, ...]
    stacks: tuple[AffectedStack, ...]
    queued: tuple[Queued, ...]
    notes: tuple[str, ...]


# --- git --------------------------------------------------------------------------------


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
    if not path.is_dir():
        raise GitError(f"{path} is not a directory")
    try:
        return Path(git(path, "rev-parse", "--show-toplevel").strip())
    except GitError:
        raise GitError(f"{path} is not inside a git repository") from None


def resolve_range(repo: Path, spec: str) -> Revisions:
    """Resolve ``A..B``, ``A...B`` (from their merge base) or ``REV`` (``REV^..REV``).

    An empty side means ``HEAD``, as in git. A root commit is compared with the empty tree.
    """
    if not spec.strip():
        raise GitError("the revision range is empty; give one such as main..HEAD")
    if "..." in spec:
        left, _, right = spec.partition("...")
        # Both ends resolved first: an unknown revision is that, not "no shared history".
        head = _commit(repo, right or "HEAD")
        start = _commit(repo, left or "HEAD")
        try:
            base = git(repo, "merge-base", start, head).strip()
        except GitError:
            raise GitError(f"{left or 'HEAD'} and {right or 'HEAD'} share no history") from None
        return Revisions(spec, base, head)
    if ".." in spec:
        left, _, right = spec.partition("..")
        return Revisions(spec, _commit(repo, left or "HEAD"), _commit(repo, right or "HEAD"))
    head = _commit(repo, spec)
    parents = git(repo, "rev-list", "--parents", "-n", "1", head).split()[1:]
    base = parents[0] if parents else _empty_tree(repo)
    return Revisions(spec, base, head)


def _commit(repo: Path, revision: str) -> str:
    if revision.startswith("-"):
        raise GitError(f"{revision!r} is not a revision")
    try:
        return git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").strip()
    except GitError:
        raise GitError(f"unknown revision {revision!r} in this repository") from None


def uncommitted(repo: Path) -> tuple[str, ...]:
    """The paths with changes not committed (staged, unstaged or untracked, not ignored):
    a range of commits does not include them."""
    out = git(repo, "status", "--porcelain=v1", "-z", "--untracked-files=all")
    entries = [entry for entry in out.split("\0") if entry]
    # In -z output a rename's entry is followed by its source path alone, with no status.
    return tuple(sorted(entry[3:] for entry in entries if len(entry) > 3 and entry[2] == " "))


def _empty_tree(repo: Path) -> str:
    """The id of the empty tree, which git knows without storing it."""
    return git(repo, "hash-object", "-t", "tree", os.devnull).strip()


def changed_files(repo: Path, revisions: Revisions) -> tuple[str, ...]:
    """Every path that differs between the range's ends (a rename counts as two paths)."""
    out = git(
        repo, "diff", "--name-only", "--no-renames", "--no-ext-diff", "-z",
        revisions.base, revisions.head, "--",
    )  # fmt: skip
    return tuple(sorted(path for path in out.split("\0") if path))


def stack_folders(repo: Path, revision: str) -> frozenset[str]:
    """The stack ids with a folder under ``cdktf.out/stacks/`` at ``revision``."""
    out = git(repo, "ls-tree", "-d", "--name-only", "-z", revision, f"{STACKS_DIR}/")
    return frozenset(PurePosixPath(path).name for path in out.split("\0") if path)


def branch_contains(repo: Path, commit: str, branch: str) -> bool | None:
    """Whether ``commit`` is on ``branch`` (the local branch or any remote's copy of it).

    None when the repository has no such branch, so the question cannot be answered.
    """
    refs = git(
        repo, "for-each-ref", "--format=%(refname)",
        f"refs/heads/{branch}", f"refs/remotes/*/{branch}",
    ).split()  # fmt: skip
    if not refs:
        return None
    for ref in refs:
        done = subprocess.run(
            ["git", "-C", str(repo), "merge-base", "--is-ancestor", commit, ref],
            capture_output=True,
            check=False,
        )
        if done.returncode == 0:
            return True
    return False


def report_for(
    repo: Path, spec: str, definition: LabDefinition, *, branch: str, event: Event | None
) -> Report:
    """Read the range ``spec`` from git and analyse it; ``event`` None means detect it:
    a push when the range's end is on ``branch``, else a pull request."""
    revisions = resolve_range(repo, spec)
    notes = []
    if event is None:
        on_branch = branch_contains(repo, revisions.head, branch)
        if on_branch is None:
            notes.append(
                f"this repository has no branch {branch}; assumed a pull request "
                "(--event push to see the tracked runs)"
            )
        event = Event.PUSH if on_branch else Event.PULL_REQUEST
    pending = uncommitted(repo)
    if pending:
        shown = ", ".join(pending[:3]) + (", ..." if len(pending) > 3 else "")
        notes.append(
            f"uncommitted changes are not included ({len(pending)}: {shown}): this compares "
            "commits only; commit them to see what they run"
        )
    return analyse(
        definition,
        revisions,
        changed_files(repo, revisions),
        before=stack_folders(repo, revisions.base),
        after=stack_folders(repo, revisions.head),
        event=event,
        branch=branch,
        notes=notes,
    )


# --- analysis ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Settings:
    """What the report needs to know about one stack id."""

    kind: StackKind | None
    autodeploy: bool
    protect_from_deletion: bool
    depends_on: tuple[str, ...]
    order: int


def analyse(
    definition: LabDefinition,
    revisions: Revisions,
    files: Sequence[str],
    *,
    before: Collection[str],
    after: Collection[str],
    event: Event,
    branch: str,
    notes: Iterable[str] = (),
) -> Report:
    """Decide what Spacelift does for a change.

    ``files`` are the changed paths; ``before`` and ``after`` the stack folders that
    exist at the range's base and head.
    """
    touched: dict[str, list[str]] = {}
    for path in files:
        stack_id = stack_of(path)
        if stack_id is not None:
            touched.setdefault(stack_id, []).append(path)
    settings = {stack_id: _settings(definition, stack_id) for stack_id in touched}
    changes = {stack_id: _change(stack_id, before, after) for stack_id in touched}
    running = {s for s, change in changes.items() if change is Change.MODIFIED}

    stacks = []
    for stack_id in sorted(touched, key=lambda s: (settings[s].order, s)):
        own = settings[stack_id]
        upstream_running = tuple(u for u in own.depends_on if u in running)
        stacks.append(
            _affected(
                stack_id,
                own,
                change=changes[stack_id],
                files=tuple(touched[stack_id]),
                event=event,
                branch=branch,
                upstream_running=upstream_running,
            )
        )

    queued = [
        Queued(stack.id, tuple(u for u in stack.depends_on if u in running))
        for stack in definition.stacks
        if stack.id not in touched and any(u in running for u in stack.depends_on)
    ]
    all_notes = list(notes)
    all_notes += _notes(files, touched)
    all_notes += _renames(changes)
    return Report(
        revisions=revisions,
        event=event,
        branch=branch,
        files=tuple(files),
        stacks=tuple(stacks),
        queued=tuple(queued),
        notes=tuple(all_notes),
    )


def stack_of(path: str) -> str | None:
    """The stack whose project root holds ``path`` (``cdktf.out/stacks/<id>/...``)."""
    parts = PurePosixPath(path).parts
    prefix = PurePosixPath(STACKS_DIR).parts
    if len(parts) > len(prefix) + 1 and parts[: len(prefix)] == prefix:
        return parts[len(prefix)]
    return None


def _change(stack_id: str, before: Collection[str], after: Collection[str]) -> Change:
    if stack_id in after and stack_id not in before:
        return Change.ADDED
    if stack_id in before and stack_id not in after:
        return Change.DELETED
    return Change.MODIFIED


def _settings(definition: LabDefinition, stack_id: str) -> _Settings:
    """The stack's settings from the definition; for a stack it no longer has (a deleted
    one), what the lab's naming scheme implies."""
    for order, stack in enumerate(definition.stacks):
        if stack.id == stack_id:
            return _Settings(
                stack.kind, stack.autodeploy, stack.protect_from_deletion, stack.depends_on, order
            )
    unknown = len(definition.stacks)
    if stack_id == MANAGEMENT_STACK_ID:
        return _Settings(StackKind.MANAGEMENT, False, False, (), unknown)
    for cloud in Cloud:
        if stack_id == foundation_stack_id(cloud):
            return _Settings(StackKind.FOUNDATION, False, True, (), unknown)
        if stack_id.startswith("exp-") and stack_id.endswith(f"-{cloud_unit(cloud).service}"):
            return _Settings(
                StackKind.EXPERIMENT,
                definition.config.spacelift.experiment_autodeploy,
                False,
                (foundation_stack_id(cloud),),
                unknown,
            )
    return _Settings(None, False, False, (), unknown)


def _affected(
    stack_id: str,
    settings: _Settings,
    *,
    change: Change,
    files: tuple[str, ...],
    event: Event,
    branch: str,
    upstream_running: tuple[str, ...],
) -> AffectedStack:
    apply = Apply.AUTODEPLOY if settings.autodeploy else Apply.CONFIRM
    run: Run | None = None
    lifecycle: Lifecycle | None = None
    if change is Change.MODIFIED:
        run = Run.TRACKED if event is Event.PUSH else Run.PROPOSED
        summary = _run_summary(run, apply, branch, upstream_running)
    else:
        lifecycle = _lifecycle(settings, change)
        summary = _lifecycle_summary(lifecycle, settings, event, branch)
    return AffectedStack(
        id=stack_id,
        kind=settings.kind,
        change=change,
        files=files,
        run=run,
        apply=apply if change is Change.MODIFIED else None,
        lifecycle=lifecycle,
        after=upstream_running if event is Event.PUSH else (),
        summary=summary,
    )


_APPLY_TEXT: Final = {
    Apply.AUTODEPLOY: "applies without confirmation (autodeploy) unless the plan policy warns",
    Apply.CONFIRM: "waits for a person to confirm the plan",
}


def _run_summary(run: Run, apply: Apply, branch: str, upstream: tuple[str, ...]) -> str:
    if run is Run.PROPOSED:
        return f"proposed run (preview); once merged into {branch}: {_APPLY_TEXT[apply]}"
    waits = f"after {', '.join(upstream)} finishes, " if upstream else ""
    return f"tracked run: {waits}{_APPLY_TEXT[apply]}"


def _lifecycle(settings: _Settings, change: Change) -> Lifecycle:
    if change is Change.ADDED:
        return Lifecycle.CREATE
    if settings.protect_from_deletion:
        return Lifecycle.DELETE_BLOCKED
    if settings.kind is StackKind.EXPERIMENT:
        return Lifecycle.DESTROY
    return Lifecycle.DELETE


def _lifecycle_summary(lifecycle: Lifecycle, settings: _Settings, event: Event, branch: str) -> str:
    when = (
        f"once merged into {branch}, when spacelift-root's run applies"
        if event is Event.PULL_REQUEST
        else "when spacelift-root's run applies"
    )
    if lifecycle is Lifecycle.CREATE and settings.kind is StackKind.MANAGEMENT:
        return "the management stack: create it by hand once (docs/bootstrap.md)"
    if lifecycle is Lifecycle.CREATE:
        first_run = (
            "adding its output references starts its first run"
            if settings.depends_on
            else "trigger its first run by hand"
        )
        return f"new stack: created {when}; {first_run}"
    if lifecycle is Lifecycle.DESTROY:
        return f"removed: {when}, its destructor destroys its cloud resources, then the stack"
    if lifecycle is Lifecycle.DELETE_BLOCKED:
        return (
            f"removed, but protected from deletion: {when} it fails; turn protection off "
            "first (and remove the stacks that depend on it)"
        )
    if settings.kind is StackKind.MANAGEMENT:
        return "removed: spacelift-root loses its own project root; restore cdktf.out/"
    return f"removed: deleted {when}; its resources are left in place"


def _notes(files: Sequence[str], touched: Collection[str]) -> list[str]:
    notes = []
    if RUNTIME_CONFIG in files:
        notes.append(
            f"{RUNTIME_CONFIG} changed: it applies to the next run of every stack "
            "(previews show it) but starts none"
        )
    sources = sorted({p for p in files for s in SOURCE_PATHS if p == s or p.startswith(s)})
    if sources and not touched:
        notes.append(
            "lab sources changed but no synthesized output: a refactor, or `make synth` "
            f"was not run ({', '.join(sources[:3])}{', ...' if len(sources) > 3 else ''})"
        )
    return notes


def _renames(changes: dict[str, Change]) -> list[str]:
    """An experiment stack removed and another added on the same cloud is what renaming an
    experiment folder looks like: the stack id and every cluster name come from the folder
    name, so the old clusters are destroyed and new ones created, not renamed."""
    notes = []
    for cloud in Cloud:
        suffix = f"-{cloud_unit(cloud).service}"

        def experiments(change: Change, suffix: str = suffix) -> list[str]:
            return sorted(
                s for s, c in changes.items()
                if c is change and s.startswith("exp-") and s.endswith(suffix)
            )  # fmt: skip

        gone, new = experiments(Change.DELETED), experiments(Change.ADDED)
        if gone and new:
            notes.append(
                f"{', '.join(gone)} removed and {', '.join(new)} added: if an experiment "
                "folder was renamed, its clusters are destroyed and new ones created "
                "(their names and the stack's come from the folder name), not renamed; "
                'keep the old name to keep them (docs/workflows.md, "Renaming an experiment")'
            )
    return notes


# --- output -----------------------------------------------------------------------------


class AffectedStackRecord(Document):
    id: str
    kind: StackKind | None
    """Null when the id follows none of the lab's naming schemes."""
    change: Change
    """What happened to the stack's synthesized folder."""
    files: list[str]
    """The stack's changed files."""
    run: Run | None
    """The run the event starts on the stack itself; null when it starts none."""
    apply: Apply | None
    """How its tracked run applies."""
    lifecycle: Lifecycle | None
    """What spacelift-root's run does to an added or deleted stack."""
    after: list[str]
    """Stacks whose runs must finish first."""
    summary: str
    """One line for people."""


class QueuedRecord(Document):
    id: str
    """A stack the change does not touch that Spacelift queues after a changed upstream."""
    after: list[str]


class AffectedDocument(Document):
    """What ``lab affected --json`` prints."""

    format_version: Literal[1] = FORMAT_VERSION
    range: str
    """The revision range as given."""
    base: str
    head: str
    event: Event
    branch: str
    """The tracked branch the event was judged against."""
    files_changed: int
    stacks: list[AffectedStackRecord]
    queued: list[QueuedRecord]
    notes: list[str]


def report_document(report: Report) -> AffectedDocument:
    """The ``--json`` document (its schema is in docs/json-output.md)."""
    return AffectedDocument(
        range=report.revisions.spec,
        base=report.revisions.base,
        head=report.revisions.head,
        event=report.event,
        branch=report.branch,
        files_changed=len(report.files),
        stacks=[
            AffectedStackRecord(
                id=stack.id,
                kind=stack.kind,
                change=stack.change,
                files=list(stack.files),
                run=stack.run,
                apply=stack.apply,
                lifecycle=stack.lifecycle,
                after=list(stack.after),
                summary=stack.summary,
            )
            for stack in report.stacks
        ],
        queued=[QueuedRecord(id=q.id, after=list(q.after)) for q in report.queued],
        notes=list(report.notes),
    )


def render_report(report: Report) -> str:
    """The report for people: a headline, one row per stack, what is queued, notes."""
    count = len(report.files)
    changed = f"{count} file{'s' if count != 1 else ''} changed"
    lines = [f"{report.revisions.spec} ({report.revisions.short}): {changed}"]
    if not report.stacks:
        where = f"none under {STACKS_DIR}/" if count else "nothing to compare"
        lines[0] += f", {where}: Spacelift starts no run."
    else:
        n = len(report.stacks)
        lines[0] += f", {n} stack{'s' if n != 1 else ''} affected."
        lines.append(_event_line(report))
        lines.append("")
        lines.append(
            format_table(
                ("STACK", "KIND", "CHANGE", "WHAT HAPPENS"),
                [
                    (s.id, s.kind.value if s.kind else "unknown", s.change.value, s.summary)
                    for s in report.stacks
                ],
            )
        )
    if report.queued:
        lines.append("")
        then = "Then queued" if report.event is Event.PUSH else f"Once merged into {report.branch}"
        lines.append(
            f"{then}, by stack dependencies (each runs only if an output it references changed):"
        )
        lines += [f"  {q.id}  after {', '.join(q.after)}" for q in report.queued]
    if report.notes:
        lines.append("")
        lines += [f"note: {note}" for note in report.notes]
    return "\n".join(lines)


def _event_line(report: Report) -> str:
    if report.event is Event.PUSH:
        return f"As a push to {report.branch} (the tracked branch): tracked runs, which can apply."
    return (
        f"As a pull request into {report.branch}: proposed runs (previews); "
        "nothing applies before the merge."
    )
