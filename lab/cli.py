"""The ``lab`` command (also ``python -m lab``) and the synth entry point behind ``main.py``.

A thin click layer: each command parses its options, calls the pure functions of its
module in :mod:`lab.commands` and turns the result into output and an exit code. Only
``synth`` imports cdktf; every other command reads the definition alone.

Exit codes: 0 success; 1 a check failed (stale output, unknown stack, a refused
overwrite); 2 the lab definition or the command line is invalid (including git errors
in ``affected``). Errors and warnings go to stderr.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Final, NoReturn

import click
from click.core import ParameterSource

from lab import clock
from lab.clouds import Cloud
from lab.commands import graph
from lab.commands.graph import GraphFormat
from lab.commands.table import counted
from lab.config import DEFAULT_CONFIG_PATH, load_config
from lab.definition import (
    MANAGEMENT_STACK_ID,
    OUTPUT_DIR,
    LabDefinition,
    StackKind,
    load_definition,
)
from lab.errors import LabDefinitionError, SynthError, display_path
from lab.experiments import DEFAULT_EXPERIMENTS_DIR, ClusterSize
from lab.expiry import REMOVE_COMMAND
from lab.git import GitError, repository_root
from lab.policies import load_policies

# Each other command imports its own module when it runs: `main.py` and the synth worker load
# only what synthesis needs.

EXIT_OK: Final = 0
EXIT_CHECK_FAILED: Final = 1
EXIT_INVALID: Final = 2

_config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="LAB_CONFIG",
    default=DEFAULT_CONFIG_PATH,
    show_default=True,
    show_envvar=True,
    help="The lab settings file.",
)
_experiments_option = click.option(
    "--experiments",
    "experiments_dir",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="LAB_EXPERIMENTS_DIR",
    default=DEFAULT_EXPERIMENTS_DIR,
    show_default=True,
    show_envvar=True,
    help="The experiments tree (experiments/<experiment>/<cluster>/cluster.yaml).",
)


def _fail(message: str, code: int) -> NoReturn:
    """Print ``error: message`` on stderr and exit with ``code``."""
    click.echo(f"error: {message}", err=True)
    raise click.exceptions.Exit(code)


def _load(
    config_path: Path, experiments_dir: Path, *, writes: bool = False, warn: bool = True
) -> LabDefinition:
    """The lab definition, or exit 2 with every problem. ``writes``: the command would
    have written output, so the error says nothing was. ``warn`` prints the definition's
    warnings on stderr."""
    try:
        definition = load_definition(config_path, experiments_dir)
    except LabDefinitionError as error:
        _fail(f"{error}\nnothing was written" if writes else str(error), EXIT_INVALID)
    if warn:
        for warning in definition.warnings:
            click.echo(f"warning: {warning}", err=True)
    return definition


def _default_paths(config_path: Path, experiments_dir: Path) -> tuple[Path, Path]:
    """The inputs, with options left at their defaults found at the top of the lab's
    checkout, so every command works from any directory inside it."""
    context = click.get_current_context()
    root = find_root()
    if context.get_parameter_source("config_path") is ParameterSource.DEFAULT:
        config_path = root / DEFAULT_CONFIG_PATH
    if context.get_parameter_source("experiments_dir") is ParameterSource.DEFAULT:
        experiments_dir = root / DEFAULT_EXPERIMENTS_DIR
    return _shown(config_path), _shown(experiments_dir)


def _shown(path: Path) -> Path:
    """``path`` relative to the working directory where it lies inside it, as messages show
    it (``lab.yaml`` rather than ``/home/.../lab.yaml``)."""
    return Path(display_path(path)) if path.is_absolute() else path


def find_root(start: Path | None = None) -> Path:
    """The nearest directory, from ``start`` (default: the working directory) up, that holds
    ``lab.yaml``; ``start`` itself when none does."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / DEFAULT_CONFIG_PATH).is_file():
            return folder
    return here


@click.command(
    "synth",
    epilog="""\b
Examples:
  lab synth                             every stack, into cdktf.out/ (what make synth runs)
  lab synth --stack exp-demo-eks        one stack (and spacelift-root, which creates it);
                                        the others' files stay untouched
  lab synth --check                     exit 1 when the committed cdktf.out/ is stale

\b
LAB_SYNTH_PARALLEL=0 keeps the synth in one process (by default a second process
synthesizes the aws stacks). Bad input exits 2 and writes nothing.""",
)
@_config_option
@_experiments_option
@click.option(
    "--stack",
    "stack_ids",
    multiple=True,
    metavar="ID",
    help="Synthesize only this stack (repeatable) and spacelift-root, which creates it; the "
    "other stacks' files stay untouched.",
)
@click.option(
    "--outdir",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="CDKTF_OUTDIR",
    default=Path(OUTPUT_DIR),
    show_default=True,
    help="Output directory (the cdktf CLI sets CDKTF_OUTDIR).",
)
@click.option(
    "--check",
    is_flag=True,
    help="Compare a fresh synth with OUTDIR instead of writing; exit 1 when OUTDIR is stale.",
)
@click.option(
    "--exact",
    is_flag=True,
    hidden=True,
    help="Only the named stacks, not spacelift-root with them (the aws worker's part).",
)
@click.option(
    "--heavy",
    is_flag=True,
    hidden=True,
    help="Only the stacks of clouds with a heavy provider (the worker main.py starts).",
)
def synth(
    *,
    config_path: Path,
    experiments_dir: Path,
    stack_ids: tuple[str, ...],
    outdir: Path,
    check: bool,
    exact: bool,
    heavy: bool,
) -> None:
    """Synthesize the lab into Terraform JSON (all-or-nothing: bad input writes nothing)."""
    from lab import synth as synthesis

    config_path, experiments_dir = _default_paths(config_path, experiments_dir)
    if click.get_current_context().get_parameter_source("outdir") is ParameterSource.DEFAULT:
        outdir = _shown(find_root() / OUTPUT_DIR)
    definition = _load(config_path, experiments_dir, writes=not check)
    if heavy:
        stack_ids, exact = synthesis.heavy_stacks(definition), True
        if not stack_ids:
            return  # nothing for the worker: the parent synthesizes every stack itself
    unknown = [s for s in stack_ids if s not in {d.id for d in definition.stacks}]
    if unknown:
        known = ", ".join(d.id for d in definition.stacks)
        _fail(f"unknown stack {', '.join(unknown)}; the stacks are: {known}", EXIT_INVALID)
    # spacelift-root creates and configures every other stack: a stack synthesized alone
    # (a new experiment's, or one whose settings changed) usually changes it too, and a
    # stale spacelift-root would not create the stack on the next push. It loads no
    # provider, so it is synthesized with the named stacks and reported when it changed.
    with_root = bool(stack_ids) and MANAGEMENT_STACK_ID not in stack_ids and not exact
    root_file = outdir / "stacks" / MANAGEMENT_STACK_ID / "cdk.tf.json"
    root_before = root_file.read_bytes() if with_root and root_file.is_file() else None
    only = (*stack_ids, MANAGEMENT_STACK_ID) if with_root else stack_ids
    try:
        if check:
            differences = synthesis.check(definition, outdir, parallel=True)
        else:
            result = synthesis.synthesize(definition, outdir, only=only or None, parallel=True)
    except SynthError as error:
        # A construct refused its input (named stack and field); nothing was written.
        _fail(f"{error}{synthesis.NOTHING_WRITTEN}", EXIT_INVALID)
    if check:
        if differences:
            click.echo(f"error: {outdir}/ is stale; run `make synth` and commit it:", err=True)
            for line in differences:
                click.echo(f"  {line}", err=True)
            raise click.exceptions.Exit(EXIT_CHECK_FAILED)
        click.echo(f"{outdir}/ is up to date ({counted(len(definition.stacks), 'stack')})")
        return
    named = [s for s in result.stack_ids if not with_root or s != MANAGEMENT_STACK_ID]
    click.echo(f"synthesized {counted(len(named), 'stack')} into {outdir}/: " + ", ".join(named))
    if with_root and root_file.read_bytes() != root_before:
        click.echo(
            f"and {MANAGEMENT_STACK_ID}, which was stale: it creates and configures the "
            "stacks in Spacelift, so commit it with them"
        )
    _warn_placeholders(definition)


def _warn_placeholders(definition: LabDefinition) -> None:
    """Each documentation value still in lab.yaml, on stderr (``lab validate --strict`` fails)."""
    for placeholder in definition.placeholders:
        click.echo(f"warning: {placeholder}", err=True)


def run_synth(argv: Sequence[str]) -> NoReturn:
    """``main.py``: run :func:`synth`, then end the process without a slow teardown.

    Tearing down the interpreter after a synth takes seconds (collecting the jsii
    objects of thousands of classes). Once the output is written nothing is left to
    clean up, so after the atexit handlers (which stop jsii's node process) run, the
    process exits directly.
    """
    try:
        code = synth.main(args=list(argv), prog_name="main.py", standalone_mode=False)
    except click.exceptions.Exit as stop:
        code = stop.exit_code
    except click.ClickException as error:
        error.show()
        code = EXIT_INVALID
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        code = EXIT_CHECK_FAILED
    exit_promptly(code if isinstance(code, int) else EXIT_OK)


def exit_promptly(code: int) -> NoReturn:
    """Flush output, run atexit handlers, and exit without interpreter teardown."""
    sys.stdout.flush()
    sys.stderr.flush()
    atexit._run_exitfuncs()
    os._exit(code)


# --- the lab command --------------------------------------------------------------------


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="""\b
Exit codes: 0 success, 1 a check failed (stale output, a refused write),
2 invalid definition or usage. Errors and warnings go to stderr.
Guides: docs/workflows.md.""",
)
@click.version_option(package_name="illm-k8s-lab")
def main() -> None:
    """Operate the multi-cloud Kubernetes lab: synthesize, inspect and validate its stacks."""


main.add_command(synth)


def _terminal_width() -> int | None:
    """The width tables must fit: the terminal's, or ``COLUMNS``; none when output goes to a
    file or a pipe (scripts get whole lines)."""
    if "COLUMNS" in os.environ or sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def _print_json(document: object) -> None:
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


def _values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]


@main.command(
    "stacks",
    epilog="""\b
Examples:
  lab stacks                        every stack, as a table
  lab stacks -q --kind experiment   the experiment stack ids, one per line
  lab stacks --cloud aws --wide     with cluster sizes, protection, project roots
  lab stacks --json | jq '.stacks[] | select(.autodeploy) | .id'

--json prints {"format_version": 1, "stacks": [...]}; each stack has id, kind,
description, cloud, experiment, project_root, depends_on, labels, autodeploy,
protect_from_deletion, expires, inputs, outputs and clusters (docs/workflows.md).""",
)
@_config_option
@_experiments_option
@click.option(
    "--kind",
    "kinds",
    type=click.Choice(_values(StackKind)),
    multiple=True,
    help="Only stacks of this kind (repeatable).",
)
@click.option(
    "--cloud",
    "clouds",
    type=click.Choice(_values(Cloud)),
    multiple=True,
    help="Only stacks on this cloud (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("-w", "--wide", is_flag=True, help="Add cluster sizes, protection and project roots.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the stack ids, one per line.")
def stacks_command(
    *,
    config_path: Path,
    experiments_dir: Path,
    kinds: tuple[str, ...],
    clouds: tuple[str, ...],
    as_json: bool,
    wide: bool,
    quiet: bool,
) -> None:
    """List every stack: kind, cloud, dependencies, autodeploy, expiry, clusters, labels."""
    from lab.commands import inventory

    if as_json and quiet:
        _fail("--json and --quiet cannot be combined", EXIT_INVALID)
    definition = _load(*_default_paths(config_path, experiments_dir))
    selected = inventory.select_stacks(
        definition,
        kinds={StackKind(kind) for kind in kinds},
        clouds={Cloud(cloud) for cloud in clouds},
    )
    if as_json:
        _print_json(inventory.stacks_document(selected).json_data())
    elif quiet:
        for stack in selected:
            click.echo(stack.id)
    elif selected:
        click.echo(inventory.render_table(selected, wide=wide, max_width=_terminal_width()))


@main.command(
    "graph",
    epilog="""\b
Examples:
  lab graph                                 Mermaid, for Markdown
  lab graph --format dot | dot -Tsvg > stacks.svg
  lab graph --no-management                 only the dependency edges

A solid edge A -> B reads "A depends on B": B's tracked runs go first and its
outputs reach A as TF_VAR_* inputs. Dashed edges show what spacelift-root manages.""",
)
@_config_option
@_experiments_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_values(GraphFormat)),
    default=GraphFormat.MERMAID.value,
    show_default=True,
    help="Output format.",
)
@click.option(
    "--management/--no-management",
    default=True,
    show_default=True,
    help="Include spacelift-root and the stacks it manages (dashed edges).",
)
def graph_command(*, config_path: Path, experiments_dir: Path, fmt: str, management: bool) -> None:
    """Print the Spacelift stack dependency graph (Mermaid or Graphviz dot)."""
    definition = _load(*_default_paths(config_path, experiments_dir))
    click.echo(
        graph.render(definition.stacks, GraphFormat(fmt), include_management=management), nl=False
    )


_EVENT_AUTO: Final = "auto"


@main.command(
    "affected",
    epilog="""\b
RANGE is anything git diff accepts:
  A..B     the changes from A to B (a push of the commits after A)
  A...B    the changes on B since it forked from A (a pull request of B into A)
  REV      one commit: REV^..REV

\b
Examples:
  lab affected main...HEAD        what this branch's pull request previews
  lab affected HEAD~3..HEAD       what pushing the last three commits runs
  lab affected --json main..feature

\b
The event is a push when RANGE's end is on the tracked branch (spacelift.branch in
lab.yaml, locally or on a remote), else a pull request; --event overrides it.
Stack settings (kind, autodeploy, dependencies) come from the working tree's
definition, a removed stack's from the definition at RANGE's base. --json prints
the shape documented in docs/json-output.md.""",
)
@click.argument("revision_range", metavar="RANGE")
@_config_option
@_experiments_option
@click.option(
    "--repo",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path(),
    show_default=True,
    help="A directory inside the git repository. lab.yaml and experiments/ are read from "
    "its top level unless --config/--experiments say otherwise.",
)
@click.option(
    "--branch",
    metavar="NAME",
    help="The branch the stacks track.  [default: spacelift.branch in lab.yaml]",
)
@click.option(
    "--event",
    type=click.Choice([_EVENT_AUTO, "push", "pull-request"]),
    default=_EVENT_AUTO,
    show_default=True,
    help="The git event to assume: a push to the tracked branch, or a pull request.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def affected_command(
    *,
    revision_range: str,
    config_path: Path,
    experiments_dir: Path,
    repo: Path,
    branch: str | None,
    event: str,
    as_json: bool,
) -> None:
    """Show the Spacelift stacks a change runs, and whether it is a tracked run or a preview.

    A stack runs when its synthesized folder cdktf.out/stacks/<id>/ changes; a
    change to anything else (docs, tests, Python alone) runs nothing.
    """
    from lab.commands import affected

    try:
        root = repository_root(repo)
    except GitError as error:
        _fail(str(error), EXIT_INVALID)
    context = click.get_current_context()
    if context.get_parameter_source("config_path") is ParameterSource.DEFAULT:
        config_path = root / config_path
    if context.get_parameter_source("experiments_dir") is ParameterSource.DEFAULT:
        experiments_dir = root / experiments_dir
    definition = _load(config_path, experiments_dir)
    try:
        report = affected.report_for(
            root,
            revision_range,
            definition,
            branch=branch or definition.config.spacelift.branch,
            event=None if event == _EVENT_AUTO else affected.Event(event.replace("-", "_")),
        )
    except GitError as error:
        _fail(str(error), EXIT_INVALID)
    if as_json:
        _print_json(report.json_data())
    else:
        click.echo(affected.render_report(report))


@main.command(
    "new-experiment",
    epilog="""\b
Examples:
  lab new-experiment grpc-latency --cluster target --provider azure --size medium
  lab new-experiment grpc-latency --cluster loadgen --provider aws --size small
  lab new-experiment soak --cluster target --provider aws --size large \\
      --min-nodes 3 --max-nodes 8 --expires 2026-12-31

\b
Writes experiments/NAME/CLUSTER/cluster.yaml, a copy of
experiments/_template/target/cluster.yaml with the values filled in, and
checks it with the same rules and messages as `lab validate`; an invalid
result is removed again (exit 2). An existing file is never overwritten
(exit 1). Run it again with another --cluster to add a cluster to the
experiment.""",
)
@click.argument("name")
@click.option("--cluster", required=True, metavar="NAME", help="The cluster's folder name.")
@click.option(
    "--provider",
    type=click.Choice(_values(Cloud)),
    required=True,
    help="azure gives an AKS cluster, aws an EKS cluster.",
)
@click.option(
    "--size",
    type=click.Choice(_values(ClusterSize)),
    default=ClusterSize.SMALL.value,
    show_default=True,
    help="The preset: node count and machine type.",
)
@click.option("--nodes", type=int, help="Node count instead of the preset's.")
@click.option(
    "--vm-size",
    metavar="TYPE",
    help="Azure VM size (Standard_D4s_v3) or EC2 instance type (m5.xlarge).",
)
@click.option("--min-nodes", type=int, help="Autoscaling lower bound.")
@click.option("--max-nodes", type=int, help="Autoscaling upper bound.")
@click.option(
    "--expires", metavar="YYYY-MM-DD", help="Delete the experiment's clusters after this day."
)
@_config_option
@_experiments_option
def new_experiment_command(
    *,
    name: str,
    cluster: str,
    provider: str,
    size: str,
    nodes: int | None,
    vm_size: str | None,
    min_nodes: int | None,
    max_nodes: int | None,
    expires: str | None,
    config_path: Path,
    experiments_dir: Path,
) -> None:
    """Scaffold a cluster of an experiment: write a valid cluster.yaml."""
    from lab.commands import scaffold

    config_path, experiments_dir = _default_paths(config_path, experiments_dir)
    try:
        config = load_config(config_path)
    except LabDefinitionError as error:
        _fail(f"{error}\nfix lab.yaml first: it sets the node cap", EXIT_INVALID)
    request = scaffold.NewCluster(
        experiment=name,
        cluster=cluster,
        provider=Cloud(provider),
        size=ClusterSize(size),
        nodes=nodes,
        vm_size=vm_size,
        min_nodes=min_nodes,
        max_nodes=max_nodes,
        expires=expires,
    )
    try:
        created = scaffold.create_cluster(
            request, config_path=config_path, experiments_dir=experiments_dir
        )
    except scaffold.ScaffoldError as refusal:
        _fail(str(refusal), EXIT_CHECK_FAILED)
    except scaffold.FolderNameError as error:
        _fail(str(error), EXIT_INVALID)
    except LabDefinitionError as error:
        _fail(f"{error}\nnothing was written", EXIT_INVALID)
    spec, pool = created.spec, created.spec.default_pool
    scaling = f", autoscaling {pool.min_nodes}-{pool.max_nodes}" if pool.autoscaling else ""
    stack_note = "a new stack" if created.new_stack else "joins the existing stack"
    click.echo(
        f"created {display_path(created.path)}: cluster {spec.full_name}, "
        f"{pool.node_count}x {pool.machine_type}{scaling} on {spec.cloud.value}; "
        f"stack {created.stack_id} ({stack_note})"
    )
    if created.copied_expires is not None:
        click.echo(
            f"expires: {created.copied_expires}, copied from the experiment's other clusters "
            "(an experiment's clusters expire together)"
        )
    click.echo("next:")
    for line in scaffold.next_steps(created, branch=config.spacelift.branch):
        click.echo(f"  {line}")


@main.command(
    "validate",
    epilog="""\b
Examples:
  lab validate                    check everything, print a summary
  lab validate --strict           also fail (exit 1) on warnings and placeholders
  lab validate --base origin/main refuse experiments this change adds already expired
  LAB_EXPERIMENTS_DIR=/tmp/exp lab validate

\b
Checks lab.yaml, every experiments/<experiment>/<cluster>/cluster.yaml and the
policies in policies/ with exactly the rules and messages of `make synth`, in
under a second. Warnings (valid, but probably not meant) go to stderr, with a
note for each experiment that expires within a week.""",
)
@_config_option
@_experiments_option
@click.option(
    "--strict", is_flag=True, help="Exit 1 on warnings and on placeholders left in lab.yaml."
)
@click.option(
    "--base",
    metavar="REV",
    envvar="LAB_BASE_REF",
    show_envvar=True,
    help="Refuse (exit 2) expired experiments that are new, or re-dated, since REV "
    "(a pull request's base); those already there with that date stay warnings.",
)
def validate_command(
    *, config_path: Path, experiments_dir: Path, strict: bool, base: str | None
) -> None:
    """Check the lab definition without synthesizing."""
    from lab.commands import expiry, validation

    definition = _load(*_default_paths(config_path, experiments_dir))
    try:
        # What synth reads: spacelift-root uploads the policies only when lab.yaml asks.
        uploaded = definition.config.spacelift.policies
        policies = load_policies(definition.policies_dir) if uploaded else []
    except ValueError as error:
        _fail(str(error), EXIT_INVALID)
    if base:
        late = expiry.expired(definition, clock.today_utc())
        try:
            introduced = expiry.introduced_expired(late, base)
        except GitError as error:
            _fail(f"--base {base}: {error}", EXIT_INVALID)
        if introduced:
            _fail(str(LabDefinitionError(introduced)), EXIT_INVALID)
    for notice in validation.expiry_notices(definition, clock.today_utc()):
        click.echo(f"note: {notice.message}", err=True)
    _warn_placeholders(definition)
    click.echo(validation.summary(definition, len(policies)))
    if strict and (definition.warnings or definition.placeholders):
        raise click.exceptions.Exit(EXIT_CHECK_FAILED)


@main.command(
    "expired",
    epilog="""\b
Examples:
  lab expired                     list experiments past their expires date
  lab expired --remove            delete exactly their folders; then `make synth`
  lab expired --json | jq -r '.experiments[].name'

\b
An experiment with expires: D is due from the midnight (UTC) that ends day D.
Deleting its folder and merging the synthesized change deletes its stacks, whose
destructors destroy the clusters first. The scheduled workflow
.github/workflows/expire.yml runs this command every night and opens a pull
request (or pushes: lab.yaml expiry.delivery). Exit 0 whether or not any have
expired; --json prints the shape documented in docs/json-output.md.""",
)
@_config_option
@_experiments_option
@click.option("--remove", is_flag=True, help="Delete the expired experiments' folders.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def expired_command(
    *, config_path: Path, experiments_dir: Path, remove: bool, as_json: bool
) -> None:
    """List experiments past their expires date; --remove deletes their folders."""
    from lab.commands import expiry

    definition = _load(*_default_paths(config_path, experiments_dir), warn=False)
    today = clock.today_utc()
    late = expiry.expired(definition, today)
    report = expiry.ExpiryReport(today, definition.config, tuple(late), removed=remove)
    document = expiry.expired_document(report)  # folders are named before they go
    if remove:
        expiry.remove(late)
    if as_json:
        _print_json(document.json_data())
        return
    if not late:
        click.echo(f"no experiment has expired (today is {today}, UTC)")
        return
    for record in document.experiments:
        verb = "removed" if remove else "expired"
        click.echo(
            f"{verb}: {record.name} (expires {record.expires}; {record.folder}/; "
            f"stacks {', '.join(record.stacks)})"
        )
    if remove:
        click.echo("next: run `make synth` and commit the folders' removal with cdktf.out/")
    else:
        click.echo(f"run `{REMOVE_COMMAND}`, then `make synth`, and commit")


@main.command(
    "doctor",
    epilog="""\b
Examples:
  lab doctor                      what is left of the bootstrap, and the next step
  lab doctor --json | jq -r .next_step

\b
Checks offline what docs/bootstrap.md asks of the checkout: placeholders left in
lab.yaml, the warnings `lab validate --strict` fails on, cdktf.out/ holding the
definition's stacks, the workflows, the origin remote against
spacelift.repository, and the settings that need a paid Spacelift plan. Reads no
cloud and no Spacelift account. Exit 0 when nothing is left to do, 1 when a check
says todo, 2 when the definition is invalid; --json prints the shape documented
in docs/json-output.md.""",
)
@_config_option
@_experiments_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def doctor_command(*, config_path: Path, experiments_dir: Path, as_json: bool) -> None:
    """Check the bootstrap offline and print the next step."""
    from lab.commands import doctor

    config_path, experiments_dir = _default_paths(config_path, experiments_dir)
    definition = _load(config_path, experiments_dir, warn=False)
    checkout = doctor.Checkout(config_path.resolve().parent, config_path, definition)
    document = doctor.diagnose(checkout)
    if as_json:
        _print_json(document.json_data())
    else:
        for check in document.checks:
            click.echo(f"{check.status.value:4}  {check.name}: {check.message}")
        click.echo(f"next: {document.next_step}")
    if any(check.status is doctor.Status.TODO for check in document.checks):
        raise click.exceptions.Exit(EXIT_CHECK_FAILED)


@main.command(
    "docs",
    epilog="""\b
Examples:
  lab docs                        rewrite what is stale
  lab docs --check                exit 1 if anything is stale (CI, pre-commit)

\b
Rewrites the example stack graph in docs/architecture.md (between its marker
comments), docs/policies.md, and the table of checkov suppressions in README.md.
None of them depends on lab.yaml or experiments/.""",
)
@click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="The repository root.  [default: the checkout holding the working directory]",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when a document is stale.")
def docs_command(*, root: Path | None, check: bool) -> None:
    """Rewrite the generated documentation (stack graph, policy reference, suppressions)."""
    from lab.commands import docs

    root = root or find_root()
    try:
        stale = docs.stale_documents(root) if check else docs.write_documents(root)
    except docs.DocsError as error:
        _fail(str(error), EXIT_INVALID)
    if check and stale:
        names = ", ".join(str(document.path) for document in stale)
        _fail(f"stale generated documentation: {names}; run `make docs`", EXIT_CHECK_FAILED)
    if check:
        click.echo("generated documentation is up to date")
    elif stale:
        for document in stale:
            click.echo(f"wrote {document.path} (from {document.source})")
    else:
        click.echo("generated documentation was up to date; nothing written")
