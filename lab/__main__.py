"""``python -m lab``: the lab command."""

from lab.cli import main

main()
