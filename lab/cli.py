"""The ``lab`` command (also ``python -m lab``) and the synth entry point behind ``main.py``.

Exit codes: 0 success; 1 a check failed (stale output, unknown stack); 2 the lab
definition or the command line is invalid. Errors go to stderr.
"""

from __future__ import annotations

import atexit
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final, NoReturn

import click

from lab.config import DEFAULT_CONFIG_PATH
from lab.definition import OUTPUT_DIR, LabDefinition, load_definition
from lab.errors import LabDefinitionError
from lab.experiments import DEFAULT_EXPERIMENTS_DIR

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


def _load(config_path: Path, experiments_dir: Path) -> LabDefinition:
    try:
        return load_definition(config_path, experiments_dir)
    except LabDefinitionError as error:
        click.echo(f"error: {error}", err=True)
        raise click.exceptions.Exit(EXIT_INVALID) from None


@click.command("synth")
@_config_option
@_experiments_option
@click.option(
    "--stack",
    "stack_ids",
    multiple=True,
    metavar="ID",
    help="Synthesize only this stack (repeatable); the other stacks' files stay untouched.",
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
def synth(
    config_path: Path,
    experiments_dir: Path,
    stack_ids: tuple[str, ...],
    outdir: Path,
    check: bool,
) -> None:
    """Synthesize the lab into Terraform JSON (all-or-nothing: bad input writes nothing)."""
    from lab import synth as synthesis

    definition = _load(config_path, experiments_dir)
    unknown = [s for s in stack_ids if s not in {d.id for d in definition.stacks}]
    if unknown:
        known = ", ".join(d.id for d in definition.stacks)
        click.echo(f"error: unknown stack {', '.join(unknown)}; the stacks are: {known}", err=True)
        raise click.exceptions.Exit(EXIT_CHECK_FAILED)
    if check:
        differences = synthesis.check(definition, outdir)
        if differences:
            click.echo(f"error: {outdir}/ is stale; run `make synth` and commit it:", err=True)
            for line in differences:
                click.echo(f"  {line}", err=True)
            raise click.exceptions.Exit(EXIT_CHECK_FAILED)
        click.echo(f"{outdir}/ is up to date ({len(definition.stacks)} stacks)")
        return
    result = synthesis.synthesize(definition, outdir, only=stack_ids or None)
    click.echo(
        f"synthesized {len(result.stack_ids)} stacks into {outdir}/: " + ", ".join(result.stack_ids)
    )


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="illm-k8s-lab")
def main() -> None:
    """Operate the multi-cloud Kubernetes lab: synthesize, inspect and validate its stacks."""


main.add_command(synth)
