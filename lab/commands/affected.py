"""``lab affected``: which Spacelift stacks a range of commits runs, and what those runs do.

Every stack's project root is its synthesized folder ``cdktf.out/stacks/<id>/``, and the
push policy (``policies/push.rego``) starts a run exactly when a change touches it. So the
stacks a change runs are the folders ``git diff --name-only`` names between the range's
ends: a folder that appears is a stack ``spacelift-root`` creates, one that disappears a
stack it deletes. The lab definition says the rest: each stack's kind, whether it
autodeploys, and which stacks Spacelift queues after it. A removed stack is described by
the definition at the range's base, where it still existed.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import Final, Literal

from lab.commands.documents import Document
from lab.commands.table import counted, format_table
from lab.definition import (
    OUTPUT_DIR,
    DefinitionSources,
    LabDefinition,
    StackDefinition,
    StackKind,
    load_definition,
)
from lab.errors import LabDefinitionError
from lab.git import GitError, git

STACKS_DIR: Final = f"{OUTPUT_DIR}/stacks"
"""Where every stack's project root lives, relative to the repository root."""
RUNTIME_CONFIG: Final = ".spacelift/config.yml"
FORMAT_VERSION: Final = 1


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


class AffectedStackRecord(Document):
    id: str
    kind: StackKind | None
    """Null when neither end of the range defines the stack."""
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


# --- git ---------------------------------------------------------------------------------


def resolve_range(repo: Path, spec: str) -> tuple[str, str]:
    """The commits ``(base, head)`` of ``A..B``, ``A...B`` (from their merge base) or one
    commit ``REV`` (``REV^!``; a root commit is compared with the empty tree), as git
    resolves them."""
    # --revs-only prints nothing for what is not a revision; --end-of-options reads
    # "--all" as a name, not an option.
    revision = spec if ".." in spec else f"{spec}^!"
    out = git(repo, "rev-parse", "--revs-only", "--end-of-options", revision).split()
    heads = [rev for rev in out if not rev.startswith("^")]
    bases = [rev[1:] for rev in out if rev.startswith("^")]
    if not heads:
        raise GitError(f"unknown revision or range {spec!r} in this repository")
    if bases:
        return bases[0], heads[0]
    if "..." in spec:
        raise GitError(f"the two sides of {spec} share no history")
    return git(repo, "hash-object", "-t", "tree", os.devnull).strip(), heads[0]


def uncommitted(repo: Path) -> tuple[str, ...]:
    """The paths with changes not committed (staged, unstaged or untracked, not ignored):
    a range of commits does not include them."""
    out = git(repo, "status", "--porcelain=v1", "-z", "--untracked-files=all")
    # In -z output a rename's entry is followed by its source path alone, with no status.
    return tuple(sorted(e[3:] for e in out.split("\0") if len(e) > 3 and e[2] == " "))


def branch_contains(repo: Path, commit: str, branch: str) -> bool | None:
    """Whether ``commit`` is on ``branch`` (the local branch or any remote's copy of it);
    None when the repository has no such branch."""
    refs = (f"refs/heads/{branch}", f"refs/remotes/*/{branch}")
    if not git(repo, "for-each-ref", *refs).strip():
        return None
    return bool(git(repo, "for-each-ref", f"--contains={commit}", *refs).strip())


def stack_folders(repo: Path, revision: str) -> frozenset[str]:
    """The stack ids with a folder under ``cdktf.out/stacks/`` at ``revision``."""
    out = git(repo, "ls-tree", "-d", "--name-only", "-z", revision, f"{STACKS_DIR}/")
    return frozenset(PurePosixPath(path).name for path in out.split("\0") if path)


def definition_at(repo: Path, revision: str, sources: DefinitionSources) -> LabDefinition | None:
    """The lab definition as it was at ``revision``; None when it cannot be read there (it
    lies outside the repository, did not exist, or is not valid today)."""
    try:
        paths = [
            path.resolve().relative_to(repo.resolve()).as_posix()
            for path in (sources.config_path, sources.experiments_dir)
        ]
    except ValueError:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        try:
            git(repo, "archive", "--format=zip", f"--output={tmp}/lab.zip", revision, "--", *paths)
        except GitError:
            return None
        with zipfile.ZipFile(f"{tmp}/lab.zip") as archive:
            archive.extractall(tmp)  # zipfile keeps every entry inside tmp, on every Python
        try:
            return load_definition(*(Path(tmp, path) for path in paths))
        except LabDefinitionError:
            return None


# --- what happens -----------------------------------------------------------------------


def report_for(
    repo: Path, spec: str, definition: LabDefinition, *, branch: str, event: Event | None
) -> AffectedDocument:
    """What Spacelift does for the range ``spec``; ``event`` None means detect it: a push
    when the range's end is on ``branch``, else a pull request."""
    base, head = resolve_range(repo, spec)
    notes = []
    if event is None:
        on_branch = branch_contains(repo, head, branch)
        if on_branch is None:
            notes.append(
                f"this repository has no branch {branch}; assumed a pull request "
                "(--event push to see the tracked runs)"
            )
        event = Event.PUSH if on_branch else Event.PULL_REQUEST
    if pending := uncommitted(repo):
        shown = ", ".join(pending[:3]) + (", ..." if len(pending) > 3 else "")
        notes.append(
            f"uncommitted changes are not included ({len(pending)}: {shown}): this compares "
            "commits only; commit them to see what they run"
        )
    files = git(repo, "diff", "--name-only", "--no-renames", "--no-ext-diff", "-z", base, head)
    changed = sorted(path for path in files.split("\0") if path)
    if RUNTIME_CONFIG in changed:
        notes.append(
            f"{RUNTIME_CONFIG} changed: it applies to the next run of every stack "
            "(previews show it) but starts none"
        )
    touched: dict[str, list[str]] = {}
    for path in changed:
        if (stack_id := stack_of(path)) is not None:
            touched.setdefault(stack_id, []).append(path)
    before, after = stack_folders(repo, base), stack_folders(repo, head)
    known = {stack.id: stack for stack in definition.stacks}
    if before - after and definition.sources:  # removed stacks: described as they were
        old = definition_at(repo, base, definition.sources)
        for stack in old.stacks if old else ():
            known.setdefault(stack.id, stack)
    order = {stack_id: index for index, stack_id in enumerate(known)}
    changes = {
        stack_id: Change.ADDED if stack_id not in before else
        Change.MODIFIED if stack_id in after else Change.DELETED
        for stack_id in sorted(touched, key=lambda s: (order.get(s, len(order)), s))
    }  # fmt: skip
    running = [stack_id for stack_id, change in changes.items() if change is Change.MODIFIED]
    stacks = [
        _affected(
            stack_id,
            known.get(stack_id),
            change,
            touched[stack_id],
            running,
            event=event,
            branch=branch,
        )
        for stack_id, change in changes.items()
    ]
    queued = [
        QueuedRecord(id=stack.id, after=[u for u in stack.depends_on if u in running])
        for stack in definition.stacks
        if stack.id not in changes and set(running) & set(stack.depends_on)
    ]
    return AffectedDocument(
        range=spec,
        base=base,
        head=head,
        event=event,
        branch=branch,
        files_changed=len(changed),
        stacks=stacks,
        queued=queued,
        notes=notes + _renames(changes, known),
    )


def stack_of(path: str) -> str | None:
    """The stack whose project root holds ``path`` (``cdktf.out/stacks/<id>/...``)."""
    parts = PurePosixPath(path).parts
    prefix = PurePosixPath(STACKS_DIR).parts
    if len(parts) > len(prefix) + 1 and parts[: len(prefix)] == prefix:
        return parts[len(prefix)]
    return None


_APPLY_TEXT: Final = {
    Apply.AUTODEPLOY: "applies without confirmation (autodeploy) unless the plan policy warns",
    Apply.CONFIRM: "waits for a person to confirm the plan",
}


def _affected(
    stack_id: str,
    stack: StackDefinition | None,
    change: Change,
    files: list[str],
    running: Iterable[str],
    *,
    event: Event,
    branch: str,
) -> AffectedStackRecord:
    """What the event does to one stack: a run of its own, or spacelift-root creating or
    deleting it."""
    kind = stack.kind if stack else None
    run, apply, lifecycle, upstream = None, None, None, []
    when = "when spacelift-root's run applies"
    if event is Event.PULL_REQUEST:
        when = f"once merged into {branch}, {when}"
    if change is Change.MODIFIED:
        apply = Apply.AUTODEPLOY if stack and stack.autodeploy else Apply.CONFIRM
        if event is Event.PULL_REQUEST:
            run = Run.PROPOSED
            summary = f"proposed run (preview); once merged into {branch}: {_APPLY_TEXT[apply]}"
        else:
            run = Run.TRACKED
            upstream = [u for u in stack.depends_on if u in running] if stack else []
            waits = f"after {', '.join(upstream)} finishes, " if upstream else ""
            summary = f"tracked run: {waits}{_APPLY_TEXT[apply]}"
    elif change is Change.ADDED:
        lifecycle = Lifecycle.CREATE
        first_run = (
            "adding its output references starts its first run"
            if stack and stack.depends_on
            else "trigger its first run by hand"
        )
        summary = f"new stack: created {when}; {first_run}"
        if kind is StackKind.MANAGEMENT:
            summary = "the management stack: create it by hand once (docs/bootstrap.md)"
    elif stack and stack.protect_from_deletion:
        lifecycle = Lifecycle.DELETE_BLOCKED
        summary = (
            f"removed, but protected from deletion: {when} it fails; turn protection off "
            "first (and remove the stacks that depend on it)"
        )
    elif kind is StackKind.EXPERIMENT:
        lifecycle = Lifecycle.DESTROY
        summary = f"removed: {when}, its destructor destroys its cloud resources, then the stack"
    else:
        lifecycle = Lifecycle.DELETE
        summary = f"removed: deleted {when}; its resources are left in place"
        if kind is StackKind.MANAGEMENT:
            summary = "removed: spacelift-root loses its own project root; restore cdktf.out/"
    return AffectedStackRecord(
        id=stack_id,
        kind=kind,
        change=change,
        files=files,
        run=run,
        apply=apply,
        lifecycle=lifecycle,
        after=upstream,
        summary=summary,
    )


def _renames(changes: Mapping[str, Change], known: Mapping[str, StackDefinition]) -> list[str]:
    """An experiment stack removed and another added on the same cloud is what renaming an
    experiment folder looks like: the stack id and every cluster name come from the folder
    name, so the old clusters are destroyed and new ones created, not renamed."""
    by_cloud: dict[object, dict[Change, list[str]]] = {}
    for stack_id, change in changes.items():
        stack = known.get(stack_id)
        if stack and stack.kind is StackKind.EXPERIMENT and change is not Change.MODIFIED:
            by_cloud.setdefault(stack.cloud, {}).setdefault(change, []).append(stack_id)
    return [
        f"{', '.join(sorted(found[Change.DELETED]))} removed and "
        f"{', '.join(sorted(found[Change.ADDED]))} added: if an experiment folder was renamed, "
        "its clusters are destroyed and new ones created (their names and the stack's come "
        "from the folder name), not renamed; keep the old name to keep them "
        '(docs/workflows.md, "Renaming an experiment")'
        for found in by_cloud.values()
        if len(found) == 2
    ]


def render_report(document: AffectedDocument) -> str:
    """The report for people: a headline, one row per stack, what is queued, notes."""
    short = f"{document.base[:7]}..{document.head[:7]}"
    lines = [f"{document.range} ({short}): {counted(document.files_changed, 'file')} changed"]
    if not document.stacks:
        where = f"none under {STACKS_DIR}/" if document.files_changed else "nothing to compare"
        lines[0] += f", {where}: Spacelift starts no run."
    else:
        lines[0] += f", {counted(len(document.stacks), 'stack')} affected."
        if document.event is Event.PUSH:
            lines.append(
                f"As a push to {document.branch} (the tracked branch): tracked runs, "
                "which can apply."
            )
        else:
            lines.append(
                f"As a pull request into {document.branch}: proposed runs (previews); "
                "nothing applies before the merge."
            )
        rows = [(s.id, s.kind or "unknown", s.change, s.summary) for s in document.stacks]
        lines += ["", format_table(("STACK", "KIND", "CHANGE", "WHAT HAPPENS"), rows)]
    if document.queued:
        then = (
            "Then queued" if document.event is Event.PUSH else f"Once merged into {document.branch}"
        )
        lines += [
            "",
            f"{then}, by stack dependencies (each runs only if an output it references changed):",
        ]
        lines += [f"  {q.id}  after {', '.join(q.after)}" for q in document.queued]
    if document.notes:
        lines += ["", *(f"note: {note}" for note in document.notes)]
    return "\n".join(lines)
