"""``python -m lab`` (and ``bin/lab``): the lab command."""

from lab.cli import main

main(prog_name="lab")
